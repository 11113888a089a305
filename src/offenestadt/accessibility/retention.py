"""A way to reply goes three months after the answer (the register's period); the message
itself after its own period, from its arrival. The throttle's counters go after a day."""

from datetime import datetime

from offenestadt.accessibility.models import Feedback
from offenestadt.accessibility.services import FEEDBACK_THROTTLE_SCOPE
from offenestadt.core.retention import ACCESSIBILITY_FEEDBACK, LOGS, retention_rule
from offenestadt.core.throttle import throttle_expire


@retention_rule(activity=ACCESSIBILITY_FEEDBACK, category="reply-contact")
def reply_contacts(cutoff: datetime) -> int:
    # unaudited: retention erases a contact; the feedback is no public record
    return Feedback.objects.filter(answered_at__lt=cutoff).exclude(contact="").update(contact="")


@retention_rule(activity=ACCESSIBILITY_FEEDBACK, category="feedback-message")
def feedback_messages(cutoff: datetime) -> int:
    # unaudited: retention erases messages to the city, which are no public record
    deleted, _ = Feedback.objects.filter(received_at__lt=cutoff).delete()
    return deleted


@retention_rule(activity=LOGS, category="rate-limit")
def feedback_throttle_counters(cutoff: datetime) -> int:
    return throttle_expire(scope_prefix=FEEDBACK_THROTTLE_SCOPE, before=cutoff)
