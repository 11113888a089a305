"""Proposals with their support and the city's answer; reports and the moderation queue;
e-mail notifications after double opt-in; and amending the charter through a procedure.

Every write checks permission and writes the audit trail; a resident's identity is never
recorded. What reaches the city by phone, letter or in person is entered by staff with its
channel and counts exactly like a click online. Nothing is deleted silently: a hidden
contribution stays listed with its public reason.
"""

import copy
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from offenestadt.accounts.models import Actor, Role
from offenestadt.audit.services import save_record
from offenestadt.charter.document import CharterFileError, write_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend, charter_load
from offenestadt.participation import rules
from offenestadt.participation.models import (
    Comment,
    ContributionStatus,
    Phase,
    PhaseKind,
    Procedure,
    Proposal,
    ProposalStatus,
    Report,
    Subscription,
    Support,
    SupportConfirmation,
)
from offenestadt.registry.models import Channel

type Contribution = Comment | Proposal

# The model's text field says 6000; a TextField's max_length binds forms only.
PROPOSAL_MAX_LENGTH = 6000
# The statuses of an answer; "submitted" and "in review" are before it.
ANSWER_STATUSES = frozenset(
    {ProposalStatus.ACCEPTED, ProposalStatus.PARTLY, ProposalStatus.REJECTED}
)
# Supports a staff member enters at once, from a list of signatures on a letter.
MAX_SUPPORTS_AT_ONCE = 10_000
UNSUBSCRIBE_SALT = "offenestadt.participation.unsubscribe"
SUPPORT_KEY_SALT = "offenestadt.participation.support"
# Notifications go out in batches over one connection to the mail server.
MAIL_BATCH = 100


def _entered_by(actor: Actor, procedure: Procedure, channel: Channel) -> str:
    """The staff role that enters an offline contribution; empty for one made online."""
    if channel == Channel.ONLINE:
        return ""
    if not rules.can_enter_contributions(actor, procedure):
        raise PermissionDenied(
            _("Nur die Verwaltung trägt Beiträge ein, die per Telefon, Brief oder vor Ort kamen.")
        )
    return str(actor.role)  # type: ignore[union-attr]  # staff: an account


def _channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise ValidationError({"channel": _("Wählen Sie, wie der Beitrag kam.")}) from None


def proposals_closed_reason(procedure: Procedure, today: date) -> str | None:
    """Why no proposal or support is taken today; None while a consultation phase runs.

    Staff entries follow the same dates as online ones, so that no channel has longer.
    """
    if procedure.published_at is None:
        return _("Das Verfahren ist noch nicht veröffentlicht.")
    consultations = list(Phase.objects.filter(procedure=procedure, kind=PhaseKind.CONSULTATION))
    if any(phase.starts_on <= today <= phase.ends_on for phase in consultations):
        return None
    upcoming = sorted(phase.starts_on for phase in consultations if phase.starts_on > today)
    if upcoming:
        return _("Vorschläge nimmt die Stadt in der Beteiligungsphase ab dem %(date)s an.") % {
            "date": upcoming[0].strftime("%d.%m.%Y")
        }
    if consultations:
        return _("Die Beteiligungsphase ist beendet; Vorschläge sind nicht mehr möglich.")
    return _("In diesem Verfahren gibt es keine Phase für Vorschläge.")


# --- proposals -------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: Actor,
    procedure: Procedure,
    title: str,
    text: str,
    pseudonym: str = "",
    channel: str = Channel.ONLINE,
    charter_change: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Proposal:
    """A proposal, made online with an optional pseudonym, or entered by staff for a call,
    a letter or a visit with its channel; both count alike.

    In a procedure about the charter a proposal may carry the change it asks for: a new
    text for a principle or a new value for a parameter (see charter_change_clean).
    """
    today = today or timezone.localdate()
    chosen = _channel(channel)
    entered_by_role = _entered_by(actor, procedure, chosen)
    reason = proposals_closed_reason(procedure, today)
    if reason is not None:
        raise PermissionDenied(reason)
    change: dict[str, Any] = {}
    if charter_change:
        if not procedure.amends_charter:
            raise ValidationError(
                {"charter_change": _("Nur in einem Verfahren zur Charta kann man sie ändern.")}
            )
        change = charter_change_clean(charter_change)
    text = text.strip()
    if len(text) > PROPOSAL_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Der Vorschlag ist länger als %(limit)s Zeichen.")
                % {"limit": PROPOSAL_MAX_LENGTH}
            }
        )
    proposal = Proposal(
        procedure=procedure,
        title=title.strip(),
        text=text,
        pseudonym=pseudonym.strip(),
        channel=chosen,
        entered_by_role=entered_by_role,
        charter_change=change,
    )
    proposal.full_clean()
    save_record(record=proposal, actor=actor)
    return proposal


@transaction.atomic
def proposal_support(
    *,
    actor: Actor,
    proposal: Proposal,
    channel: str = Channel.ONLINE,
    count: int = 1,
    today: date | None = None,
) -> int:
    """Count support that staff enter from a call, a visit or a list of signatures, as
    many as came. Nobody is linked to it. Returns the new total.

    Online support takes a confirmed e-mail address (support_request, support_confirm),
    so that each person counts once.
    """
    today = today or timezone.localdate()
    chosen = _channel(channel)
    if chosen == Channel.ONLINE:
        raise ValidationError(
            {"channel": _("Online unterstützt man mit Bestätigung per E-Mail, einmal je Person.")}
        )
    entered_by_role = _entered_by(actor, proposal.procedure, chosen)
    if not 1 <= count <= MAX_SUPPORTS_AT_ONCE:
        raise ValidationError(
            {
                "count": _("Tragen Sie zwischen 1 und %(limit)s Unterstützungen ein.")
                % {"limit": MAX_SUPPORTS_AT_ONCE}
            }
        )
    _require_supportable(proposal, today)
    Support.objects.bulk_create(
        Support(proposal=proposal, channel=chosen, entered_by_role=entered_by_role)
        for _number in range(count)
    )
    return proposal.supports.count()


def _require_supportable(proposal: Proposal, today: date) -> None:
    reason = proposals_closed_reason(proposal.procedure, today)
    if reason is not None:
        raise PermissionDenied(reason)
    if proposal.status == ContributionStatus.HIDDEN:
        raise ValidationError(_("Einen ausgeblendeten Vorschlag kann man nicht unterstützen."))


# --- online support, once per person ------------------------------------------------------


class SupportCounted(StrEnum):
    """What became of a confirmed online support."""

    COUNTED = "counted"
    ALREADY = "already"


def supporter_key(proposal: Proposal, email: str) -> str:
    """Who supports, as far as counting once needs: an HMAC of the normalised address
    under the site's secret key, for this proposal only. Keys of two proposals cannot be
    joined, and without the secret key no address can be tested against them."""
    address = _normalise_email(email)
    return salted_hmac(
        SUPPORT_KEY_SALT, f"{proposal.pk}\n{address}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def proposal_support_online(
    *, proposal: Proposal, supporter_key: str, today: date | None = None
) -> SupportCounted:
    """Count one person's online support, identified only by ``supporter_key``; a second
    time it counts nothing and says so. The database's unique constraint decides, so two
    requests at the same moment count once too."""
    today = today or timezone.localdate()
    if not supporter_key:
        raise ValidationError(_("Online zählt eine Unterstützung nur mit bestätigter Adresse."))
    _require_supportable(proposal, today)
    try:
        with transaction.atomic():
            Support.objects.create(
                proposal=proposal, channel=Channel.ONLINE, supporter_key=supporter_key
            )
    except IntegrityError:
        return SupportCounted.ALREADY
    return SupportCounted.COUNTED


def _send_support_confirmation(confirmation_pk: int, token: str, email: str) -> None:
    found = (
        SupportConfirmation.objects.select_related("proposal__procedure")
        .filter(pk=confirmation_pk)
        .first()
    )
    if found is None or found.token_hash != _token_hash(token):
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": found.proposal,
            "procedure": found.proposal.procedure,
            "confirm_url": site_url(reverse("contributions:support_confirm", args=[token])),
            "site_name": settings.SITE_NAME,
        }
        message = EmailMessage(
            subject=_("Bitte bestätigen: Sie unterstützen „%(title)s“")
            % {"title": found.proposal.title},
            body=render_to_string("participation/contribution_mail_support_confirm.txt", context),
            to=[email],
        )
    message.send()


@transaction.atomic
def support_request(*, proposal: Proposal, email: str, today: date | None = None) -> None:
    """Ask to support a proposal online: the address gets one e-mail with a link, and the
    support counts once it is confirmed (double opt-in, like notifications).

    The address itself is not stored, only the supporter's keyed hash and a hash of the
    link's token. Asking again sends a new link; whether the address has supported before,
    only the link tells, so the form gives away nobody's support.
    """
    today = today or timezone.localdate()
    _require_supportable(proposal, today)
    key = supporter_key(proposal, email)
    found = (
        SupportConfirmation.objects.select_for_update()
        .filter(proposal=proposal, supporter_key=key)
        .first()
    )
    linked = _with_new_link(SupportConfirmation, found, proposal=proposal, supporter_key=key)
    if linked is None:
        return
    confirmation, token = linked
    # The address lives on only in the e-mail that is sent after the commit.
    transaction.on_commit(
        partial(_send_support_confirmation, confirmation.pk, token, _normalise_email(email)),
        robust=True,
    )


def support_confirmation_by_token(token: str) -> SupportConfirmation | None:
    """The request to support whose e-mail carries ``token``, if any."""
    return (
        SupportConfirmation.objects.select_related("proposal__procedure")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@transaction.atomic
def support_confirm(*, token: str, today: date | None = None) -> SupportCounted:
    """Confirm a support with the link from its e-mail: it counts once; opening the link
    again, or confirming another request from the same address, counts nothing and
    answers that this person already supports the proposal.

    Raises SupportConfirmation.DoesNotExist for a token that belongs to no request.
    """
    confirmation = (
        SupportConfirmation.objects.select_for_update()
        .select_related("proposal__procedure")
        .get(token_hash=_token_hash(token))
    )
    if confirmation.confirmed_at is not None:
        return SupportCounted.ALREADY
    counted = proposal_support_online(
        proposal=confirmation.proposal, supporter_key=confirmation.supporter_key, today=today
    )
    confirmation.confirmed_at = timezone.now()
    confirmation.save(update_fields=["confirmed_at"])
    return counted


@transaction.atomic
def answer_statuses(proposal: Proposal) -> frozenset[ProposalStatus]:
    """The answers a proposal may get. A charter change may also be answered "in review":
    the council decides on it after the result report (see proposal_charter_adopt)."""
    if proposal.charter_change:
        return ANSWER_STATUSES | {ProposalStatus.IN_REVIEW}
    return ANSWER_STATUSES


def proposal_answer(*, actor: Actor, proposal: Proposal, status: str, answer: str) -> Proposal:
    """The city's official answer: accepted, partly accepted or rejected, and why.

    It is public at once, and subscribers hear of it. A changed answer keeps its history.
    """
    if not rules.can_moderate_procedure(actor, proposal.procedure):
        raise PermissionDenied(_("Sie dürfen Vorschläge in diesem Verfahren nicht beantworten."))
    problems: dict[str, str] = {}
    if status not in answer_statuses(proposal):
        problems["proposal_status"] = _("Wählen Sie: aufgenommen, teilweise oder nicht.")
    elif status == ProposalStatus.ACCEPTED and proposal.charter_change:
        problems["proposal_status"] = _(
            "Eine Änderung der Charta wird mit „Änderung beschließen“ angenommen; dabei "
            "entsteht die neue Version."
        )
    answer = answer.strip()
    if not answer:
        problems["answer"] = _("Begründen Sie die Antwort.")
    if problems:
        raise ValidationError(problems)
    if proposal.proposal_status == status and proposal.answer == answer:
        return proposal
    proposal.proposal_status = ProposalStatus(status)
    proposal.answer = answer
    proposal.answered_at = timezone.now()
    proposal.full_clean()
    save_record(record=proposal, actor=actor)
    subscribers_notify(procedure=proposal.procedure, event=Notice.ANSWER, proposal=proposal)
    return proposal


def proposals_for(procedure: Procedure, *, order: str = "neu") -> QuerySet[Proposal]:
    """All proposals of a procedure with their support count; hidden ones stay listed.

    ``order``: "neu" (the order they came in) or "unterstuetzung" (most supported first).
    """
    proposals = Proposal.objects.filter(procedure=procedure).annotate(
        support_count=Count("supports")
    )
    if order == "unterstuetzung":
        return proposals.order_by("-support_count", "created_at", "pk")
    return proposals.order_by("created_at", "pk")


@dataclass(frozen=True)
class ProposalSummary:
    """What the procedure page shows of its proposals (see contribution_proposals_include)."""

    procedure: Procedure
    total: int
    answered: int
    supports: int
    open_reason: str | None
    most_supported: list[Proposal] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.open_reason is None


def proposal_summary(*, procedure: Procedure, today: date | None = None) -> ProposalSummary:
    today = today or timezone.localdate()
    figures = Proposal.objects.filter(procedure=procedure).aggregate(
        total=Count("pk"), answered=Count("answered_at")
    )
    return ProposalSummary(
        procedure=procedure,
        total=figures["total"],
        answered=figures["answered"],
        supports=Support.objects.filter(proposal__procedure=procedure).count(),
        open_reason=proposals_closed_reason(procedure, today),
        most_supported=list(
            proposals_for(procedure, order="unterstuetzung").filter(
                status=ContributionStatus.VISIBLE
            )[:3]
        ),
    )


# --- reports and moderation ------------------------------------------------------------


@transaction.atomic
def report_create(*, contribution: Contribution, reason: str) -> Report:
    """Someone flags a comment or a proposal; moderation decides. No account, no name."""
    if contribution.procedure.published_at is None:
        raise PermissionDenied(_("Das Verfahren ist nicht veröffentlicht."))
    if contribution.status == ContributionStatus.HIDDEN:
        raise ValidationError(_("Der Beitrag ist schon ausgeblendet."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Schreiben Sie kurz, was an dem Beitrag falsch ist.")})
    report = Report(reason=reason)
    if isinstance(contribution, Comment):
        report.comment = contribution
    else:
        report.proposal = contribution
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def reports_keep(*, actor: Actor, contribution: Contribution, note: str) -> int:
    """Resolve the open reports of a contribution by keeping it as it is.

    Returns how many reports were resolved. Hiding instead goes through
    ``services.contribution_hide``, which names its reason in public and resolves them too.
    """
    if not rules.can_moderate_procedure(actor, contribution.procedure):
        raise PermissionDenied(_("Sie dürfen Beiträge in diesem Verfahren nicht moderieren."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Notieren Sie, warum der Beitrag bleibt.")})
    pending = contribution.reports.filter(resolved_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("Zu diesem Beitrag gibt es keine offene Meldung."))
    return Report.objects.filter(pk__in=ids).update(
        resolved_at=timezone.now(), decision=ContributionStatus.VISIBLE, note=note
    )


@dataclass(frozen=True)
class QueueItem:
    """A reported contribution with its open reports, oldest first."""

    contribution: Contribution
    reports: list[Report]

    @property
    def kind(self) -> str:
        """The word of its addresses: kommentar or vorschlag."""
        return "kommentar" if isinstance(self.contribution, Comment) else "vorschlag"

    @property
    def procedure(self) -> Procedure:
        return self.contribution.procedure


def moderation_queue(*, actor: Actor) -> list[QueueItem]:
    """The reported contributions the actor may moderate, the longest waiting first."""
    pending = (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("comment__procedure", "proposal__procedure")
        .order_by("created_at", "pk")
    )
    grouped: dict[tuple[str, int], QueueItem] = {}
    for report in pending:
        contribution: Contribution = report.comment or report.proposal  # type: ignore[assignment]
        key = (contribution._meta.model_name or "", contribution.pk)
        if key not in grouped:
            if not rules.can_moderate_procedure(actor, contribution.procedure):
                continue
            grouped[key] = QueueItem(contribution=contribution, reports=[])
        grouped[key].reports.append(report)
    return list(grouped.values())


# --- e-mail notifications ----------------------------------------------------------------


class Notice(StrEnum):
    """What subscribers hear about."""

    PHASE = "phase"
    RESULT_REPORT = "result_report"
    ANSWER = "answer"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def site_url(path: str) -> str:
    """The absolute address of ``path`` for links in e-mails (no request to ask)."""
    return settings.SITE_URL + path


def unsubscribe_token(subscription: Subscription) -> str:
    """The token of the link that cancels a subscription, in every e-mail.

    Signed with the site's secret key and never stored, so a copy of the database cannot
    cancel anyone's subscription.
    """
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscription.token_hash)


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


def _unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 8058: mail programs offer a button that cancels with one POST to the link.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _send_confirmation(subscription_pk: int, token: str) -> None:
    subscription = Subscription.objects.select_related("procedure").filter(pk=subscription_pk)
    found = subscription.first()
    if found is None or found.token_hash != _token_hash(token):
        return
    with translation.override(settings.LANGUAGE_CODE):
        unsubscribe = site_url(
            reverse("contributions:unsubscribe", args=[unsubscribe_token(found)])
        )
        context = {
            "procedure": found.procedure,
            "confirm_url": site_url(reverse("contributions:subscription_confirm", args=[token])),
            "unsubscribe_url": unsubscribe,
            "site_name": settings.SITE_NAME,
        }
        message = EmailMessage(
            subject=_("Bitte bestätigen: Benachrichtigungen zu „%(title)s“")
            % {"title": found.procedure.title},
            body=render_to_string("participation/contribution_mail_confirm.txt", context),
            to=[found.email],
            headers=_unsubscribe_headers(unsubscribe),
        )
    message.send()


def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Geben Sie eine gültige E-Mail-Adresse an.")}) from None
    return email


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
    email = _normalise_email(email)
    subscription = (
        Subscription.objects.select_for_update().filter(procedure=procedure, email=email).first()
    )
    if subscription is not None and subscription.confirmed_at is not None:
        return
    linked = _with_new_link(Subscription, subscription, procedure=procedure, email=email)
    if linked is None:
        return
    subscription, token = linked
    # After the commit, so no mail goes out for a subscription that was not stored; a
    # failing mail server must not undo it either (asking again sends a new link).
    transaction.on_commit(partial(_send_confirmation, subscription.pk, token), robust=True)


def _with_new_link[Pending: (Subscription, SupportConfirmation)](
    model: type[Pending], found: Pending | None, **fields: Any
) -> tuple[Pending, str] | None:
    """A request waiting for its e-mail's link (``found``, or a new ``model`` with
    ``fields``) with a new link token; only the token's hash is stored. None when the same
    address asked twice at once: the other request sends the link."""
    token = secrets.token_urlsafe(32)
    if found is None:
        try:
            with transaction.atomic():
                found = model.objects.create(**fields, token_hash=_token_hash(token))
        except IntegrityError:
            return None
    else:
        found.token_hash = _token_hash(token)
        found.save(update_fields=["token_hash"])
    return found, token


def subscription_by_token(token: str) -> Subscription | None:
    """The subscription whose confirmation link carries ``token``, if any."""
    return (
        Subscription.objects.select_related("procedure")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a subscription with the token from its e-mail; confirming twice is harmless.

    Raises Subscription.DoesNotExist for a token that belongs to no subscription.
    """
    subscription = Subscription.objects.select_for_update().get(token_hash=_token_hash(token))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription) -> None:
    """Cancel a subscription: the address is deleted at once."""
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


def _procedure_url(procedure: Procedure) -> str:
    try:
        return procedure.get_absolute_url()
    except NoReverseMatch:
        return reverse("contributions:proposal_list", args=[procedure.slug])


def _notice_text(procedure: Procedure, event: str, object_id: int | None) -> tuple[str, str] | None:
    """The message and the link of a notification, or None when its subject has gone."""
    if event == Notice.PHASE and object_id is not None:
        phase = Phase.objects.filter(pk=object_id, procedure=procedure).first()
        if phase is None:
            return None
        message = _("Heute beginnt die Phase „%(phase)s“; sie dauert bis zum %(end)s.") % {
            "phase": phase.get_kind_display(),
            "end": phase.ends_on.strftime("%d.%m.%Y"),
        }
        return message, _procedure_url(procedure)
    if event == Notice.RESULT_REPORT:
        if procedure.result_report_published_at is None:
            return None
        return _("Der Ergebnisbericht ist veröffentlicht."), _procedure_url(procedure)
    if event == Notice.ANSWER and object_id is not None:
        proposal = Proposal.objects.filter(pk=object_id, procedure=procedure).first()
        if proposal is None or proposal.answered_at is None:
            return None
        if proposal.status == ContributionStatus.HIDDEN:
            title = _("einen ausgeblendeten Vorschlag")
        else:
            title = f"„{proposal.title}“"
        message = _("Die Stadt hat auf %(title)s geantwortet: %(status)s.") % {
            "title": title,
            "status": proposal.get_proposal_status_display(),
        }
        return message, reverse("contributions:proposal_detail", args=[procedure.slug, proposal.pk])
    return None


def notifications_send(*, procedure_id: int, event: str, object_id: int | None = None) -> int:
    """Send a notification to every confirmed subscriber; returns how many were sent."""
    procedure = Procedure.objects.filter(pk=procedure_id, published_at__isnull=False).first()
    if procedure is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        notice = _notice_text(procedure, event, object_id)
        if notice is None:
            return 0
        message, path = notice
        subject = _("Neues im Beteiligungsverfahren „%(title)s“") % {"title": procedure.title}
        subscriptions = Subscription.objects.filter(
            procedure=procedure, confirmed_at__isnull=False
        ).order_by("pk")
        batch: list[EmailMessage] = []
        for subscription in subscriptions.iterator():
            unsubscribe = site_url(
                reverse("contributions:unsubscribe", args=[unsubscribe_token(subscription)])
            )
            body = render_to_string(
                "participation/contribution_mail_notice.txt",
                {
                    "procedure": procedure,
                    "message": message,
                    "url": site_url(path),
                    "unsubscribe_url": unsubscribe,
                    "site_name": settings.SITE_NAME,
                },
            )
            batch.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    to=[subscription.email],
                    headers=_unsubscribe_headers(unsubscribe),
                )
            )
            if len(batch) == MAIL_BATCH:
                sent += mailers.default.send_messages(batch) or 0
                batch = []
        if batch:
            sent += mailers.default.send_messages(batch) or 0
    return sent


@task()
def send_notifications(procedure_id: int, event: str, object_id: int | None = None) -> int:
    return notifications_send(procedure_id=procedure_id, event=event, object_id=object_id)


@task()
def notify_phase_start(phase_id: int, starts_on: str) -> int:
    """Queued by phase_start_schedule for the morning of the phase's first day."""
    phase = Phase.objects.filter(pk=phase_id).first()
    if phase is None or phase.starts_on.isoformat() != starts_on:
        return 0
    return notifications_send(
        procedure_id=phase.procedure_id, event=Notice.PHASE, object_id=phase.pk
    )


# --- amending the charter through a procedure ------------------------------------------


def _parameter_value(current: Any, given: Any) -> bool | int | float | str:
    """``given`` in the type of the parameter's current value, or a ValidationError."""
    text = str(given).strip()
    if isinstance(current, bool):
        if isinstance(given, bool):
            return given
        words = {"ja": True, "true": True, "1": True, "nein": False, "false": False, "0": False}
        if text.lower() in words:
            return words[text.lower()]
        raise ValidationError({"value": _("Erwartet wird ja oder nein.")})
    if isinstance(current, int):
        if isinstance(given, int) and not isinstance(given, bool):
            return given
        try:
            return int(text)
        except ValueError:
            raise ValidationError({"value": _("Erwartet wird eine ganze Zahl.")}) from None
    if isinstance(current, float):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValidationError({"value": _("Erwartet wird eine Zahl.")}) from None
    if not text:
        raise ValidationError({"value": _("Geben Sie den neuen Wert an.")})
    return text


def charter_change_clean(
    change: Mapping[str, Any], *, charter: CharterVersion | None = None
) -> dict[str, Any]:
    """Check a proposed change against the charter (the newest version unless given).

    Two forms: ``{"principle": "P3", "text_de": "…"}`` (optionally ``"text_en"``) gives the
    principle a new description; ``{"parameter": key, "value": …}`` sets a rule parameter,
    read in the type of its current value.
    """
    charter = charter or CharterVersion.objects.order_by("-number").first()
    if charter is None:
        raise ValidationError({"charter_change": _("Es ist keine Charta beschlossen.")})
    if "principle" in change and "parameter" in change:
        raise ValidationError(
            {"charter_change": _("Ein Vorschlag ändert entweder ein Prinzip oder einen Parameter.")}
        )
    if "principle" in change:
        ids = [principle["id"] for principle in charter.content["principles"]]
        principle = str(change["principle"]).strip()
        if principle not in ids:
            raise ValidationError({"principle": _("Wählen Sie ein Prinzip der Charta.")})
        text_de = str(change.get("text_de", "")).strip()
        if not text_de:
            raise ValidationError({"text_de": _("Schreiben Sie den neuen Text des Prinzips.")})
        cleaned: dict[str, Any] = {"principle": principle, "text_de": text_de}
        text_en = str(change.get("text_en", "")).strip()
        if text_en:
            cleaned["text_en"] = text_en
        return cleaned
    if "parameter" in change:
        parameters = {item["key"]: item["value"] for item in charter.content["parameters"]}
        key = str(change["parameter"]).strip()
        if key not in parameters:
            raise ValidationError({"parameter": _("Wählen Sie einen Parameter der Charta.")})
        value = _parameter_value(parameters[key], change.get("value", ""))
        if value == parameters[key] and type(value) is type(parameters[key]):
            raise ValidationError({"value": _("Der Parameter hat diesen Wert schon.")})
        return {"parameter": key, "value": value}
    raise ValidationError(
        {"charter_change": _("Nennen Sie ein Prinzip oder einen Parameter der Charta.")}
    )


def _charter_amend_principle(
    *,
    base: CharterVersion,
    actor: Actor,
    adopted_on: date,
    council_decision: str,
    principle: str,
    text_de: str,
    text_en: str,
) -> CharterVersion:
    """Like charter_amend, for a principle's description: through the document, so the
    new version obeys exactly the rules of a loaded file."""
    content = copy.deepcopy(base.content)
    number = (CharterVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
    content["charter"] |= {
        "version": number,
        "adopted_on": adopted_on.isoformat(),
        "council_decision": council_decision,
    }
    (item,) = [item for item in content["principles"] if item["id"] == principle]
    item["description"] = {"de": text_de, "en": text_en}
    version, _created = charter_load(text=write_charter(content), actor=actor)
    return version


def proposal_charter_adopt_refusal(*, proposal: Proposal, today: date | None = None) -> list[str]:
    """Why the charter change ``proposal`` asks for cannot be adopted now (empty: it can).

    Like every decision, an amendment follows the participation: the procedure is public,
    its last phase is over and its result report is published. The adoption page shows
    these reasons before anyone fills in the form; the service refuses with them.
    """
    today = today or timezone.localdate()
    procedure = proposal.procedure
    problems: list[str] = []
    if not procedure.amends_charter or not proposal.charter_change:
        problems.append(_("Dieser Vorschlag ändert die Charta nicht."))
    if proposal.proposal_status == ProposalStatus.ACCEPTED:
        problems.append(_("Diese Änderung ist schon beschlossen."))
    if proposal.status == ContributionStatus.HIDDEN:
        problems.append(_("Der Vorschlag ist ausgeblendet."))
    if procedure.published_at is None:
        problems.append(_("Das Verfahren ist nicht veröffentlicht."))
    ends_on = Phase.objects.filter(procedure=procedure).aggregate(end=Max("ends_on"))["end"]
    if ends_on is None or ends_on >= today:
        problems.append(
            _("Eine Änderung wird erst nach dem Ende des Verfahrens beschlossen (%(end)s).")
            % {"end": ends_on.strftime("%d.%m.%Y") if ends_on else _("keine Phasen")}
        )
    if procedure.result_report_published_at is None:
        problems.append(
            _(
                "Der Ergebnisbericht des Verfahrens ist nicht veröffentlicht; eine Änderung "
                "wird erst danach beschlossen."
            )
        )
    if not CharterVersion.objects.exists():
        problems.append(_("Es ist keine Charta beschlossen."))
    return problems


@transaction.atomic
def proposal_charter_adopt(
    *,
    actor: Actor,
    proposal: Proposal,
    council_decision: str,
    adopted_on: date | None = None,
    answer: str = "",
    text_en: str = "",
    today: date | None = None,
) -> CharterVersion:
    """Adopt the charter change a proposal asks for: a new charter version, in force from
    ``adopted_on`` (default today, never earlier), and the proposal answered as accepted.

    For administrators, once the procedure has ended and its result report is published
    (:func:`proposal_charter_adopt_refusal`), with the council's decision. A new
    principle text needs its English version (``text_en``) unless the proposal has one.
    """
    if not (actor.is_authenticated and actor.role == Role.ADMIN):
        raise PermissionDenied(_("Eine Änderung der Charta beschließt die Administration."))
    today = today or timezone.localdate()
    adopted_on = adopted_on or today
    procedure = proposal.procedure
    problems = proposal_charter_adopt_refusal(proposal=proposal, today=today)
    if adopted_on < today:
        problems.append(
            _("Eine Änderung gilt frühestens ab dem Tag ihres Beschlusses, nicht rückwirkend.")
        )
    council_decision = council_decision.strip()
    if not council_decision:
        problems.append(_("Nennen Sie den Beschluss des Rates."))
    if problems:
        raise ValidationError(problems)
    base = CharterVersion.objects.order_by("-number")[0]
    change = charter_change_clean(proposal.charter_change, charter=base)
    try:
        if "parameter" in change:
            version = charter_amend(
                base=base,
                actor=actor,
                adopted_on=adopted_on,
                council_decision=council_decision,
                parameters={change["parameter"]: change["value"]},
            )
        else:
            english = text_en.strip() or change.get("text_en", "")
            if not english:
                raise ValidationError(
                    {"text_en": _("Geben Sie den neuen Text auch auf Englisch an.")}
                )
            version = _charter_amend_principle(
                base=base,
                actor=actor,
                adopted_on=adopted_on,
                council_decision=council_decision,
                principle=change["principle"],
                text_de=change["text_de"],
                text_en=english,
            )
    except CharterFileError as error:
        raise ValidationError([str(problem) for problem in error.problems]) from None
    proposal.proposal_status = ProposalStatus.ACCEPTED
    proposal.answer = answer.strip() or _(
        "Beschlossen: Die Charta gilt in Version %(number)s ab dem %(date)s (%(decision)s)."
    ) % {
        "number": version.number,
        "date": version.adopted_on.strftime("%d.%m.%Y"),
        "decision": council_decision,
    }
    proposal.answered_at = timezone.now()
    proposal.full_clean()
    save_record(record=proposal, actor=actor)
    subscribers_notify(procedure=procedure, event=Notice.ANSWER, proposal=proposal)
    return version
