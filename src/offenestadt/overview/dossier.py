"""A council member's dossier for one meeting: for every smart-city item on its agenda (an
agenda item whose papers are linked to projects or contracts) the project's charter scorecard
as last evaluated, its contracts with where their data goes and what is redacted, its
processing activities, the result reports of its participation and its open findings, each
with the day it was published. Everything in it is public: it is read as a visitor without an
account would see it (no drafts, no contact data)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone

from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.mentions import Mentions
from offenestadt.charter.scorecard import Scorecard
from offenestadt.contracts.models import Contract, Redaction
from offenestadt.contracts.selectors import (
    DataRegion,
    contract_data_region,
    contracts_with_data_flows,
)
from offenestadt.council import selectors as council
from offenestadt.council.models import AgendaItem, Meeting, Paper
from offenestadt.overview.report import contract_places
from offenestadt.participation.procedures.models import Procedure
from offenestadt.processing.models import DataCategory, ProcessingActivity
from offenestadt.registry.models import Project, ProjectEvaluation

OPEN = (Status.VIOLATED, Status.MISSING)


@dataclass(frozen=True)
class ContractEntry:
    contract: Contract
    region: DataRegion
    places: list[str]
    redactions: list[Redaction]


@dataclass(frozen=True)
class OpenFinding:
    finding: Finding
    # Since when the public has seen it: the first of the evaluations in a row that hold it,
    # or the project's publication if that came later.
    published_at: datetime


@dataclass(frozen=True)
class ProjectEntry:
    project: Project
    evaluation: ProjectEvaluation | None
    scorecard: Scorecard
    open_findings: list[OpenFinding]
    contracts: list[ContractEntry]
    activities: list[ProcessingActivity]
    procedures: list[Procedure]


@dataclass(frozen=True)
class ItemEntry:
    item: AgendaItem
    papers: list[Paper]
    projects: list[ProjectEntry]
    # Contracts linked to the papers themselves and not already shown with a project.
    contracts: list[ContractEntry]


@dataclass(frozen=True)
class Dossier:
    meeting: Meeting
    generated_at: datetime
    items: list[ItemEntry]


def _contracts(contracts: list[Contract]) -> list[ContractEntry]:
    """The contracts as the public sees them, with their data flows and redactions."""
    found = (
        contracts_with_data_flows(user=AnonymousUser())
        .filter(pk__in=[contract.pk for contract in contracts])
        .prefetch_related(Prefetch("redactions", queryset=Redaction.objects.order_by("pk")))
    )
    return [
        ContractEntry(
            contract,
            contract_data_region(contract),
            contract_places(contract),
            list(contract.redactions.all()),
        )
        for contract in found
    ]


def _open_findings(
    project: Project, evaluations: list[ProjectEvaluation], findings: list[Finding]
) -> list[OpenFinding]:
    """The findings of the newest evaluation that are violated or lack evidence, each with
    the moment it was first published (``evaluations`` newest first)."""
    result = []
    for finding in findings:
        if finding.status not in OPEN:
            continue
        since = evaluations[0].evaluated_at
        for evaluation in evaluations[1:]:
            held = any(
                (data["principle"], data["rule"], data["status"])
                == (finding.principle, finding.rule, str(finding.status))
                for data in evaluation.findings
            )
            if not held:
                break
            since = evaluation.evaluated_at
        published = project.published_at or since  # only published projects reach here
        result.append(OpenFinding(finding, max(since, published)))
    return result


def _project(project: Project) -> ProjectEntry:
    public = AnonymousUser()
    evaluations = list(
        project.evaluations.select_related("charter_version").order_by("-evaluated_at", "-pk")
    )
    current = next((e for e in evaluations if e.is_current), None)
    stored = current.findings if current else []
    findings = [
        Finding.from_dict(data) for data in Mentions.of(public, stored=stored).stored(stored)
    ]
    return ProjectEntry(
        project=project,
        evaluation=current,
        scorecard=Scorecard.build(findings, current.charter_version if current else None),
        open_findings=_open_findings(project, evaluations, findings),
        contracts=_contracts(list(project.contracts.visible_to(public))),
        activities=list(
            project.processing_activities.visible_to(public).prefetch_related(
                Prefetch("categories", queryset=DataCategory.objects.order_by("pk"))
            )
        ),
        procedures=list(project.participation_procedures.visible_to(public)),
    )


def _item(item: AgendaItem) -> ItemEntry | None:
    """The item's entry, None if no paper of it is linked to a public project or contract."""
    papers = [consultation.paper for consultation in item.consultations.all()]
    linked = council.linked_records(papers, AnonymousUser())
    if not linked["projects"] and not linked["contracts"]:
        return None
    projects = [_project(project) for project in linked["projects"]]
    shown = {entry.contract.pk for project in projects for entry in project.contracts}
    own = [contract for contract in linked["contracts"] if contract.pk not in shown]
    return ItemEntry(item, papers, projects, _contracts(own))


def meeting_dossier(meeting: Meeting, *, now: datetime | None = None) -> Dossier:
    """The dossier of ``meeting`` (one of :func:`offenestadt.council.selectors.meetings`)."""
    items = [_item(item) for item in council.meeting_with_agenda(meeting)]
    return Dossier(meeting, now or timezone.now(), [entry for entry in items if entry])
