"""Published projects in the public REST API: the register, its parts and its findings."""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from offenestadt.accounts.models import Office
from offenestadt.charter.engine import Status
from offenestadt.charter.mentions import Mentions
from offenestadt.charter.models import CharterVersion
from offenestadt.core.api import (
    InvalidInput,
    LocalisedText,
    Paging,
    Problem,
    absolute_url,
    labelled,
    paged,
)
from offenestadt.council.api import MeetingRef, PaperRef
from offenestadt.council.models import Consultation, Meeting, Paper
from offenestadt.registry import selectors
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    AccessChannel,
    CouncilOverride,
    FundingSource,
    Hosting,
    Phase,
    Project,
    ProjectEvaluation,
    ProjectQuerySet,
    ProjectStatus,
    SoftwareComponent,
)
from offenestadt.registry.opening_hours import Weekday
from offenestadt.training.models import Course, Session
from offenestadt.training.selectors import NEXT_SESSIONS, courses_prefetch

router = Router(tags=["projects"])
ProjectSlug = PathEx[str, P(description="The project's slug, as in its page's address.")]


class OfficeOut(Schema):
    slug: str
    name: str


class StatusOut(Schema):
    code: ProjectStatus
    label: LocalisedText


def _public_findings(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kept findings as the public may see them: records that are not public by kind only."""
    return Mentions.of(AnonymousUser(), stored=stored).stored(stored)


class FindingOut(Schema):
    principle: str
    rule: str
    status: Status
    message: LocalisedText
    fix_url: str

    @staticmethod
    def resolve_fix_url(finding: dict[str, Any], context: dict[str, Any]) -> str:
        # Empty where nothing is to be done but wait.
        return absolute_url(context, finding["fix_url"]) if finding["fix_url"] else ""


class EvaluationOut(Schema):
    charter_version: int = Field(description="The number of the charter version applied.")
    evaluated_at: datetime
    is_current: bool
    findings: list[FindingOut]

    @staticmethod
    def resolve_charter_version(evaluation: ProjectEvaluation) -> int:
        return evaluation.charter_version.number

    @staticmethod
    def resolve_findings(evaluation: ProjectEvaluation) -> list[dict[str, Any]]:
        return _public_findings(evaluation.findings)


class FundingSourceOut(Schema):
    name: str
    amount: Decimal
    is_public: bool


class OpeningIntervalOut(Schema):
    day: Weekday
    opens: str = Field(description="HH:MM, local time.", pattern=r"^[0-9]{2}:[0-9]{2}$")
    closes: str = Field(
        description="HH:MM, after opens on the same day; 24:00 is midnight.",
        pattern=r"^[0-9]{2}:[0-9]{2}$",
    )


class AccessChannelOut(Schema):
    phase: Phase
    kind: Channel
    service_point: str | None = Field(
        description=(
            "The slug of the city's service point the channel leads to (see "
            "/service-points/{slug}); its address, district, hours and access are given here."
        )
    )
    place: str = Field(description="The address in person or by post, the number by phone.")
    district: str = Field(description="In person: the district the place is in.")
    hours: list[OpeningIntervalOut] = Field(
        description=(
            "Weekly hours: opening hours in person, phone hours by phone. Empty when not "
            "recorded (P5 then lacks evidence). Of a service point: its hours valid on the "
            "service's changes_on (after the project) or the day before (before it); today "
            "without changes_on."
        )
    )
    hours_per_week: float | None = Field(
        description="The hours in ``hours`` added up over a week; null when none are recorded."
    )
    hours_note: str = Field(
        description="What the hours do not say; before structured hours, their only record."
    )
    step_free: bool | None = Field(
        description="In person: reachable without steps (null: unknown)."
    )
    accessibility: str

    @staticmethod
    def resolve_service_point(channel: AccessChannel) -> str | None:
        return channel.service_point.slug if channel.service_point else None

    @staticmethod
    def resolve_place(channel: AccessChannel) -> str:
        return channel.facts.place

    @staticmethod
    def resolve_district(channel: AccessChannel) -> str:
        return channel.facts.district

    @staticmethod
    def resolve_hours(channel: AccessChannel) -> list[dict[str, str]]:
        return channel.weekly_hours.as_json()

    @staticmethod
    def resolve_step_free(channel: AccessChannel) -> bool | None:
        return channel.facts.step_free

    @staticmethod
    def resolve_accessibility(channel: AccessChannel) -> str:
        return channel.facts.accessibility

    @staticmethod
    def resolve_hours_per_week(channel: AccessChannel) -> float | None:
        minutes = channel.weekly_hours.minutes_per_week
        return round(minutes / 60, 2) if minutes else None


class ServiceOut(Schema):
    name: str
    description: str
    changes_on: date | None = Field(
        description="The day the access channels after the project take effect."
    )
    channels: list[AccessChannelOut]


class SoftwareComponentOut(Schema):
    name: str
    repository_url: str
    licence: str = Field(description="An SPDX licence expression.")
    publicly_funded: bool
    open_standards: str
    hosting: Hosting | None
    third_country_safeguard: str

    @staticmethod
    def resolve_hosting(component: SoftwareComponent) -> str | None:
        return component.hosting or None


class CourseSessionOut(Schema):
    starts_at: datetime
    ends_at: datetime
    place: str
    district: str
    step_free: bool
    capacity: int
    free_places: int
    html_url: str

    @staticmethod
    def resolve_free_places(session: Session) -> int:
        return session.free_places()

    @staticmethod
    def resolve_html_url(session: Session, context: dict[str, Any]) -> str:
        return absolute_url(context, session.get_absolute_url())


class CourseOut(Schema):
    """A course of the city's training catalogue (/schulungen/) that supports the project."""

    title: str
    provider: str
    accessibility: str
    cost: Decimal
    is_free: bool
    html_url: str
    next_sessions: list[CourseSessionOut] = Field(
        description=f"Its next sessions not yet begun, soonest first (at most {NEXT_SESSIONS})."
    )

    @staticmethod
    def resolve_html_url(course: Course, context: dict[str, Any]) -> str:
        return absolute_url(context, course.get_absolute_url())

    @staticmethod
    def resolve_next_sessions(course: Course) -> list[Session]:
        coming: list[Session] = course.next_sessions  # type: ignore[attr-defined]
        return coming[:NEXT_SESSIONS]


class RegisterAssetOut(Schema):
    """An asset of the city's infrastructure register that the project builds or uses."""

    id: int = Field(description="The asset's id (see /infrastructure/{asset_id}).")
    name: str
    kind: str = Field(
        description="wlan_access_point, freifunk_node, broadband_line, sensor or gateway."
    )
    location: str
    district: str
    owner: str | None = Field(
        description="public, municipal_company, private or community (null: not recorded)."
    )
    operator: str | None = Field(description="As owner.")
    publicly_funded: bool
    net_neutral: bool | None
    commercial_use: bool | None
    status: str = Field(description="planned, active, offline or retired.")
    url: str = Field(description="The asset in this API.")
    html_url: str

    @staticmethod
    def resolve_owner(asset: Any) -> str | None:
        return asset.owner or None

    @staticmethod
    def resolve_operator(asset: Any) -> str | None:
        return asset.operator or None

    @staticmethod
    def resolve_url(asset: Any, context: dict[str, Any]) -> str:
        return absolute_url(context, reverse("api:infrastructure_detail", args=[asset.pk]))

    @staticmethod
    def resolve_html_url(asset: Any, context: dict[str, Any]) -> str:
        return absolute_url(context, asset.get_absolute_url())


class CouncilOverrideOut(Schema):
    to_status: StatusOut
    decision_reference: str
    decided_on: date
    justification: str
    overridden_findings: list[FindingOut]
    recorded_at: datetime

    @staticmethod
    def resolve_to_status(override: CouncilOverride) -> dict[str, Any]:
        return labelled(ProjectStatus(override.to_status))

    @staticmethod
    def resolve_overridden_findings(override: CouncilOverride) -> list[dict[str, Any]]:
        return _public_findings(override.overridden_findings)


class LinkedRecordOut(Schema):
    title: str
    published_at: datetime


class ProcedureOut(LinkedRecordOut):
    result_report_published_at: datetime | None


class ProjectSummary(Schema):
    id: int
    slug: str = Field(description="The project's stable identifier.")
    title: str
    summary: str
    plain_language_summary: str
    office: OfficeOut
    status: StatusOut
    contact_name: str
    contact_email: str
    contact_phone: str
    budget: Decimal | None = Field(description="In euro.")
    public_funding_share: float | None = Field(
        description="The share of public money in the funding, 0 to 1 (null without funding)."
    )
    published_at: datetime
    html_url: str

    @staticmethod
    def resolve_status(project: Project) -> dict[str, Any]:
        return labelled(ProjectStatus(project.status))

    @staticmethod
    def resolve_public_funding_share(project: Project) -> float | None:
        share = project.public_funding_share()
        return None if share is None else round(float(share), 4)

    @staticmethod
    def resolve_html_url(project: Project, context: dict[str, Any]) -> str:
        return absolute_url(context, project.get_absolute_url())


class ProjectDetail(ProjectSummary):
    funding_sources: list[FundingSourceOut]
    services: list[ServiceOut]
    software_components: list[SoftwareComponentOut]
    courses: list[CourseOut] = Field(
        description="The training catalogue's courses that support the project."
    )
    infrastructure_assets: list[RegisterAssetOut] = Field(
        description="The assets of the city's infrastructure register that the project builds "
        "or uses (its P6 findings read them)."
    )
    overrides: list[CouncilOverrideOut] = Field(
        description="Council decisions that let the project pass a gate despite its findings."
    )
    participation_procedures: list[ProcedureOut]
    contracts: list[LinkedRecordOut]
    processing_activities: list[LinkedRecordOut]
    datasets: list[LinkedRecordOut]
    council_papers: list[PaperRef] = Field(
        description="The council's papers about the project (see /council/papers/{paper_id})."
    )
    council_meetings: list[MeetingRef] = Field(
        description="The meetings that deliberate those papers, by start."
    )

    @staticmethod
    def resolve_infrastructure_assets(project: Project) -> list[Any]:
        return list(project.register_assets.all())

    @staticmethod
    def resolve_council_papers(project: Project) -> list[Paper]:
        return list(project.council_papers.all())

    @staticmethod
    def resolve_council_meetings(project: Project) -> list[Meeting]:
        meetings = {
            consultation.meeting.pk: consultation.meeting
            for paper in project.council_papers.all()
            for consultation in paper.consultations.all()
            if consultation.meeting is not None
        }
        return sorted(
            meetings.values(),
            key=lambda m: (m.start is None, m.start or datetime.min.replace(tzinfo=UTC), m.pk),
        )

    @staticmethod
    def resolve_participation_procedures(project: Project) -> list[Any]:
        return _published(project.participation_procedures.all())

    @staticmethod
    def resolve_contracts(project: Project) -> list[Any]:
        return _published(project.contracts.all())

    @staticmethod
    def resolve_processing_activities(project: Project) -> list[Any]:
        return _published(project.processing_activities.all())

    @staticmethod
    def resolve_datasets(project: Project) -> list[Any]:
        return _published(project.datasets.all())


def _published(records: Any) -> list[Any]:
    """Linked records the public may see (prefetched, so filtered here)."""
    return [record for record in records if record.is_public_record()]


class ProjectPage(Schema):
    count: int = Field(description="How many projects match, over all pages.")
    limit: int
    offset: int
    items: list[ProjectSummary]


class ProjectFilters(Paging):
    status: ProjectStatus | None = Field(None, description="Projects in this state.")
    office: str | None = Field(None, description="The office's slug.")
    q: str | None = Field(None, description="Words in the title or summary.")
    principle: str | None = Field(
        None, description="A principle of the charter, e.g. P4: projects evaluated under it."
    )
    finding_status: Status | None = Field(
        None,
        description=(
            "Projects whose current evaluation gives this status to the principle (or to any "
            "principle); a principle's status is the worst among its findings."
        ),
    )


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _known_principles() -> set[str]:
    contents: Iterable[dict[str, Any]] = CharterVersion.objects.values_list("content", flat=True)
    return {principle["id"] for content in contents for principle in content["principles"]}


def _selection(filters: ProjectFilters) -> selectors.ProjectFilters:
    """The list's filters from the query, once the office and principle are known to exist."""
    if filters.office and not Office.objects.filter(slug=filters.office).exists():
        raise _invalid("office", f"There is no office '{filters.office}'.")
    if filters.principle is not None:
        known = _known_principles()
        if filters.principle not in known:
            raise _invalid(
                "principle",
                f"There is no principle '{filters.principle}'; "
                f"the charter has {', '.join(sorted(known)) or 'none'}.",
            )
    return selectors.ProjectFilters(
        status=filters.status,
        office=filters.office or "",
        q=filters.q or "",
        principle=filters.principle,
        finding=filters.finding_status,
    )


def _published_project(projects: ProjectQuerySet, slug: str) -> Project:
    # A draft does not exist for the API: the same answer as for a slug never used.
    project = projects.published().filter(slug=slug).first()
    if project is None:
        raise HttpError(404, f"There is no published project '{slug}'.")
    return project


@router.get("/projects", response={200: ProjectPage, 422: InvalidInput})
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, Any]:
    """Published projects by title, filtered and paged."""
    # The API shows what the public sees.
    projects = selectors.project_list(user=AnonymousUser(), filters=_selection(filters))
    return paged(projects.prefetch_related("funding_sources").order_by("title", "pk"), filters)


@router.get("/projects/{slug}", response={200: ProjectDetail, 404: Problem})
def project_detail(request: HttpRequest, slug: ProjectSlug) -> Project:
    """A published project with everything that belongs to it."""
    projects = Project.objects.select_related("office").prefetch_related(
        Prefetch("funding_sources", FundingSource.objects.order_by("pk")),
        Prefetch("services", selectors.services_with_access()),
        Prefetch("software_components", SoftwareComponent.objects.order_by("pk")),
        courses_prefetch(),
        "register_assets",
        Prefetch("overrides", CouncilOverride.objects.order_by("-recorded_at", "-pk")),
        "participation_procedures",
        "contracts",
        "processing_activities",
        "datasets",
        # Deleted in the council information system: no longer the project's.
        Prefetch("council_papers", Paper.objects.filter(deleted=False).order_by("reference", "pk")),
        Prefetch(
            "council_papers__consultations",
            Consultation.objects.filter(deleted=False, meeting__deleted=False).select_related(
                "meeting"
            ),
        ),
    )
    return _published_project(projects, slug)


@router.get("/projects/{slug}/findings", response={200: EvaluationOut, 404: Problem})
def project_findings(request: HttpRequest, slug: ProjectSlug) -> ProjectEvaluation:
    """The project's current evaluation against the charter."""
    project = _published_project(Project.objects.all(), slug)
    evaluation = (
        project.evaluations.filter(is_current=True).select_related("charter_version").first()
    )
    if evaluation is None:
        raise HttpError(404, f"The project '{slug}' has not been evaluated yet.")
    return evaluation


@router.get("/projects/{slug}/evaluations", response={200: list[EvaluationOut], 404: Problem})
def project_evaluations(request: HttpRequest, slug: ProjectSlug) -> list[ProjectEvaluation]:
    """Every evaluation the project has had, newest first: the history of its findings."""
    project = _published_project(Project.objects.all(), slug)
    return list(
        ProjectEvaluation.objects.visible_to(AnonymousUser())
        .filter(project=project)
        .select_related("charter_version")
        .order_by("-evaluated_at", "-pk")
    )
