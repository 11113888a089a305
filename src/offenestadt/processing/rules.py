"""Who may do what in the register: editors of the responsible office write and submit,
the data protection officer reviews; administrators may write for any office."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_dpo, is_editor
from offenestadt.processing.models import ProcessingActivity, ReviewStatus


def can_create_activity(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_edit_activity(user: Actor, activity: ProcessingActivity) -> bool:
    if is_admin(user):
        return True
    office_id = editor_office(user)
    return office_id is not None and office_id == activity.office_id


def activities_editable_by(user: Actor) -> QuerySet[ProcessingActivity]:
    """The entries ``can_edit_activity`` allows: an editor's office's; for admins, all."""
    if is_admin(user):
        return ProcessingActivity.objects.all()
    if (office_id := editor_office(user)) is not None:
        return ProcessingActivity.objects.filter(office_id=office_id)
    return ProcessingActivity.objects.none()


def can_choose_office(user: Actor) -> bool:
    """Administrators enter an entry for any office, or for none while the platform's own
    processing has no office yet; an editor writes for their own office only."""
    return is_admin(user)


def can_submit_activity(user: Actor, activity: ProcessingActivity) -> bool:
    return can_edit_activity(user, activity) and activity.review_status in {
        ReviewStatus.DRAFT,
        ReviewStatus.RETURNED,
    }


def can_review_activity(user: Actor, activity: ProcessingActivity) -> bool:
    """The DPO decides on a submitted entry, never on one they submitted themselves."""
    return (
        is_dpo(user)
        and activity.review_status == ReviewStatus.SUBMITTED
        and activity.submitted_by_id != user.pk
    )


def activities_reviewable_by(user: Actor) -> QuerySet[ProcessingActivity]:
    """The entries ``can_review_activity`` allows: submitted ones the DPO did not submit."""
    if not is_dpo(user):
        return ProcessingActivity.objects.none()
    return ProcessingActivity.objects.filter(review_status=ReviewStatus.SUBMITTED).exclude(
        submitted_by=user.pk
    )


def can_see_review_queue(user: Actor) -> bool:
    """The list of entries waiting for review: for the DPO, and administrators."""
    return is_dpo(user) or is_admin(user)
