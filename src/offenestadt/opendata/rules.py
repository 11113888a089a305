"""Who may do what in the catalogue: editors of the publishing office and administrators
describe and publish datasets; raw uploads are for them and the DPO, who reviews."""

from offenestadt.accounts.models import Actor, Role
from offenestadt.opendata.models import Dataset, Distribution, FileScan, PipelineStatus, RawUpload


def can_create_dataset(user: Actor) -> bool:
    return user.is_authenticated and (
        user.role == Role.ADMIN or (user.role == Role.EDITOR and user.office_id is not None)
    )


def can_edit_dataset(user: Actor, dataset: Dataset) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.EDITOR and user.office_id == dataset.publisher_id


def can_see_upload(user: Actor, upload: RawUpload) -> bool:
    """Raw data: the publishing office, the DPO and administrators; nobody else."""
    if not user.is_authenticated:
        return False
    return user.role == Role.DPO or can_edit_dataset(user, upload.dataset)


def can_review_upload(user: Actor, upload: RawUpload) -> bool:
    """The DPO decides on an anonymized result, never on an upload they made themselves."""
    return (
        user.is_authenticated
        and user.role == Role.DPO
        and upload.status == PipelineStatus.REVIEW
        and upload.uploaded_by_id != user.pk
    )


def can_see_scan(user: Actor, scan: FileScan) -> bool:
    """The list of files' checks: the DPO and administrators; editors for their datasets
    (other records show their file's check on their own page)."""
    if not user.is_authenticated:
        return False
    if user.role in {Role.DPO, Role.ADMIN}:
        return True
    record = scan.record
    if isinstance(record, Distribution):
        return can_edit_dataset(user, record.dataset)
    return False
