"""Who may do what in the register: editors of the responsible office write and submit,
the data protection officer reviews; administrators may write for any office."""

from offenestadt.accounts.models import Actor, Role
from offenestadt.processing.models import ProcessingActivity, ReviewStatus


def can_create_activity(user: Actor) -> bool:
    return user.is_authenticated and (
        user.role == Role.ADMIN or (user.role == Role.EDITOR and user.office_id is not None)
    )


def can_edit_activity(user: Actor, activity: ProcessingActivity) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.EDITOR and user.office_id == activity.office_id


def can_submit_activity(user: Actor, activity: ProcessingActivity) -> bool:
    return can_edit_activity(user, activity) and activity.review_status in {
        ReviewStatus.DRAFT,
        ReviewStatus.RETURNED,
    }


def can_review_activity(user: Actor, activity: ProcessingActivity) -> bool:
    """The DPO decides on a submitted entry, never on one they submitted themselves."""
    return (
        user.is_authenticated
        and user.role == Role.DPO
        and activity.review_status == ReviewStatus.SUBMITTED
        and activity.submitted_by_id != user.pk
    )
