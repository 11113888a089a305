"""Role x state: who decides on a public file the detector could not clear (the DPO, four
eyes, never for direct identifiers), and who sees the checks."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Distribution
from offenestadt.opendata.catalogue.tests.test_rules import dataset
from offenestadt.opendata.filescan import rules
from offenestadt.opendata.filescan.models import FileScan, ScanState

DIRECT = [{"column": "name", "role": "direct identifier", "kinds": ["person_name"]}]
QUASI = [{"column": "plz", "role": "quasi-identifier", "kinds": ["postcode"]}]

# state, findings, already approved -> whether the DPO (not the uploader) may approve
APPROVABLE = [
    (ScanState.NOT_SCANNABLE, [], False, True),
    (ScanState.PERSONAL_DATA, QUASI, False, True),
    (ScanState.PERSONAL_DATA, DIRECT, False, False),
    (ScanState.PERSONAL_DATA, QUASI, True, False),
    (ScanState.PENDING, [], False, False),
    (ScanState.CLEAN, [], False, False),
    (ScanState.ANONYMIZED, [], False, False),
]

# who: (sees the check of the editor's office's file, approves one they did not upload)
EXPECTED = {
    "anonymous": (False, False),
    "resident": (False, False),
    "editor": (True, False),
    "other_editor": (False, False),
    "dpo": (True, True),
    "council": (False, False),
    "admin": (True, False),
}


def scan_of(
    office: Office, by: User, state: ScanState, findings: list[dict[str, Any]], approved: bool
) -> FileScan:
    distribution = Distribution.objects.create(
        dataset=dataset("bäume", office), title="Bäume", file="opendata/baeume.csv"
    )
    return FileScan.objects.create(
        content_type=ContentType.objects.get_for_model(Distribution),
        object_id=distribution.pk,
        field_name="file",
        file_name="opendata/baeume.csv",
        state=state,
        findings=findings,
        requested_by=by,
        approved_at=timezone.now() if approved else None,
    )


@pytest.mark.parametrize(("state", "findings", "approved", "approvable"), APPROVABLE)
def test_what_the_dpo_may_approve(
    state: ScanState,
    findings: list[dict[str, Any]],
    approved: bool,
    approvable: bool,
    dpo: User,
    editor: User,
    office: Office,
) -> None:
    scan = scan_of(office, editor, state, findings, approved)
    assert rules.can_approve_scan(dpo, scan) is approvable
    assert not rules.can_approve_scan(editor, scan)


@pytest.mark.parametrize("who", EXPECTED)
def test_who_sees_and_decides(
    who: str, people: dict[str, User | None], editor: User, office: Office
) -> None:
    scan = scan_of(office, editor, ScanState.NOT_SCANNABLE, [], approved=False)
    user = people[who] or AnonymousUser()
    sees, approves = EXPECTED[who]
    assert rules.can_see_scan(user, scan) is sees
    assert rules.can_approve_scan(user, scan) is approves


def test_the_dpo_never_approves_their_own_upload(dpo: User, office: Office) -> None:
    scan = scan_of(office, dpo, ScanState.NOT_SCANNABLE, [], approved=False)
    assert not rules.can_approve_scan(dpo, scan)
