"""All of moderation: reports about comments and proposals, hiding a contribution with a
public reason, keeping a reported one with a note, and the queue of what waits for a
decision. Every decision writes the audit trail; nothing is deleted.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import rules
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.procedures.models import ContributionStatus, Procedure
from offenestadt.participation.proposals.models import Proposal

type Contribution = Comment | Proposal


@transaction.atomic
def contribution_hide(*, actor: Actor, contribution: Contribution, reason: str) -> Contribution:
    """Hide a comment or a proposal with a reason everyone can read; its text stays stored.

    Reports about it are resolved by the decision. Hiding again changes the reason, in public.
    """
    procedure = contribution.procedure
    if not rules.can_moderate_procedure(actor, procedure):
        raise PermissionDenied(_("Sie dürfen Beiträge in diesem Verfahren nicht moderieren."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"hidden_reason": _("Nennen Sie einen öffentlichen Grund.")})
    contribution.status = ContributionStatus.HIDDEN
    contribution.hidden_reason = reason
    contribution.full_clean()
    save_record(record=contribution, actor=actor, event=AuditEvent.HIDDEN)
    _reports_resolve(
        actor=actor, contribution=contribution, decision=ContributionStatus.HIDDEN, note=""
    )
    return contribution


@transaction.atomic
def report_create(*, contribution: Contribution, reason: str, actor: Actor | None = None) -> Report:
    """Someone flags a comment or a proposal; moderation decides. No account, no name:
    the audit trail records the role that acted (``public`` for a visitor), not who."""
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
    save_record(record=report, actor=actor, event=AuditEvent.CREATED)
    return report


@transaction.atomic
def reports_keep(*, actor: Actor, contribution: Contribution, note: str) -> int:
    """Resolve the open reports of a contribution by keeping it as it is.

    Returns how many reports were resolved. Hiding instead goes through
    ``contribution_hide``, which names its reason in public and resolves them too.
    """
    if not rules.can_moderate_procedure(actor, contribution.procedure):
        raise PermissionDenied(_("Sie dürfen Beiträge in diesem Verfahren nicht moderieren."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Notieren Sie, warum der Beitrag bleibt.")})
    resolved = _reports_resolve(
        actor=actor, contribution=contribution, decision=ContributionStatus.VISIBLE, note=note
    )
    if not resolved:
        raise ValidationError(_("Zu diesem Beitrag gibt es keine offene Meldung."))
    return resolved


def _reports_resolve(
    *, actor: Actor, contribution: Contribution, decision: ContributionStatus, note: str
) -> int:
    """Resolve the open reports of a contribution with ``decision``: one audit entry each."""
    now = timezone.now()
    event = AuditEvent.HIDDEN if decision == ContributionStatus.HIDDEN else AuditEvent.KEPT
    pending = contribution.reports.select_for_update().filter(resolved_at__isnull=True)
    resolved = 0
    for report in pending.order_by("pk"):
        report.resolved_at, report.decision, report.note = now, decision, note
        save_record(record=report, actor=actor, event=event)
        resolved += 1
    return resolved


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
