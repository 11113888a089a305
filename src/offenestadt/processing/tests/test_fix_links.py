"""Each finding of a processing activity links to the form that fixes it, at the field, filled
in with what the entry holds: the editor lands where the change is made."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.processing.models import (
    DataCategory,
    ProcessingActivity,
    ReviewStatus,
    SpecialCategory,
    Transfer,
)
from offenestadt.processing.tests.test_review import complete_activity
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]

# rule → (what to change in the entry's one data category, the field its form opens at)
CATEGORY_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "category-has-purpose": ({"purpose": ""}, "purpose"),
    "category-has-legal-basis": ({"legal_basis": ""}, "legal_basis"),
    "retention-limited": (
        {"retention_amount": None, "retention_unlimited": True},
        "retention_unlimited",
    ),
    "retention-within-charter": (
        {"retention_amount": 30, "retention_unit": "years"},
        "retention_justification",
    ),
    "necessity-argued": ({"necessity": ""}, "necessity"),
}


@pytest.fixture
def activity(editor: User) -> ProcessingActivity:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    return complete_activity(editor, project)


def _fix(activity: ProcessingActivity, charter: CharterVersion, rule: str) -> str:
    (finding,) = [f for f in evaluate(activity, charter) if f.rule == rule]
    assert finding.status in {Status.VIOLATED, Status.MISSING}
    return finding.fix_url


def _page(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


@pytest.mark.parametrize(("rule", "case"), CATEGORY_CASES.items(), ids=CATEGORY_CASES)
def test_a_data_category_s_finding_opens_its_form_at_the_field(
    charter: CharterVersion,
    activity: ProcessingActivity,
    editor: User,
    client_for: ClientFor,
    rule: str,
    case: tuple[dict[str, Any], str],
) -> None:
    changes, field_name = case
    DataCategory.objects.filter(activity=activity).update(**changes)
    category = activity.categories.get()

    address = _fix(activity, charter, rule)

    form = f"/verarbeitungen/{activity.slug}/kategorie/{category.pk}/aendern/"
    assert address == f"{form}#id_{field_name}"
    page = _page(client_for(editor), address)
    assert f'id="id_{field_name}"' in page
    assert 'value="Name"' in page  # the category as it is stored


def test_an_entry_without_categories_opens_the_form_that_adds_one(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    activity.categories.all().delete()

    address = _fix(activity, charter, "category-has-purpose")

    assert address == f"/verarbeitungen/{activity.slug}/kategorie/neu/"
    assert 'id="id_purpose"' in _page(client_for(editor), address)


def test_special_categories_open_the_entry_s_form_at_the_impact_assessment(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    DataCategory.objects.filter(activity=activity).update(special_category=SpecialCategory.ART9)

    address = _fix(activity, charter, "special-categories-assessed")

    assert address == f"/verarbeitungen/{activity.slug}/bearbeiten/#id_dpia_reference"
    page = _page(client_for(editor), address)
    assert 'id="id_dpia_reference"' in page and f'value="{activity.title}"' in page


def test_a_transfer_without_safeguard_opens_its_form(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    transfer = Transfer.objects.create(activity=activity, recipient="Hoster Inc.", country="US")

    address = _fix(activity, charter, "third-country-safeguarded")

    assert address == (
        f"/verarbeitungen/{activity.slug}/uebermittlung/{transfer.pk}/aendern/#id_safeguard"
    )
    assert 'value="Hoster Inc."' in _page(client_for(editor), address)


def test_an_entry_returned_by_the_dpo_opens_its_form(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    ProcessingActivity.objects.filter(pk=activity.pk).update(review_status=ReviewStatus.RETURNED)
    activity.refresh_from_db()

    address = _fix(activity, charter, "reviewed-by-dpo")

    assert address == f"/verarbeitungen/{activity.slug}/bearbeiten/"
    assert f'value="{activity.title}"' in _page(client_for(editor), address)


def test_an_entry_not_yet_submitted_opens_the_form_that_submits_it(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    address = _fix(activity, charter, "reviewed-by-dpo")

    assert address == f"/verarbeitungen/{activity.slug}/einreichen/"
    page = _page(client_for(editor), address)
    assert f"„{activity.title}“ zur Prüfung einreichen" in page
    assert 'name="comment"' in page and ">Einreichen</button>" in page

    # Sent from there, the entry waits for the DPO: then nothing links anywhere.
    response = client_for(editor).post(address, {"comment": "Bitte prüfen."})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.SUBMITTED
    assert _fix(activity, charter, "reviewed-by-dpo") == ""


def test_the_submission_form_says_first_what_it_would_meet(
    charter: CharterVersion, activity: ProcessingActivity, editor: User, client_for: ClientFor
) -> None:
    activity.categories.all().delete()

    page = _page(client_for(editor), _fix(activity, charter, "reviewed-by-dpo"))

    ahead = page.index("Vor dem Einreichen ist noch offen:")
    assert ahead < page.index("Tragen Sie zuerst die Kategorien") < page.index('name="comment"')
