"""Proposals with their support and the city's answer. A proposal is made online with an
optional pseudonym or entered by staff with its channel; online support takes a confirmed
e-mail address and counts once per person, support from letters and visits is entered by
staff. Every write checks permission and writes the audit trail; nobody's identity is kept.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.mail import site_url
from offenestadt.participation.amendments.services import charter_change_clean
from offenestadt.participation.confirmation_links import (
    hash_token,
    normalise_email,
    with_new_link,
)
from offenestadt.participation.moderation import rules as moderation_rules
from offenestadt.participation.notifications.sending import Notice
from offenestadt.participation.notifications.services import subscribers_notify
from offenestadt.participation.procedures import rules as procedures_rules
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Phase,
    PhaseKind,
    Procedure,
)
from offenestadt.participation.proposals.models import (
    Proposal,
    ProposalStatus,
    Support,
    SupportConfirmation,
)
from offenestadt.registry.channels import Channel

# The model's text field says 6000; a TextField's max_length binds forms only.
PROPOSAL_MAX_LENGTH = 6000
# The statuses of an answer; "submitted" and "in review" are before it.
ANSWER_STATUSES = frozenset(
    {ProposalStatus.ACCEPTED, ProposalStatus.PARTLY, ProposalStatus.REJECTED}
)
# Supports a staff member enters at once, from a list of signatures on a letter.
MAX_SUPPORTS_AT_ONCE = 10_000
SUPPORT_KEY_SALT = "offenestadt.participation.support"


def _entered_by(actor: Actor, procedure: Procedure, channel: Channel) -> str:
    """The staff role that enters an offline contribution; empty for one made online."""
    if channel == Channel.ONLINE:
        return ""
    if not procedures_rules.can_enter_contributions(actor, procedure):
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
    save_record(record=proposal, actor=actor, event=AuditEvent.SUBMITTED)
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
    # unaudited: supports are a count, shown on the proposal, not records with a history
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


class SupportCounted(StrEnum):
    """What became of a confirmed online support."""

    COUNTED = "counted"
    ALREADY = "already"


def supporter_key(proposal: Proposal, email: str) -> str:
    """Who supports, as far as counting once needs: an HMAC of the normalised address
    under the site's secret key, for this proposal only. Keys of two proposals cannot be
    joined, and without the secret key no address can be tested against them."""
    address = normalise_email(email)
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
            # unaudited: supports are a count, shown on the proposal, not records with a history
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
    if found is None or found.token_hash != hash_token(token):
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
    linked = with_new_link(SupportConfirmation, found, proposal=proposal, supporter_key=key)
    if linked is None:
        return
    confirmation, token = linked
    # The address lives on only in the e-mail that is sent after the commit.
    transaction.on_commit(
        partial(_send_support_confirmation, confirmation.pk, token, normalise_email(email)),
        robust=True,
    )


def support_confirmation_by_token(token: str) -> SupportConfirmation | None:
    """The request to support whose e-mail carries ``token``, if any."""
    return (
        SupportConfirmation.objects.select_related("proposal__procedure")
        .filter(token_hash=hash_token(token))
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
        .get(token_hash=hash_token(token))
    )
    if confirmation.confirmed_at is not None:
        return SupportCounted.ALREADY
    counted = proposal_support_online(
        proposal=confirmation.proposal, supporter_key=confirmation.supporter_key, today=today
    )
    confirmation.confirmed_at = timezone.now()
    # unaudited: a confirmation token for a private address, not a public record
    confirmation.save(update_fields=["confirmed_at"])
    return counted


def answer_statuses(proposal: Proposal) -> frozenset[ProposalStatus]:
    """The answers a proposal may get. A charter change may also be answered "in review":
    the council decides on it after the result report (see proposal_charter_adopt)."""
    if proposal.charter_change:
        return ANSWER_STATUSES | {ProposalStatus.IN_REVIEW}
    return ANSWER_STATUSES


@transaction.atomic
def proposal_answer(*, actor: Actor, proposal: Proposal, status: str, answer: str) -> Proposal:
    """The city's official answer: accepted, partly accepted or rejected, and why.

    It is public at once, and subscribers hear of it. A changed answer keeps its history.
    """
    if not moderation_rules.can_moderate_procedure(actor, proposal.procedure):
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
    save_record(record=proposal, actor=actor, event=AuditEvent.ANSWERED)
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
