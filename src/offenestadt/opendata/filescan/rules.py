"""Who may see and decide on the checks of public files: the DPO decides (four eyes), editors
see the checks of their own datasets' files."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin, is_dpo
from offenestadt.opendata.catalogue.models import Distribution
from offenestadt.opendata.catalogue.rules import can_edit_dataset
from offenestadt.opendata.filescan.models import FileScan, ScanState


def can_approve_scan(user: Actor, scan: FileScan) -> bool:
    """The DPO decides, never on a file they uploaded themselves; direct identifiers never."""
    return (
        is_dpo(user)
        and scan.requested_by_id != user.pk
        and scan.approved_at is None
        and (
            scan.state == ScanState.NOT_SCANNABLE
            or (scan.state == ScanState.PERSONAL_DATA and not scan.has_direct_identifiers)
        )
    )


def can_see_scan(user: Actor, scan: FileScan) -> bool:
    """The list of files' checks: the DPO and administrators; editors for their datasets
    (other records show their file's check on their own page)."""
    if not user.is_authenticated:
        return False
    if is_dpo(user) or is_admin(user):
        return True
    record = scan.record
    if isinstance(record, Distribution):
        return can_edit_dataset(user, record.dataset)
    return False
