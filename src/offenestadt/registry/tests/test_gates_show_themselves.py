"""A refused step says so at the top of the page, each finding links to the form that fixes
it (filled in for this project), and the form that asks for a step tells beforehand what
it would meet."""

from collections.abc import Callable

import pytest
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.registry import services
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import project_in_consultation

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def project(editor: User, office: Office) -> Project:
    """A project in consultation that processes personal data and has nothing else yet."""
    return project_in_consultation(editor=editor, office=office, processes_personal_data=True)


def _fixes(project: Project) -> dict[tuple[str, str], str]:
    _, findings = services.project_findings(project)
    return {(finding.principle, finding.rule): finding.fix_url for finding in findings}


def test_a_refused_step_answers_at_the_top_of_the_page(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    response = client_for(editor).post(f"/projekte/{project.slug}/stand/", {"to": "decision"})

    assert response.status_code == 409
    page = response.content.decode()
    refusal = page.index('id="verweigert" role="alert" tabindex="-1" autofocus')
    # Right under the project's heading, before its facts and the charter's scorecard.
    assert page.index("<h1>") < refusal < page.index('id="stammdaten"')
    assert "Der Übergang ist nach der Charta noch nicht erlaubt" in page[refusal:]
    assert f'href="/verarbeitungen/neu/?projekt={project.slug}"' in page[refusal:]


def test_the_transition_form_tells_what_it_would_meet(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    page = client_for(editor).get(project.get_absolute_url()).content.decode()

    ahead = page.index("Vor dem nächsten Schritt sind nach der Charta noch offen")
    assert ahead < page.index(f'action="/projekte/{project.slug}/stand/"')
    assert "Bieten Sie eine kostenlose Schulung mit Terminen" in page[ahead:]
    # Told, not refused: nothing takes the focus.
    assert 'role="alert"' not in page


def test_each_finding_links_to_the_form_that_fixes_it(project: Project) -> None:
    slug = project.slug
    fixes = _fixes(project)
    assert fixes["P1", "personal-data-declared"] == f"/verarbeitungen/neu/?projekt={slug}"
    assert fixes["P3", "participation-before-decision"] == f"/beteiligung/neu/?projekt={slug}"
    assert fixes["P4", "free-training"] == f"/schulungen/neu/?projekt={slug}"
    assert fixes["P4", "plain-language-summary"] == (
        f"/projekte/{slug}/bearbeiten/#id_plain_language_summary"
    )


@pytest.mark.parametrize(
    ("principle", "rule"),
    [("P1", "personal-data-declared"), ("P3", "participation-before-decision")],
)
def test_fixing_opens_a_new_record_for_this_project(
    project: Project, editor: User, client_for: ClientFor, principle: str, rule: str
) -> None:
    response = client_for(editor).get(_fixes(project)[principle, rule])

    assert response.status_code == 200
    chosen = response.context["form"]["projects"].value()
    assert [str(pk) for pk in chosen] == [str(project.pk)]
    page = response.content.decode()
    assert f'value="{project.pk}"' in page
    checkbox = page[page.index(f'value="{project.pk}"') :].split(">", 1)[0]
    assert "checked" in checkbox


def test_a_project_not_open_to_the_user_is_not_preselected(
    project: Project, client_for: ClientFor, other_editor: User
) -> None:
    response = client_for(other_editor).get(f"/verarbeitungen/neu/?projekt={project.slug}")

    assert response.status_code == 200
    assert not response.context["form"]["projects"].value()


def test_fields_of_the_project_are_fixed_on_its_form(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    address = _fixes(project)["P4", "plain-language-summary"]
    page = client_for(editor).get(address).content.decode()

    assert 'id="id_plain_language_summary"' in page
