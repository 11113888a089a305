"""Who may do what with raw data: the publishing office's editors and administrators upload
and configure, the DPO reviews (never their own upload); nobody else sees raw data at all."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin, is_dpo, is_editor
from offenestadt.opendata.catalogue.rules import can_edit_dataset, datasets_editable_by
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload


def uses_pipeline(user: Actor) -> bool:
    """Editors of an office, the DPO and administrators work with raw uploads."""
    return is_dpo(user) or is_admin(user) or is_editor(user)


def sees_all_uploads(user: Actor) -> bool:
    """The DPO and administrators see every raw upload; editors their office's."""
    return is_dpo(user) or is_admin(user)


def reviews_uploads(user: Actor) -> bool:
    """The DPO: the review queue and the files waiting for a decision come first for them."""
    return is_dpo(user)


def can_see_upload(user: Actor, upload: RawUpload) -> bool:
    """Raw data: the publishing office, the DPO and administrators; nobody else."""
    if not user.is_authenticated:
        return False
    return is_dpo(user) or can_edit_dataset(user, upload.dataset)


def visible_uploads(user: Actor) -> QuerySet[RawUpload]:
    """The uploads `can_see_upload` lets the user see, as a query."""
    uploads = RawUpload.objects.select_related("dataset", "dataset__publisher", "uploaded_by")
    if sees_all_uploads(user):
        return uploads
    return uploads.filter(dataset__in=datasets_editable_by(user))


def can_review_upload(user: Actor, upload: RawUpload) -> bool:
    """The DPO decides on an anonymized result, never on an upload they made themselves."""
    return (
        is_dpo(user) and upload.status == PipelineStatus.REVIEW and upload.uploaded_by_id != user.pk
    )


def uploads_reviewable_by(user: Actor) -> QuerySet[RawUpload]:
    """The uploads ``can_review_upload`` allows: results waiting for the DPO, not their own."""
    if not is_dpo(user):
        return RawUpload.objects.none()
    return RawUpload.objects.filter(status=PipelineStatus.REVIEW).exclude(uploaded_by=user.pk)


def uploads_configurable_by(user: Actor) -> QuerySet[RawUpload]:
    """The uploads whose privacy model and runs ``user`` looks after: those of the datasets
    they may edit (their office's; for administrators, all)."""
    return RawUpload.objects.filter(dataset__in=datasets_editable_by(user))
