"""What each notice says, where it links and who receives it.

A notice is about one record: a processing activity or a raw upload at the DPO's review, a
report on a contribution, a record refused at a charter gate. Its text is written at
sending time, in the recipient's language, from the record as it is then (so a return
carries the DPO's comment, saved in the same transaction as the return).
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEvent
from offenestadt.contracts.models import Contract
from offenestadt.opendata.models import Dataset, RawUpload
from offenestadt.participation.models import Procedure, Report
from offenestadt.processing.models import ProcessingActivity, ReviewNote
from offenestadt.registry.models import Project
from offenestadt.staff.notifications import rules
from offenestadt.staff.notifications.models import NoticeKind

# The saved records that are notices: (model, event) -> kind.
NOTICE_OF_EVENT: dict[tuple[type[models.Model], str], NoticeKind] = {
    (ProcessingActivity, AuditEvent.SUBMITTED): NoticeKind.SUBMITTED,
    (ProcessingActivity, AuditEvent.RETURNED): NoticeKind.RETURNED,
    (ProcessingActivity, AuditEvent.APPROVED): NoticeKind.APPROVED,
    (RawUpload, AuditEvent.SUBMITTED): NoticeKind.SUBMITTED,
    (RawUpload, AuditEvent.RETURNED): NoticeKind.RETURNED,
    (RawUpload, AuditEvent.APPROVED): NoticeKind.APPROVED,
    (Report, AuditEvent.CREATED): NoticeKind.REPORTED,
}
# Records whose gate refusals are notices.
GATED = (Project, Contract, Dataset)


@dataclass(frozen=True)
class Message:
    """A notice's content in one language."""

    subject: str
    text: str
    path: str
    # The reviewer's comment (a return) or what a gate found missing.
    comment: str = ""
    reasons: list[str] = field(default_factory=list)


def offices_of(record: models.Model) -> set[int | None]:
    """The offices that keep a record: whose editors hear of it."""
    if isinstance(record, ProcessingActivity | Project):
        return {record.office_id}
    if isinstance(record, RawUpload):
        return {record.dataset.publisher_id}
    if isinstance(record, Dataset):
        return {record.publisher_id}
    if isinstance(record, Contract):
        return set(record.projects.values_list("office_id", flat=True))
    return set()


def recipients(kind: NoticeKind, record: models.Model) -> QuerySet[User]:
    if kind == NoticeKind.SUBMITTED:
        return rules.reviewers()
    if isinstance(record, Report):
        return rules.moderators_of(_procedure(record))
    return rules.keepers_of(offices_of(record))


def _procedure(report: Report) -> Procedure:
    contribution = report.comment or report.proposal
    if contribution is None:
        raise ValueError("a report names a contribution (database constraint)")
    return contribution.procedure


def _link(kind: NoticeKind, record: models.Model) -> str:
    if isinstance(record, ProcessingActivity):
        return f"{record.get_absolute_url()}#pruefung"
    if isinstance(record, RawUpload):
        return reverse("pipeline:detail", args=[record.pk])
    if isinstance(record, Report):
        return reverse("contributions:moderation_queue")
    return str(record.get_absolute_url())  # type: ignore[attr-defined]


def _comment(record: ProcessingActivity | RawUpload) -> str:
    """The DPO's comment on the latest return."""
    if isinstance(record, RawUpload):
        return record.review_comment
    note = (
        ReviewNote.objects.filter(activity=record, decision=ReviewNote.Decision.RETURNED)
        .order_by("-pk")
        .first()
    )
    return note.comment if note is not None else ""


def message(kind: NoticeKind, record: models.Model, reasons: list[str]) -> Message:
    """The notice in the active language."""
    path = _link(kind, record)
    if isinstance(record, Report):
        procedure = {"procedure": _procedure(record).title}
        return Message(
            _("Neue Meldung im Verfahren „%(procedure)s“") % procedure,
            _(
                "Ein Beitrag im Verfahren „%(procedure)s“ wurde gemeldet und wartet auf "
                "Ihre Entscheidung."
            )
            % procedure,
            path,
        )
    name = {"record": str(record), "type": record._meta.verbose_name}
    if kind == NoticeKind.SUBMITTED:
        subject, text = (
            _("Zur Prüfung: „%(record)s“"),
            _("„%(record)s“ (%(type)s) wartet auf Ihre Prüfung."),
        )
    elif kind == NoticeKind.RETURNED:
        subject, text = (
            _("Zurückgegeben: „%(record)s“"),
            _("Die Datenschutzprüfung hat „%(record)s“ (%(type)s) zurückgegeben."),
        )
        comment = _comment(record) if isinstance(record, ProcessingActivity | RawUpload) else ""
        return Message(subject % name, text % name, path, comment=comment)
    elif kind == NoticeKind.APPROVED:
        subject, text = (
            _("Freigegeben: „%(record)s“"),
            _("Die Datenschutzprüfung hat „%(record)s“ (%(type)s) freigegeben."),
        )
    else:
        subject, text = (
            _("Schritt abgelehnt: „%(record)s“"),
            _(
                "Ein Schritt von „%(record)s“ (%(type)s) wurde an einer Schranke der Charta "
                "abgelehnt."
            ),
        )
    return Message(subject % name, text % name, path, reasons=reasons)
