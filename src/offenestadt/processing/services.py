"""Every write to the register: permission, the four-eyes review, and the audit trail.

Staff write an entry and submit it; the data protection officer approves it or returns it
with comments. Any change to an entry after that reopens it: only what the DPO approved
counts as met. The DPO's approval publishes the entry.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import (
    actor_role,
    created_or_changed,
    delete_record,
    save_record,
)
from offenestadt.contracts.models import Contract
from offenestadt.core.slugs import unique_slug
from offenestadt.processing import rules
from offenestadt.processing.compliance import submission_gate
from offenestadt.processing.models import (
    DataCategory,
    ProcessingActivity,
    ReviewNote,
    ReviewStatus,
    Transfer,
)
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save, project_evaluate

type ActivityPart = DataCategory | Transfer

# What the review covers: a change to any of these sends an approved entry back to draft.
_REVIEWED_FIELDS = tuple(
    name
    for name in ProcessingActivity.audit_fields
    if name not in ProcessingActivity.audit_state_fields
)


def _reopen(activity: ProcessingActivity) -> None:
    """A changed entry needs a new review; what it said before stays in the history."""
    if activity.review_status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        activity.review_status = ReviewStatus.DRAFT
        activity.submitted_by = None


def _evaluate_projects(activity: ProcessingActivity) -> None:
    for project in activity.projects.all():
        project_evaluate(project=project)


@transaction.atomic
def activity_save(
    *,
    actor: Actor,
    activity: ProcessingActivity,
    projects: list[Project],
    contracts: list[Contract] | None = None,
) -> ProcessingActivity:
    """Create or change an entry with its projects and the contracts of its processors."""
    if not activity.slug:
        activity.slug = unique_slug(
            ProcessingActivity,
            activity.title,
            fallback="verarbeitung",
            reserved={"neu", "pruefung", "loeschlaeufe"},
        )
    if activity.pk is None:
        if not rules.can_create_activity(actor):
            raise PermissionDenied(_("Sie dürfen keine Verarbeitungstätigkeiten anlegen."))
    else:
        stored = ProcessingActivity.objects.get(pk=activity.pk)
        if not rules.can_edit_activity(actor, stored):
            raise PermissionDenied(_("Sie dürfen diese Verarbeitungstätigkeit nicht ändern."))
        linked_before = (
            set(stored.projects.all()),
            set(stored.contracts.all()),
        )
        linked_after = (
            set(projects),
            set(stored.contracts.all() if contracts is None else contracts),
        )
        if (
            any(getattr(stored, f) != getattr(activity, f) for f in _REVIEWED_FIELDS)
            or linked_before != linked_after
        ):
            _reopen(activity)
    if not rules.can_edit_activity(actor, activity):
        raise PermissionDenied(_("Sie dürfen nur Verarbeitungen Ihres Amtes eintragen."))
    linked_record_save(actor=actor, record=activity, projects=projects)
    if contracts is not None:
        # unaudited: links are no audit_fields: the linked contracts show them
        activity.contracts.set(contracts)
    return activity


def _require_edit(actor: Actor, activity: ProcessingActivity) -> None:
    if not rules.can_edit_activity(actor, activity):
        raise PermissionDenied(_("Sie dürfen diese Verarbeitungstätigkeit nicht ändern."))


@transaction.atomic
def activity_part_save(*, actor: Actor, part: ActivityPart) -> ActivityPart:
    """Add or change a data category or a transfer; the entry goes back to review."""
    activity = ProcessingActivity.objects.select_for_update().get(pk=part.activity_id)
    _require_edit(actor, activity)
    part.full_clean()
    if save_record(record=part, actor=actor, event=created_or_changed(part)) is not None:
        _reopen(activity)
        save_record(record=activity, actor=actor, event=AuditEvent.REOPENED)
    _evaluate_projects(activity)
    return part


@transaction.atomic
def activity_part_delete(*, actor: Actor, part: ActivityPart) -> None:
    activity = ProcessingActivity.objects.select_for_update().get(pk=part.activity_id)
    _require_edit(actor, activity)
    delete_record(record=part, actor=actor, event=AuditEvent.DELETED)
    _reopen(activity)
    save_record(record=activity, actor=actor, event=AuditEvent.REOPENED)
    _evaluate_projects(activity)


def _note(activity: ProcessingActivity, actor: Actor, decision: str, comment: str) -> None:
    note = ReviewNote(
        activity=activity, decision=decision, comment=comment, author_role=actor_role(actor)
    )
    save_record(record=note, actor=actor, event=AuditEvent.CREATED)


@transaction.atomic
def activity_submit(
    *, actor: Actor, activity: ProcessingActivity, comment: str = ""
) -> ProcessingActivity:
    """Hand the entry to the data protection officer for review (or refuse with what is
    missing: processing.compliance.submission_gate)."""
    activity = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_submit_activity(actor, activity):
        raise PermissionDenied(_("Sie können diese Verarbeitungstätigkeit nicht einreichen."))
    submission_gate(activity)
    activity.review_status = ReviewStatus.SUBMITTED
    activity.submitted_by = actor  # type: ignore[assignment]
    save_record(record=activity, actor=actor, event=AuditEvent.SUBMITTED)
    _note(activity, actor, ReviewNote.Decision.SUBMITTED, comment)
    return activity


@transaction.atomic
def activity_approve(
    *, actor: Actor, activity: ProcessingActivity, comment: str = ""
) -> ProcessingActivity:
    """The DPO approves: the entry counts as met and is published."""
    activity = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_review_activity(actor, activity):
        raise PermissionDenied(
            _("Nur der oder die Datenschutzbeauftragte gibt eingereichte Einträge frei.")
        )
    activity.review_status = ReviewStatus.APPROVED
    activity.published_at = activity.published_at or timezone.now()
    save_record(record=activity, actor=actor, event=AuditEvent.APPROVED)
    _note(activity, actor, ReviewNote.Decision.APPROVED, comment)
    _evaluate_projects(activity)
    return activity


@transaction.atomic
def activity_return(
    *, actor: Actor, activity: ProcessingActivity, comment: str
) -> ProcessingActivity:
    """The DPO sends the entry back, saying what to change."""
    activity = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_review_activity(actor, activity):
        raise PermissionDenied(
            _("Nur der oder die Datenschutzbeauftragte gibt eingereichte Einträge zurück.")
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Schreiben Sie dazu, was geändert werden muss.")})
    activity.review_status = ReviewStatus.RETURNED
    activity.submitted_by = None
    save_record(record=activity, actor=actor, event=AuditEvent.RETURNED)
    _note(activity, actor, ReviewNote.Decision.RETURNED, comment)
    _evaluate_projects(activity)
    return activity
