"""The council's records, as imported from its information system (OParl), in the public REST
API: meetings with their agenda, papers with their consultations, the council and its
committees with their members. Records the information system reports deleted are left out;
every record carries its OParl id, so that a client can link back to the source."""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from offenestadt.core.api import InvalidInput, Paging, Problem, paged
from offenestadt.core.request_input import MAX_RECORD_ID
from offenestadt.council.models import (
    AgendaItem,
    Consultation,
    File,
    Meeting,
    Membership,
    OParlObject,
    Organization,
    Paper,
)

router = Router(tags=["council"])
MeetingId = PathEx[int, P(description="The meeting's id on this platform.")]
PaperId = PathEx[int, P(description="The paper's id on this platform.")]

OPARL_ID = "The record's id in the council information system (its OParl URL)."


class OrganizationRef(Schema):
    id: int
    oparl_id: str = Field(description=OPARL_ID)
    name: str


class MemberOut(Schema):
    """A member as the information system publishes them: name and role, no contact data."""

    name: str
    role: str = Field(description="The role in the body, e.g. chair (empty: member).")
    start_date: date | None
    end_date: date | None = Field(description="Null while the membership lasts.")

    @staticmethod
    def resolve_name(membership: Membership) -> str:
        return membership.person.name


class OrganizationOut(OrganizationRef):
    short_name: str
    organization_type: str
    classification: str
    start_date: date | None
    end_date: date | None
    web: str = Field(description="Its page in the council information system.")
    members: list[MemberOut]

    @staticmethod
    def resolve_members(organization: Organization) -> list[Membership]:
        return list(organization.memberships.all())


class CouncilLocationOut(Schema):
    description: str
    street_address: str
    room: str
    postal_code: str
    locality: str


class FileOut(Schema):
    oparl_id: str = Field(description=OPARL_ID)
    name: str
    file_name: str
    mime_type: str
    date: date | None
    role: str = Field(description="Which of its owner's documents it is, e.g. mainFile.")
    access_url: str = Field(description="Where the council information system serves it.")
    download_url: str


class MeetingRef(Schema):
    id: int
    oparl_id: str = Field(description=OPARL_ID)
    name: str
    start: datetime | None
    cancelled: bool


class MeetingSummary(MeetingRef):
    end: datetime | None
    meeting_state: str
    location: CouncilLocationOut | None
    organizations: list[OrganizationRef]
    web: str = Field(description="Its page in the council information system.")

    @staticmethod
    def resolve_organizations(meeting: Meeting) -> list[Organization]:
        return list(meeting.organizations.all())


class PaperRef(Schema):
    id: int
    oparl_id: str = Field(description=OPARL_ID)
    reference: str = Field(description="The paper's reference number (Drucksachennummer).")
    name: str


class AgendaItemOut(Schema):
    oparl_id: str = Field(description=OPARL_ID)
    number: str
    order: int
    name: str
    public: bool | None = Field(description="Deliberated in public (null: not published).")
    result: str
    resolution_text: str
    start: datetime | None
    end: datetime | None
    papers: list[PaperRef] = Field(description="The papers deliberated under this item.")
    files: list[FileOut]

    @staticmethod
    def resolve_papers(item: AgendaItem) -> list[Paper]:
        return [consultation.paper for consultation in item.consultations.all()]

    @staticmethod
    def resolve_files(item: AgendaItem) -> list[File]:
        return list(item.files.all())


class MeetingDetail(MeetingSummary):
    agenda: list[AgendaItemOut] = Field(description="The agenda items in their order.")
    files: list[FileOut] = Field(description="Invitation, minutes and other documents.")

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> list[AgendaItem]:
        return list(meeting.agenda_items.all())

    @staticmethod
    def resolve_files(meeting: Meeting) -> list[File]:
        return list(meeting.files.all())


class AgendaItemRef(Schema):
    oparl_id: str = Field(description=OPARL_ID)
    number: str
    name: str
    result: str


class DeliberationOut(Schema):
    """Where and when the council deliberates a record's paper (council.selectors.deliberation):
    the first of its papers' meetings, with the agenda item and the decision if recorded."""

    date: Annotated[date, Field(description="The meeting's day in the city's time zone.")]
    paper: PaperRef
    meeting: MeetingRef
    agenda_item: AgendaItemRef | None
    decided: bool = Field(description="Whether the council information system records a decision.")
    result: str
    resolution_text: str
    web: str = Field(description="The meeting's (else the paper's) page in the council system.")


class PaperSummary(PaperRef):
    date: date | None
    paper_type: str
    web: str = Field(description="Its page in the council information system.")


class ConsultationOut(Schema):
    oparl_id: str = Field(description=OPARL_ID)
    role: str = Field(description="What the body does with the paper, e.g. decides, advises.")
    authoritative: bool | None = Field(description="Whether the body decides (null: unknown).")
    meeting: MeetingRef | None = Field(description="Null while the meeting is not published.")
    agenda_item: AgendaItemRef | None

    @staticmethod
    def resolve_meeting(consultation: Consultation) -> Meeting | None:
        meeting = consultation.meeting
        return None if meeting is None or meeting.deleted else meeting

    @staticmethod
    def resolve_agenda_item(consultation: Consultation) -> AgendaItem | None:
        item = consultation.agenda_item
        return None if item is None or item.deleted else item


class PaperDetail(PaperSummary):
    consultations: list[ConsultationOut] = Field(
        description="Its deliberations, by the meetings' dates."
    )
    files: list[FileOut]

    @staticmethod
    def resolve_files(paper: Paper) -> list[File]:
        return list(paper.files.all())


class MeetingPage(Schema):
    count: int = Field(description="How many meetings match, over all pages.")
    limit: int
    offset: int
    items: list[MeetingSummary]


class PaperPage(Schema):
    count: int = Field(description="How many papers match, over all pages.")
    limit: int
    offset: int
    items: list[PaperSummary]


class MeetingFilters(Paging):
    # "from" is a Python keyword: the field has another name, the parameter this one.
    starts_from: date | None = Field(
        None, alias="from", description="Meetings on this day (YYYY-MM-DD) or later."
    )
    to: date | None = Field(None, description="Meetings on this day (YYYY-MM-DD) or earlier.")
    organization: int | None = Field(
        None, ge=0, le=MAX_RECORD_ID, description="The id of a body (council, committee)."
    )


class PaperFilters(Paging):
    q: str | None = Field(None, description="Words in the reference number or the title.")


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _current[M: OParlObject](model: type[M]) -> QuerySet[M]:
    return model._default_manager.filter(deleted=False)


def _files() -> Prefetch[Any]:
    return Prefetch("files", _current(File).order_by("pk"))


def _meetings() -> QuerySet[Meeting]:
    return (
        _current(Meeting)
        .select_related("location")
        .prefetch_related(Prefetch("organizations", _current(Organization).order_by("name")))
        .order_by(F("start").asc(nulls_last=True), "pk")
    )


@router.get("/council/meetings", response={200: MeetingPage, 422: InvalidInput})
def council_meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> dict[str, Any]:
    """The council's meetings by start, filtered by day and body, and paged."""
    if filters.starts_from and filters.to and filters.starts_from > filters.to:
        raise _invalid("to", "The last day is before the first ('from').")
    meetings = _meetings()
    if filters.starts_from:
        meetings = meetings.filter(start__date__gte=filters.starts_from)
    if filters.to:
        meetings = meetings.filter(start__date__lte=filters.to)
    if filters.organization is not None:
        if not _current(Organization).filter(pk=filters.organization).exists():
            raise _invalid("organization", f"There is no body {filters.organization}.")
        meetings = meetings.filter(organizations=filters.organization)
    return paged(meetings, filters)


@router.get("/council/meetings/{meeting_id}", response={200: MeetingDetail, 404: Problem})
def council_meeting_detail(request: HttpRequest, meeting_id: MeetingId) -> Meeting:
    """A meeting with its agenda, the papers on it and its documents."""
    consultations = _current(Consultation).filter(paper__deleted=False).select_related("paper")
    meeting = (
        _meetings()
        .prefetch_related(
            Prefetch("agenda_items", _current(AgendaItem).order_by("order", "pk")),
            Prefetch("agenda_items__consultations", consultations.order_by("pk")),
            Prefetch("agenda_items__files", _current(File).order_by("pk")),
            _files(),
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise HttpError(404, f"There is no meeting {meeting_id}.")
    return meeting


@router.get("/council/papers", response={200: PaperPage, 422: InvalidInput})
def council_paper_list(request: HttpRequest, filters: Query[PaperFilters]) -> dict[str, Any]:
    """The council's papers, newest first, searched and paged."""
    papers = _current(Paper).order_by(F("date").desc(nulls_last=True), "-pk")
    if filters.q:
        papers = papers.filter(Q(reference__icontains=filters.q) | Q(name__icontains=filters.q))
    return paged(papers, filters)


@router.get("/council/papers/{paper_id}", response={200: PaperDetail, 404: Problem})
def council_paper_detail(request: HttpRequest, paper_id: PaperId) -> Paper:
    """A paper with its consultations (where and when it is deliberated) and documents."""
    consultations = (
        _current(Consultation)
        .select_related("meeting", "agenda_item")
        .order_by(F("meeting__start").asc(nulls_last=True), "pk")
    )
    paper = (
        _current(Paper)
        .prefetch_related(
            Prefetch("consultations", consultations),
            _files(),
        )
        .filter(pk=paper_id)
        .first()
    )
    if paper is None:
        raise HttpError(404, f"There is no paper {paper_id}.")
    return paper


@router.get("/council/organizations", response=list[OrganizationOut])
def council_organization_list(request: HttpRequest) -> list[Organization]:
    """The council and its committees, factions and other bodies, with their members."""
    memberships = (
        _current(Membership)
        .filter(person__deleted=False)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    organizations = _current(Organization).prefetch_related(Prefetch("memberships", memberships))
    return list(organizations.order_by("name", "pk"))
