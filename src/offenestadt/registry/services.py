"""Every write to the project register; each checks the actor's permission and is audited.

After each write the project is evaluated against the charter in force, and the
evaluation is kept when its findings changed, so the history of findings is complete.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor, Office
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import Links, created_or_changed, delete_record, save_record
from offenestadt.charter.engine import Finding, evaluate, principle_statuses
from offenestadt.charter.gates import GateRefusedError, announces_refusal
from offenestadt.charter.models import CharterVersion
from offenestadt.core.slugs import unique_slug
from offenestadt.council.models import Paper
from offenestadt.registry import rules
from offenestadt.registry.compliance import project_gate
from offenestadt.registry.models import (
    AccessChannel,
    CouncilOverride,
    EvaluatedPrinciple,
    FundingSource,
    LinkedRecord,
    Project,
    ProjectEvaluation,
    ProjectStatus,
    Service,
    SoftwareComponent,
)

type RegisterPart = FundingSource | Service | AccessChannel | SoftwareComponent


@dataclass(frozen=True)
class CouncilDecision:
    """A council decision to let a project pass a gate despite its findings."""

    reference: str
    decided_on: date
    justification: str


def _require_edit(actor: Actor, project: Project) -> None:
    if not rules.can_edit_project(actor, project):
        raise PermissionDenied(_("Sie dürfen dieses Projekt nicht ändern."))


@transaction.atomic
def project_papers_link(*, actor: Actor, project: Project, council_papers: list[Paper]) -> Project:
    """Link the project to the council's ``council_papers`` (and to no others), audited."""
    _require_edit(actor, project)
    links = {"council_papers": council_papers}
    _record(actor=actor, record=project, project=project, event=AuditEvent.CHANGED, links=links)
    return project


def _record(
    *,
    actor: Actor,
    record: "Project | RegisterPart",
    project: Project,
    event: AuditEvent,
    links: Links | None = None,
) -> None:
    """Check, save and audit a record (with ``links``, its many-to-many fields to set), then
    evaluate its project again."""
    record.full_clean()
    save_record(record=record, actor=actor, event=event, links=links)
    project_evaluate(project=project)


def project_findings(project: Project) -> tuple[CharterVersion | None, list[Finding]]:
    """The project's findings now, under the charter in force (none without a charter)."""
    charter = CharterVersion.objects.in_force()
    return charter, evaluate(project, charter) if charter else []


def project_findings_stored(project: Project) -> tuple[CharterVersion | None, list[Finding]]:
    """The project's findings as last evaluated and stored (``project_evaluate`` runs after
    every change of the project or a record it links), under the charter in force; evaluated
    now only when nothing is stored for that charter yet."""
    charter = CharterVersion.objects.in_force()
    current = project.evaluations.filter(is_current=True).first()
    if charter is None or current is None or current.charter_version_id != charter.pk:
        return charter, evaluate(project, charter) if charter else []
    return charter, [Finding.from_dict(data) for data in current.findings]


def project_evaluate(*, project: Project) -> ProjectEvaluation | None:
    """Record the project's findings if they differ from its current evaluation."""
    charter, findings = project_findings(project)
    if charter is None:
        return None
    data = [finding.as_dict() for finding in findings]
    current = project.evaluations.filter(is_current=True).first()
    if current and current.charter_version_id == charter.pk and current.findings == data:
        return current
    if current:
        current.is_current = False
        # unaudited: evaluations are derived from audited records and the charter, recomputable
        current.save(update_fields=["is_current"])
    # unaudited: evaluations are derived from audited records and the charter, recomputable
    evaluation = ProjectEvaluation.objects.create(
        project=project, charter_version=charter, findings=data, is_current=True
    )
    # unaudited: evaluations are derived from audited records and the charter, recomputable
    EvaluatedPrinciple.objects.bulk_create(
        EvaluatedPrinciple(evaluation=evaluation, principle=principle, status=status)
        for principle, status in principle_statuses(findings).items()
    )
    return evaluation


def projects_of_papers_evaluate(*, papers: Collection[int], **_: object) -> None:
    """Receiver of council.signals.deliberations_changed: an import may have moved the
    meeting of these council papers, which P3 counts to; their projects are evaluated again."""
    for project in Project.objects.filter(council_papers__in=papers).distinct().order_by("pk"):
        project_evaluate(project=project)


def projects_of_component_evaluate(*, component: int, **_: object) -> None:
    """Receiver of software.signals.component_changed: the projects whose software parts
    name this register entry are judged on its facts (P7), so they are evaluated again."""
    projects = Project.objects.filter(software_components__register_entry=component)
    for project in projects.distinct().order_by("pk"):
        project_evaluate(project=project)


def projects_of_courses_evaluate(*, projects: Collection[int], **_: object) -> None:
    """Receiver of training.signals.courses_changed: a course of the catalogue or one of its
    sessions changed, which P4 reads; the projects it supports are evaluated again."""
    for project in Project.objects.filter(pk__in=projects).order_by("pk"):
        project_evaluate(project=project)


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    office: Office,
    title: str,
    summary: str,
    plain_language_summary: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    budget: Decimal | None = None,
    processes_personal_data: bool | None = None,
    internal_note: str = "",
) -> Project:
    """Register a project as a draft of the actor's office (administrators: any office)."""
    if not rules.can_create_project(actor):
        raise PermissionDenied(_("Nur die Redaktion kann Projekte anlegen."))
    project = Project(
        slug=unique_slug(Project, title, fallback="projekt", reserved={"neu", "uebersicht"}),
        office=office,
        title=title,
        summary=summary,
        plain_language_summary=plain_language_summary,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        budget=budget,
        processes_personal_data=processes_personal_data,
        internal_note=internal_note,
    )
    if not rules.can_edit_project(actor, project):
        raise PermissionDenied(_("Sie können nur Projekte Ihres eigenen Amts anlegen."))
    _record(actor=actor, record=project, project=project, event=AuditEvent.CREATED)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: Project,
    title: str,
    summary: str,
    plain_language_summary: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    budget: Decimal | None = None,
    processes_personal_data: bool | None = None,
    internal_note: str = "",
    council_papers: list[Paper] | None = None,
) -> Project:
    """Change a project's description and council papers (None: left as they are); its
    state changes through project_transition."""
    _require_edit(actor, project)
    project.title = title
    project.summary = summary
    project.plain_language_summary = plain_language_summary
    project.contact_name = contact_name
    project.contact_email = contact_email
    project.contact_phone = contact_phone
    project.budget = budget
    project.processes_personal_data = processes_personal_data
    project.internal_note = internal_note
    links = {} if council_papers is None else {"council_papers": council_papers}
    _record(actor=actor, record=project, project=project, event=AuditEvent.CHANGED, links=links)
    return project


@transaction.atomic
def project_publish(*, actor: Actor, project: Project) -> Project:
    """Make a draft public; from now on its changes appear in the public history."""
    if not rules.can_publish_project(actor, project):
        raise PermissionDenied(_("Sie dürfen dieses Projekt nicht veröffentlichen."))
    if project.published_at is None:
        project.published_at = timezone.now()
        save_record(record=project, actor=actor, event=AuditEvent.PUBLISHED)
        project_evaluate(project=project)
    return project


@announces_refusal("project")
@transaction.atomic
def project_transition(
    *,
    actor: Actor,
    project: Project,
    to: ProjectStatus,
    council_decision: CouncilDecision | None = None,
) -> Project:
    """Move a project on in its lifecycle.

    Entering decision, implementation or operation passes the project's gate
    (registry.compliance.project_gate): while findings of gating principles are violated or
    lack evidence, the move is refused with GateRefusedError listing them, unless a council
    decision is given; that decision is recorded publicly with the findings it set aside.
    """
    _require_edit(actor, project)
    if to not in project.next_statuses():
        raise ValidationError(
            _("Von „%(current)s“ geht es nur weiter nach: %(allowed)s.")
            % {
                "current": project.get_status_display(),
                "allowed": ", ".join(str(s.label) for s in project.next_statuses()),
            }
        )
    try:
        project_gate(project=project, to=to)
    except GateRefusedError as refusal:
        if council_decision is None:
            raise
        override = CouncilOverride(
            project=project,
            to_status=to,
            decision_reference=council_decision.reference,
            decided_on=council_decision.decided_on,
            justification=council_decision.justification,
            overridden_findings=[finding.as_dict() for finding in refusal.findings],
        )
        override.full_clean()
        save_record(record=override, actor=actor, event=AuditEvent.CREATED)
    project.status = to
    save_record(record=project, actor=actor, event=AuditEvent.STATUS_CHANGED)
    project_evaluate(project=project)
    return project


def _project_of(part: RegisterPart) -> Project:
    return part.service.project if isinstance(part, AccessChannel) else part.project


@transaction.atomic
def project_part_save(*, actor: Actor, part: RegisterPart) -> RegisterPart:
    """Add or change something that belongs to a project (a service, a training offer …)."""
    project = _project_of(part)
    _require_edit(actor, project)
    _record(actor=actor, record=part, project=project, event=created_or_changed(part))
    return part


@transaction.atomic
def project_parts_save(*, actor: Actor, parts: Sequence[RegisterPart]) -> list[RegisterPart]:
    """Add several things to a project at once (a service's access channels): all or none."""
    return [project_part_save(actor=actor, part=part) for part in parts]


@transaction.atomic
def project_part_delete(*, actor: Actor, part: RegisterPart) -> None:
    """Remove something from a project; a service goes with its access channels."""
    project = _project_of(part)
    _require_edit(actor, project)
    if isinstance(part, Service):
        # The database would cascade to them silently; each removal gets its own entry.
        for channel in part.channels.all():
            delete_record(record=channel, actor=actor, event=AuditEvent.DELETED)
    delete_record(record=part, actor=actor, event=AuditEvent.DELETED)
    project_evaluate(project=project)


@transaction.atomic
def linked_record_save(
    *, actor: Actor, record: LinkedRecord, projects: list[Project], links: Links | None = None
) -> LinkedRecord:
    """Save a contract, processing, dataset or procedure and link it to ``projects`` (and
    through ``links`` to other records, audited: a contract's council papers).

    The actor must be allowed to edit every project it is linked to; each linked
    project is evaluated again, since its findings may rest on the record.
    """
    linked_now = list(record.projects.all()) if record.pk else []  # type: ignore[attr-defined]
    if not projects and not linked_now and not rules.can_keep_record_without_project(actor):
        raise PermissionDenied(_("Nur die Administration kann Vorgänge ohne Projekt anlegen."))
    # Whoever links or unlinks must be allowed to edit every project concerned.
    for project in {*projects, *linked_now}:
        _require_edit(actor, project)
    record.full_clean()
    save_record(record=record, actor=actor, event=created_or_changed(record), links=links)
    # unaudited: links are no audit_fields: the projects' pages show them
    record.projects.set(projects)  # type: ignore[attr-defined]
    for project in {*projects, *linked_now}:
        project_evaluate(project=project)
    return record
