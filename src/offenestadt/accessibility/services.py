"""Writes of the accessibility app: the statement through the audit path, feedback as
messages to the city (kept out of the public trail: they may carry a way to reply)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offenestadt.accessibility import rules
from offenestadt.accessibility.models import Feedback, FeedbackStatus, Statement
from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.throttle import RateLimitedError, throttle_take

FEEDBACK_THROTTLE_SCOPE = "accessibility:feedback"


def current_statement() -> Statement:
    """The statement in force; an unsaved one with the defaults before the city writes one."""
    return Statement.objects.order_by("pk").first() or Statement()


@transaction.atomic
def statement_save(*, actor: Actor, statement: Statement) -> Statement:
    """Store the city's statement (there is one); the public history shows each change."""
    if not rules.can_edit_statement(actor):
        raise PermissionDenied(_("Nur die Administration ändert die Erklärung."))
    statement.full_clean()
    event = AuditEvent.CREATED if statement._state.adding else AuditEvent.CHANGED
    save_record(record=statement, actor=actor, event=event)
    return statement


@transaction.atomic
def feedback_send(*, page: str, message: str, contact: str, source: str) -> Feedback:
    """Someone reports a barrier, with no account. ``source`` is their address as the
    throttle keys it (core.throttle.address_key): ACCESSIBILITY_FEEDBACK_LIMIT messages per
    window, then RateLimitedError saying how long to wait."""
    feedback = Feedback(page=page.strip(), message=message.strip(), contact=contact.strip())
    feedback.full_clean()
    verdict = throttle_take(
        scope=FEEDBACK_THROTTLE_SCOPE,
        key=source,
        limit=settings.ACCESSIBILITY_FEEDBACK_LIMIT,
        window_seconds=settings.ACCESSIBILITY_FEEDBACK_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        minutes = verdict.retry_after_minutes
        raise RateLimitedError(
            ngettext(
                "Zu viele Nachrichten in kurzer Zeit, bitte versuchen Sie es in einer Minute "
                "erneut.",
                "Zu viele Nachrichten in kurzer Zeit, bitte versuchen Sie es in %(minutes)s "
                "Minuten erneut.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=verdict.retry_after,
        )
    # unaudited: a message to the city that may hold a way to reply, not a public record
    feedback.save()
    return feedback


@transaction.atomic
def feedback_answer(*, actor: Actor, feedback: Feedback, note: str) -> Feedback:
    """Mark the feedback as answered, with what was answered or fixed; the retention of the
    contact starts now."""
    if not rules.handles_feedback(actor):
        raise PermissionDenied(_("Nur die Administration beantwortet Rückmeldungen."))
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status == FeedbackStatus.ANSWERED:
        raise PermissionDenied(_("Diese Rückmeldung ist schon beantwortet."))
    feedback.status = FeedbackStatus.ANSWERED
    feedback.answered_at = timezone.now()
    feedback.note = note.strip()
    feedback.full_clean()
    # unaudited: a message to the city, not a public record; its handling is internal
    feedback.save(update_fields=["status", "answered_at", "note"])
    return feedback
