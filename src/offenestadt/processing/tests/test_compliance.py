"""Each minimisation finding the charter engine raises over an entry of the register."""

import itertools
from typing import Any

import pytest
from django.utils import timezone

from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,
    parameter_value,
)
from offenestadt.charter.tests.versions import with_values
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionUnit,
    SpecialCategory,
    Transfer,
)

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "name": "Name",
    "purpose": "Termin zuordnen",
    "legal_basis": LegalBasis.ART6_E,
    "retention_amount": 6,
    "retention_unit": RetentionUnit.MONTHS,
    "necessity": "Ohne Namen keine Zuordnung",
}


_slugs = itertools.count()


def activity_with(*categories: dict[str, Any], **fields: Any) -> ProcessingActivity:
    activity = ProcessingActivity.objects.create(
        title="Verarbeitung", slug=f"v{next(_slugs)}", **fields
    )
    for changes in categories:
        DataCategory.objects.create(activity=activity, **(GOOD | changes))
    return activity


def finding(activity: ProcessingActivity, charter: CharterVersion, rule: str) -> tuple[str, str]:
    found = next(f for f in evaluate(activity, charter) if f.rule == rule)
    return found.status, found.message.de


def test_a_complete_minimal_entry_meets_every_content_rule(charter: CharterVersion) -> None:
    activity = activity_with({})
    statuses = {f.rule: f.status for f in evaluate(activity, charter)}
    assert statuses == {
        "reviewed-by-dpo": Status.MISSING,
        "category-has-purpose": Status.MET,
        "category-has-legal-basis": Status.MET,
        "retention-limited": Status.MET,
        "retention-within-charter": Status.MET,
        "special-categories-assessed": Status.NOT_APPLICABLE,
        "third-country-safeguarded": Status.NOT_APPLICABLE,
        "necessity-argued": Status.MET,
    }


def test_no_categories_is_missing(charter: CharterVersion) -> None:
    assert finding(activity_with(), charter, "category-has-purpose")[0] == Status.MISSING


def test_a_category_without_purpose_is_a_violation(charter: CharterVersion) -> None:
    status, message = finding(
        activity_with({}, {"name": "Geburtsdatum", "purpose": " "}), charter, "category-has-purpose"
    )
    assert status == Status.VIOLATED
    assert "Geburtsdatum" in message and "Name" not in message


def test_a_category_without_legal_basis_is_missing(charter: CharterVersion) -> None:
    activity = activity_with({"legal_basis": ""})
    assert finding(activity, charter, "category-has-legal-basis")[0] == Status.MISSING


def test_no_retention_is_missing_and_unlimited_retention_a_violation(
    charter: CharterVersion,
) -> None:
    assert (
        finding(activity_with({"retention_amount": None}), charter, "retention-limited")[0]
        == Status.MISSING
    )
    status, message = finding(
        activity_with({"retention_unlimited": True, "name": "Fotos"}), charter, "retention-limited"
    )
    assert status == Status.VIOLATED and "Fotos" in message


@pytest.mark.parametrize(
    ("amount", "unit", "justification", "status"),
    [
        (12, RetentionUnit.MONTHS, "", Status.MET),
        (365, RetentionUnit.DAYS, "", Status.MET),
        (13, RetentionUnit.MONTHS, "", Status.VIOLATED),
        (2, RetentionUnit.YEARS, "", Status.VIOLATED),
        (2, RetentionUnit.YEARS, "Aufbewahrungspflicht nach § 147 AO", Status.MET),
    ],
)
def test_retention_longer_than_the_charter_allows_needs_a_justification(
    charter: CharterVersion, amount: int, unit: str, justification: str, status: Status
) -> None:
    assert parameter_value(charter, MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION) == 12
    activity = activity_with(
        {
            "retention_amount": amount,
            "retention_unit": unit,
            "retention_justification": justification,
        }
    )
    assert finding(activity, charter, "retention-within-charter")[0] == status


def test_the_charter_parameter_decides_the_limit(charter: CharterVersion) -> None:
    generous = with_values(charter, max_retention_months_without_justification=24)
    activity = activity_with({"retention_amount": 18})
    assert finding(activity, charter, "retention-within-charter")[0] == Status.VIOLATED
    assert finding(activity, generous, "retention-within-charter")[0] == Status.MET


@pytest.mark.parametrize("special", [SpecialCategory.ART9, SpecialCategory.ART10])
def test_special_categories_need_a_data_protection_impact_assessment(
    charter: CharterVersion, special: str
) -> None:
    activity = activity_with({"special_category": special, "name": "Gesundheitsdaten"})
    status, message = finding(activity, charter, "special-categories-assessed")
    assert status == Status.VIOLATED and "Gesundheitsdaten" in message
    activity.dpia_reference = "DSFA 2026/4"
    activity.save()
    assert finding(activity, charter, "special-categories-assessed")[0] == Status.MET


def test_a_third_country_transfer_needs_a_safeguard(charter: CharterVersion) -> None:
    activity = activity_with({})
    Transfer.objects.create(activity=activity, recipient="Cloud AG", country="FR")
    assert finding(activity, charter, "third-country-safeguarded")[0] == Status.NOT_APPLICABLE
    transfer = Transfer.objects.create(activity=activity, recipient="Mail Inc.", country="US")
    status, message = finding(activity, charter, "third-country-safeguarded")
    assert status == Status.VIOLATED and "Mail Inc." in message
    transfer.safeguard = "Standardvertragsklauseln (Art. 46 Abs. 2 lit. c)"
    transfer.save()
    assert finding(activity, charter, "third-country-safeguarded")[0] == Status.MET


def test_a_mandatory_category_needs_its_necessity_argued(charter: CharterVersion) -> None:
    activity = activity_with({"necessity": "", "name": "Geburtsdatum"})
    status, message = finding(activity, charter, "necessity-argued")
    assert status == Status.MISSING and "Geburtsdatum" in message
    voluntary = activity_with({"necessity": "", "mandatory": False})
    assert finding(voluntary, charter, "necessity-argued")[0] == Status.NOT_APPLICABLE


def test_the_worst_finding_of_an_entry_counts_toward_its_project(
    charter: CharterVersion,
) -> None:
    from offenestadt.registry.tests.factories import ProjectFactory

    project = ProjectFactory.create(processes_personal_data=True)
    activity = activity_with({"retention_unlimited": True}, published_at=timezone.now())
    activity.projects.add(project)
    found = next(f for f in evaluate(project, charter) if f.rule == "processing-minimised")
    assert found.status == Status.VIOLATED
    assert "Verarbeitung" in found.message.de and "Unbegrenzt" in found.message.de
