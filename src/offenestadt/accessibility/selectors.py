"""Reads of the accessibility app that the staff inbox shares."""

from django.db.models import QuerySet

from offenestadt.accessibility import rules
from offenestadt.accessibility.models import Feedback, FeedbackStatus
from offenestadt.accounts.models import Actor

# Whether someone answers feedback (the inbox asks before it shows the section).
handles_feedback = rules.handles_feedback


def open_feedback(user: Actor) -> QuerySet[Feedback]:
    """Feedback that waits for an answer, the soonest due first; none for who does not answer."""
    if not rules.handles_feedback(user):
        return Feedback.objects.none()
    return Feedback.objects.filter(status=FeedbackStatus.OPEN).order_by("reply_due", "received_at")
