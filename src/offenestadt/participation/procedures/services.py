"""Every write to a procedure: the procedure itself, its phases, its texts and their
paragraphs, its meetings and the result report. Each checks permission (procedures.rules)
and writes the audit trail.
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import created_or_changed, delete_record, save_record
from offenestadt.core.slugs import unique_slug
from offenestadt.participation.notifications import sending as notifications_sending
from offenestadt.participation.notifications import services as notifications_services
from offenestadt.participation.procedures import rules
from offenestadt.participation.procedures.compliance import (
    document_removal_gate,
    minutes_gate,
    paragraph_removal_gate,
    phase_removal_gate,
    publication_gate,
    report_gate,
)
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Paragraph,
    Phase,
    Procedure,
)
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save, project_evaluate

# Words the addresses under /beteiligung/ use for pages of their own (see participation.urls).
RESERVED_SLUGS = frozenset(
    {"neu", "meldungen", "benachrichtigung", "abstimmungen", "feed", "beitraege"}
)


def _require_edit(actor: Actor, procedure: Procedure) -> None:
    if not rules.can_edit_procedure(actor, procedure):
        raise PermissionDenied(_("Sie dürfen dieses Beteiligungsverfahren nicht ändern."))


def _evaluate_projects(procedure: Procedure) -> None:
    """The charter's P3 rule reads procedures: their projects are evaluated again."""
    for project in procedure.projects.all():
        project_evaluate(project=project)


@transaction.atomic
def procedure_save(*, actor: Actor, procedure: Procedure, projects: list[Project]) -> Procedure:
    """Create or change a procedure and link it to ``projects``.

    Editors write for their own office, about contracts serving its projects; procedures
    that may amend the charter are for administrators.
    """
    if procedure.pk is None:
        allowed = rules.can_create_procedure(actor) and (
            not procedure.amends_charter or rules.can_create_charter_procedure(actor)
        )
        if not allowed:
            raise PermissionDenied(_("Sie dürfen dieses Beteiligungsverfahren nicht anlegen."))
        stored = None
    else:
        stored = Procedure.objects.get(pk=procedure.pk)
        _require_edit(actor, stored)
    if not rules.can_edit_procedure(actor, procedure):
        # An editor may not hand a procedure to another office or to the charter.
        raise PermissionDenied(_("Sie dürfen Beteiligungsverfahren nur für Ihr Amt anlegen."))
    contract_id = procedure.contract_id
    if (
        contract_id is not None
        and (stored is None or stored.contract_id != contract_id)
        and not rules.contracts_for_procedures(actor).filter(pk=contract_id).exists()
    ):
        raise PermissionDenied(_("Sie dürfen kein Verfahren zu diesem Vertrag anlegen."))
    if not procedure.slug:
        procedure.slug = unique_slug(
            Procedure, procedure.title, fallback="beteiligung", reserved=RESERVED_SLUGS
        )
    linked_record_save(actor=actor, record=procedure, projects=projects)
    return procedure


@transaction.atomic
def procedure_publish(
    *, actor: Actor, procedure: Procedure, today: date | None = None
) -> Procedure:
    """Publish a procedure, unless compliance.publication_gate refuses (GateRefusedError):
    it needs its phases, none of them begun."""
    _require_edit(actor, procedure)
    if procedure.published_at is not None:
        return procedure
    publication_gate(procedure, today or timezone.localdate())
    procedure.published_at = timezone.now()
    procedure.full_clean()
    save_record(record=procedure, actor=actor, event=AuditEvent.PUBLISHED)
    _evaluate_projects(procedure)
    return procedure


@transaction.atomic
def phase_save(*, actor: Actor, phase: Phase) -> Phase:
    """Add or change a phase; phases of one procedure do not overlap."""
    _require_edit(actor, phase.procedure)
    phase.full_clean()
    overlapping = (
        Phase.objects.filter(procedure=phase.procedure)
        .filter(starts_on__lte=phase.ends_on, ends_on__gte=phase.starts_on)
        .exclude(pk=phase.pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("Die Phase überschneidet sich mit der Phase %(phase)s.") % {"phase": overlapping}
        )
    save_record(record=phase, actor=actor, event=created_or_changed(phase))
    # Subscribers hear of it on the morning it starts.
    notifications_services.phase_start_schedule(phase=phase)
    _evaluate_projects(phase.procedure)
    return phase


@transaction.atomic
def phase_delete(*, actor: Actor, phase: Phase) -> None:
    """Remove a phase, unless compliance.phase_removal_gate refuses (GateRefusedError)."""
    procedure = phase.procedure
    _require_edit(actor, procedure)
    phase_removal_gate(phase, timezone.localdate())
    delete_record(record=phase, actor=actor, event=AuditEvent.DELETED)
    _evaluate_projects(procedure)


@transaction.atomic
def procedure_report_publish(
    *, actor: Actor, procedure: Procedure, report: str, today: date | None = None
) -> Procedure:
    """Publish the result report: what was taken up, what not, and why.

    It comes after the consultation and any vote, and only once every proposal has the
    city's answer (compliance.report_gate, refused with GateRefusedError). A later
    correction keeps the first publication date; the history shows it.
    """
    _require_edit(actor, procedure)
    report_gate(procedure, today or timezone.localdate())
    if not report.strip():
        raise ValidationError(_("Schreiben Sie den Ergebnisbericht."))
    procedure.result_report = report.strip()
    first_publication = procedure.result_report_published_at is None
    if first_publication:
        procedure.result_report_published_at = timezone.now()
    procedure.full_clean()
    event = AuditEvent.PUBLISHED if first_publication else AuditEvent.CHANGED
    save_record(record=procedure, actor=actor, event=event)
    if first_publication:
        notifications_services.subscribers_notify(
            procedure=procedure, event=notifications_sending.Notice.RESULT_REPORT
        )
    _evaluate_projects(procedure)
    return procedure


def split_paragraphs(text: str) -> list[str]:
    """A text's paragraphs, separated by blank lines."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [part.strip() for part in parts if part.strip()]


@transaction.atomic
def document_create(*, actor: Actor, document: Document, text: str) -> Document:
    """Put a text up for comment, one paragraph per block between blank lines."""
    _require_edit(actor, document.procedure)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise ValidationError({"text": _("Der Text hat keinen Absatz.")})
    document.full_clean()
    save_record(record=document, actor=actor, event=AuditEvent.CREATED)
    for position, paragraph_text in enumerate(paragraphs, start=1):
        paragraph = Paragraph(document=document, position=position, text=paragraph_text)
        paragraph.full_clean()
        save_record(record=paragraph, actor=actor, event=AuditEvent.CREATED)
    return document


@transaction.atomic
def document_save(*, actor: Actor, document: Document) -> Document:
    """Change a document's title."""
    _require_edit(actor, document.procedure)
    document.full_clean()
    save_record(record=document, actor=actor, event=AuditEvent.CHANGED)
    return document


@transaction.atomic
def document_delete(*, actor: Actor, document: Document) -> None:
    """Remove a document that nobody has commented on yet (compliance.document_removal_gate)."""
    _require_edit(actor, document.procedure)
    document_removal_gate(document)
    for paragraph in document.paragraphs.all():
        delete_record(record=paragraph, actor=actor, event=AuditEvent.DELETED)
    delete_record(record=document, actor=actor, event=AuditEvent.DELETED)


@transaction.atomic
def paragraph_save(*, actor: Actor, paragraph: Paragraph) -> Paragraph:
    """Add a paragraph (at the end, without a number) or change one; changes are public."""
    _require_edit(actor, paragraph.document.procedure)
    if paragraph.position is None:
        last = paragraph.document.paragraphs.aggregate(last=Max("position"))["last"]
        paragraph.position = (last or 0) + 1
    paragraph.text = paragraph.text.strip()
    paragraph.full_clean()
    save_record(record=paragraph, actor=actor, event=created_or_changed(paragraph))
    return paragraph


@transaction.atomic
def paragraph_delete(*, actor: Actor, paragraph: Paragraph) -> None:
    """Remove a paragraph that nobody has commented on yet (compliance.paragraph_removal_gate)."""
    _require_edit(actor, paragraph.document.procedure)
    paragraph_removal_gate(paragraph)
    delete_record(record=paragraph, actor=actor, event=AuditEvent.DELETED)


@transaction.atomic
def meeting_save(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Announce a meeting with its place and accessibility, or change it."""
    _require_edit(actor, meeting.procedure)
    meeting.full_clean()
    save_record(record=meeting, actor=actor, event=created_or_changed(meeting))
    return meeting


@transaction.atomic
def meeting_minutes_publish(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Publish the minutes of a meeting that took place, unless compliance.minutes_gate
    refuses (GateRefusedError)."""
    _require_edit(actor, meeting.procedure)
    minutes_gate(meeting, timezone.now())
    if meeting.minutes_published_at is None:
        meeting.minutes_published_at = timezone.now()
        meeting.full_clean()
        save_record(record=meeting, actor=actor, event=AuditEvent.PUBLISHED)
    return meeting
