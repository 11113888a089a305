"""Subscriptions to a procedure's news by e-mail after double opt-in, cancelled with one
click, and telling subscribers when a phase starts, an answer or the result report comes.
"""

from datetime import datetime, time
from functools import partial

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from offenestadt.participation.confirmation_links import hash_token, normalise_email, with_new_link
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.notifications.sending import (
    UNSUBSCRIBE_SALT,
    Notice,
    notify_phase_start,
    send_confirmation,
    send_notifications,
)
from offenestadt.participation.procedures.models import Phase, Procedure
from offenestadt.participation.proposals.models import Proposal


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names; None once it has gone.

    Raises ``signing.BadSignature`` for a link the site did not make.
    """
    token_hash = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    return Subscription.objects.filter(token_hash=token_hash).first()


def subscriptions_closed_reason(procedure: Procedure) -> str | None:
    if procedure.published_at is None:
        return _("Das Verfahren ist nicht veröffentlicht.")
    if procedure.result_report_published_at is not None:
        return _("Das Verfahren ist abgeschlossen; der Ergebnisbericht ist veröffentlicht.")
    return None


@transaction.atomic
def subscription_request(*, procedure: Procedure, email: str) -> None:
    """Ask for notifications about a procedure: the address gets one e-mail with a link
    to confirm, and nothing else until it is confirmed (double opt-in).

    Only a hash of the link's token is stored. Asking again for an unconfirmed address
    sends a new link; for a confirmed one nothing happens. The answer is the same either
    way, so the form does not tell who is subscribed.
    """
    reason = subscriptions_closed_reason(procedure)
    if reason is not None:
        raise PermissionDenied(reason)
    email = normalise_email(email)
    subscription = (
        Subscription.objects.select_for_update().filter(procedure=procedure, email=email).first()
    )
    if subscription is not None and subscription.confirmed_at is not None:
        return
    linked = with_new_link(Subscription, subscription, procedure=procedure, email=email)
    if linked is None:
        return
    subscription, token = linked
    # After the commit, so no mail goes out for a subscription that was not stored; a
    # failing mail server must not undo it either (asking again sends a new link).
    transaction.on_commit(partial(send_confirmation, subscription.pk, token), robust=True)


def subscription_by_token(token: str) -> Subscription | None:
    """The subscription whose confirmation link carries ``token``, if any."""
    return (
        Subscription.objects.select_related("procedure")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a subscription with the token from its e-mail; confirming twice is harmless.

    Raises Subscription.DoesNotExist for a token that belongs to no subscription.
    """
    subscription = Subscription.objects.select_for_update().get(token_hash=hash_token(token))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        # unaudited: a resident's e-mail subscription is private, not a public record
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription) -> None:
    """Cancel a subscription: the address is deleted at once."""
    # unaudited: a resident's e-mail subscription is private, not a public record
    Subscription.objects.filter(pk=subscription.pk).delete()


def subscribers_notify(
    *,
    procedure: Procedure,
    event: Notice,
    proposal: Proposal | None = None,
    phase: Phase | None = None,
) -> None:
    """Tell the confirmed subscribers of a procedure that something happened: a phase
    started (``phase``), the result report or an answer to ``proposal`` was published.

    Call it inside the service's transaction: the e-mails are queued for the worker with
    the change and go out only if it is committed.
    """
    if procedure.published_at is None:
        return
    if not Subscription.objects.filter(procedure=procedure, confirmed_at__isnull=False).exists():
        return
    subject = proposal if event == Notice.ANSWER else phase if event == Notice.PHASE else None
    send_notifications.enqueue(
        procedure_id=procedure.pk,
        event=str(event),
        object_id=subject.pk if subject is not None else None,
    )


def phase_start_schedule(*, phase: Phase) -> None:
    """Have subscribers told on the morning a phase starts; call it after saving a phase.

    If the phase moves, the task queued for the old date finds it changed and sends
    nothing; one for the new date is queued. A phase that started before today is left.
    """
    if phase.starts_on < timezone.localdate():
        return
    starts_on = phase.starts_on.isoformat()
    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=notify_phase_start.module_path,
        args_kwargs__kwargs__phase_id=phase.pk,
        args_kwargs__kwargs__starts_on=starts_on,
    )
    if queued.exists():
        return
    morning = timezone.make_aware(datetime.combine(phase.starts_on, time(7)))
    notify_phase_start.using(run_after=morning).enqueue(phase_id=phase.pk, starts_on=starts_on)
