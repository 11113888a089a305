"""What the public sees of the history: published records' changes, never drafts."""

from collections.abc import Callable

import pytest
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.registry import services
from offenestadt.registry.models import ProjectStatus

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def published_and_draft(editor: User, office: Office) -> None:
    project = services.project_create(
        actor=editor, office=office, title="Offenes WLAN", summary="Freies Netz."
    )
    services.project_publish(actor=editor, project=project)
    services.project_create(
        actor=editor, office=office, title="Vertraulicher Entwurf", summary="Noch intern."
    )


@pytest.mark.usefixtures("published_and_draft")
@pytest.mark.parametrize(
    "path", ["/audit/", "/audit/feed.atom", "/audit/entries.json", "/en/audit/"]
)
def test_anonymous_visitors_never_see_drafts_in_the_history(
    path: str, client_for: ClientFor
) -> None:
    body = client_for(None).get(path).content.decode()
    assert "Offenes WLAN" in body
    assert "Vertraulicher Entwurf" not in body


@pytest.mark.usefixtures("published_and_draft")
def test_the_atom_feed_lists_public_changes(client_for: ClientFor) -> None:
    response = client_for(None).get("/audit/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 1
    assert "urn:sha256:" in body


def test_a_record_page_shows_its_public_history(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = services.project_create(
        actor=editor, office=office, title="Smarte Laternen", summary="Dimmen nachts."
    )
    services.project_publish(actor=editor, project=project)
    page = client_for(None).get(project.get_absolute_url()).content.decode()
    assert "Änderungsverlauf" in page
    assert "Veröffentlicht am" in page
    # The draft-stage entry (creation) is internal: the public sees publication onward.
    assert page.count('<li id="eintrag-') == 1
    staff_page = client_for(editor).get(project.get_absolute_url()).content.decode()
    assert staff_page.count('<li id="eintrag-') == 2


def test_the_history_reads_in_the_words_of_the_page(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = services.project_create(
        actor=editor, office=office, title="Smarte Laternen", summary="Dimmen nachts."
    )
    services.project_publish(actor=editor, project=project)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.PLANNING)
    services.project_update(
        actor=editor,
        project=project,
        title=project.title,
        summary=project.summary,
        plain_language_summary="",
        internal_note="Nur intern.",
    )
    page = client_for(None).get(project.get_absolute_url()).content.decode()
    assert '<th scope="row">Stand</th><td>Idee</td><td>Planung</td>' in " ".join(
        page.split()
    ).replace("> <", "><")
    assert "Rolle: Redaktion (Verwaltung)" in page
    assert "Statuswechsel" in page
    assert "Interne Notiz" in page and "Nur intern." not in page
