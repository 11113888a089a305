"""Participation procedures in the public REST API: published procedures only, with their
phases, texts, meetings, the contributions counted by channel, and the result report."""

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError

from offenestadt.core.api import LocalisedText, Paging, Problem, labelled
from offenestadt.participation.procedures import selectors
from offenestadt.participation.procedures.figures import ChannelMix, channel_mixes, is_finished
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Document,
    Meeting,
    Paragraph,
    Phase,
    PhaseKind,
    Procedure,
)
from offenestadt.registry.channels import Channel

router = Router(tags=["participation"])
ProcedureSlug = PathEx[str, P(description="The procedure's slug, as in its page's address.")]


# Names start with "Participation": schema names are shared by every app's routers.


class ParticipationPhaseKindOut(Schema):
    code: PhaseKind
    label: LocalisedText


class ParticipationPhaseOut(Schema):
    kind: ParticipationPhaseKindOut
    starts_on: date
    ends_on: date
    description: str
    is_current: bool


class ParticipationChannelCountOut(Schema):
    channel: Channel
    comments: int
    proposals: int
    supports: int


class ParticipationCountsOut(Schema):
    """Contributions by the channel they came through; offline ones count like online ones."""

    comments: int
    proposals: int
    supports: int
    hidden: int = Field(description="Comments and proposals hidden with a public reason.")
    by_channel: list[ParticipationChannelCountOut]


class ParticipationProcedureSummary(Schema):
    slug: str = Field(description="The procedure's stable identifier.")
    title: str
    summary: str
    office: str | None
    projects: list[str] = Field(description="Slugs of the published projects it is about.")
    contract: int | None = Field(description="The published contract it is about, if any.")
    amends_charter: bool
    published_at: datetime
    starts_on: date | None
    ends_on: date | None = Field(description="The last day of the last phase.")
    current_phase: ParticipationPhaseKindOut | None
    finished: bool = Field(description="Whether the last phase has ended.")
    result_report_published_at: datetime | None
    counts: ParticipationCountsOut
    html_url: str


class ParticipationParagraphOut(Schema):
    position: int
    text: str
    comments: int = Field(description="Visible comments on the paragraph, replies included.")


class ParticipationDocumentOut(Schema):
    id: int
    title: str
    paragraphs: list[ParticipationParagraphOut]
    html_url: str


class ParticipationMeetingOut(Schema):
    title: str
    starts_at: datetime
    place: str
    accessibility: str
    minutes: str | None = Field(description="Once published.")
    minutes_published_at: datetime | None


class ParticipationProcedureDetail(ParticipationProcedureSummary):
    information: str
    phases: list[ParticipationPhaseOut]
    documents: list[ParticipationDocumentOut]
    meetings: list[ParticipationMeetingOut]
    result_report: str | None = Field(description="Once published.")


class ParticipationProcedurePage(Schema):
    count: int = Field(description="How many procedures there are, over all pages.")
    limit: int
    offset: int
    items: list[ParticipationProcedureSummary]


class ParticipationProcedureFilters(Paging):
    """Procedures are listed by title, a page at a time."""


def _counts(mix: ChannelMix) -> dict[str, Any]:
    return {
        "comments": mix.comments,
        "proposals": mix.proposals,
        "supports": mix.supports,
        "hidden": mix.hidden,
        "by_channel": [
            {
                "channel": row.channel,
                "comments": row.comments,
                "proposals": row.proposals,
                "supports": row.supports,
            }
            for row in mix.rows
        ],
    }


def _summary(request: HttpRequest, procedure: Procedure, mix: ChannelMix) -> dict[str, Any]:
    today = timezone.localdate()
    phases = list(procedure.phases.all())
    current = procedure.phase_on(today)
    contract = procedure.contract
    return {
        "slug": procedure.slug,
        "title": procedure.title,
        "summary": procedure.summary,
        "office": procedure.office.name if procedure.office else None,
        "projects": [p.slug for p in procedure.projects.all() if p.is_public_record()],
        "contract": contract.pk if contract and contract.is_public_record() else None,
        "amends_charter": procedure.amends_charter,
        "published_at": procedure.published_at,
        "starts_on": min((p.starts_on for p in phases), default=None),
        "ends_on": procedure.ends_on,
        "current_phase": labelled(PhaseKind(current.kind)) if current else None,
        "finished": is_finished(procedure, today),
        "result_report_published_at": procedure.result_report_published_at,
        "counts": _counts(mix),
        "html_url": request.build_absolute_uri(procedure.get_absolute_url()),
    }


def _procedures() -> Any:
    return (
        selectors.procedure_list(user=AnonymousUser())
        .select_related("office", "contract")
        .prefetch_related("phases", "projects")
    )


@router.get("/procedures", response=ParticipationProcedurePage)
def procedure_list(
    request: HttpRequest, filters: Query[ParticipationProcedureFilters]
) -> dict[str, Any]:
    """Published participation procedures by title, with their contributions by channel."""
    procedures = _procedures()
    page = list(procedures.order_by("title", "pk")[filters.offset : filters.offset + filters.limit])
    mixes = channel_mixes(procedure.pk for procedure in page)
    return {
        "count": procedures.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_summary(request, procedure, mixes[procedure.pk]) for procedure in page],
    }


@router.get("/procedures/{slug}", response={200: ParticipationProcedureDetail, 404: Problem})
def procedure_detail(request: HttpRequest, slug: ProcedureSlug) -> dict[str, Any]:
    """A published procedure with its phases, texts, meetings, counts and result report."""
    visible = Q(comments__status=ContributionStatus.VISIBLE)
    procedure = (
        _procedures()
        .prefetch_related(
            Prefetch(
                "documents",
                Document.objects.order_by("pk").prefetch_related(
                    Prefetch(
                        "paragraphs",
                        # A query that counts keeps no Meta.ordering: order it here.
                        Paragraph.objects.annotate(
                            comment_count=Count("comments", filter=visible)
                        ).order_by("position", "pk"),
                    )
                ),
            ),
            Prefetch("meetings", Meeting.objects.order_by("starts_at", "pk")),
        )
        .filter(slug=slug)
        .first()
    )
    if procedure is None:
        raise HttpError(404, f"There is no published procedure '{slug}'.")
    today = timezone.localdate()
    current = procedure.phase_on(today)
    phases: list[Phase] = list(procedure.phases.all())
    reported = procedure.result_report_published_at is not None
    return {
        **_summary(request, procedure, channel_mixes([procedure.pk])[procedure.pk]),
        "information": procedure.information,
        "phases": [
            {
                "kind": labelled(PhaseKind(phase.kind)),
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
                "description": phase.description,
                "is_current": phase == current,
            }
            for phase in phases
        ],
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "paragraphs": [
                    {
                        "position": paragraph.position,
                        "text": paragraph.text,
                        "comments": paragraph.comment_count,
                    }
                    for paragraph in document.paragraphs.all()
                ],
                "html_url": request.build_absolute_uri(
                    reverse("participation:document_detail", args=[procedure.slug, document.pk])
                ),
            }
            for document in procedure.documents.all()
        ],
        "meetings": [
            {
                "title": meeting.title,
                "starts_at": meeting.starts_at,
                "place": meeting.place,
                "accessibility": meeting.accessibility,
                "minutes": meeting.minutes if meeting.minutes_published_at else None,
                "minutes_published_at": meeting.minutes_published_at,
            }
            for meeting in procedure.meetings.all()
        ],
        "result_report": procedure.result_report if reported else None,
    }
