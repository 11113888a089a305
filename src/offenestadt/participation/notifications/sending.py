"""Sending e-mail notifications: what subscribers hear about, the messages with their
unsubscribe link, and the tasks the worker runs to send them in batches.
"""

from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from offenestadt.core.mail import send_in_batches, site_url
from offenestadt.participation.amendments.summary import charter_change_summary
from offenestadt.participation.confirmation_links import hash_token
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import ContributionStatus, Phase, Procedure
from offenestadt.participation.proposals.models import Proposal, ProposalStatus

UNSUBSCRIBE_SALT = "offenestadt.participation.unsubscribe"


class Notice(StrEnum):
    """What subscribers hear about."""

    PHASE = "phase"
    RESULT_REPORT = "result_report"
    ANSWER = "answer"


def unsubscribe_token(subscription: Subscription) -> str:
    """The token of the link that cancels a subscription, in every e-mail.

    Signed with the site's secret key and never stored, so a copy of the database cannot
    cancel anyone's subscription.
    """
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscription.token_hash)


def unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 8058: mail programs offer a button that cancels with one POST to the link.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_confirmation(subscription_pk: int, token: str) -> None:
    subscription = Subscription.objects.select_related("procedure").filter(pk=subscription_pk)
    found = subscription.first()
    if found is None or found.token_hash != hash_token(token):
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
            headers=unsubscribe_headers(unsubscribe),
        )
    message.send()


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
        if proposal.charter_change and proposal.status != ContributionStatus.HIDDEN:
            change = charter_change_summary(proposal.charter_change)
            if proposal.proposal_status == ProposalStatus.ACCEPTED:
                message += " " + _("Beschlossene Änderung der Charta: %s") % change
            else:
                message += " " + _("Vorgeschlagene Änderung der Charta: %s") % change
        return message, reverse("contributions:proposal_detail", args=[procedure.slug, proposal.pk])
    return None


def notifications_send(*, procedure_id: int, event: str, object_id: int | None = None) -> int:
    """Send a notification to every confirmed subscriber; returns how many were sent."""
    procedure = Procedure.objects.filter(pk=procedure_id, published_at__isnull=False).first()
    if procedure is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        notice = _notice_text(procedure, event, object_id)
        if notice is None:
            return 0
        message, path = notice
        subject = _("Neues im Beteiligungsverfahren „%(title)s“") % {"title": procedure.title}
        subscriptions = Subscription.objects.filter(
            procedure=procedure, confirmed_at__isnull=False
        ).order_by("pk")
        return send_in_batches(
            _notice_message(procedure, subscription, subject, (message, path))
            for subscription in subscriptions.iterator()
        )


def _notice_message(
    procedure: Procedure, subscription: Subscription, subject: str, notice: tuple[str, str]
) -> EmailMessage:
    message, path = notice
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
    return EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers=unsubscribe_headers(unsubscribe),
    )


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
