"""Reads of the council's records that other apps share: which meeting decides a paper.

`deliberation` is the one answer to "when does the council deal with this paper?": the
contract gates, the charter's P3 rules, the record pages, the /rat/ pages and the API all
read it, so they never disagree about the date. The /rat/ pages read the records here too:
only what the council information system has not deleted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from offenestadt.accounts.models import Actor
from offenestadt.council.models import (
    AgendaItem,
    Consultation,
    File,
    Meeting,
    Organization,
    Paper,
)


@dataclass(frozen=True)
class Deliberation:
    """Where and when a paper is deliberated, and the decision if the system records one."""

    paper: Paper
    consultation: Consultation
    meeting: Meeting
    agenda_item: AgendaItem | None
    # The meeting's start, and its day in the city's time zone (the day days in public count to).
    start: datetime
    date: date

    @property
    def result(self) -> str:
        return self.agenda_item.result if self.agenda_item else ""

    @property
    def resolution_text(self) -> str:
        return self.agenda_item.resolution_text if self.agenda_item else ""

    @property
    def decided(self) -> bool:
        """Whether the system records a decision (a result or a resolution text) for the item."""
        return bool(self.result or self.resolution_text)

    @property
    def web(self) -> str:
        """Its page in the council information system: the meeting's, else the paper's."""
        return self.meeting.web or self.paper.web


def deliberation(paper: Paper, today: date | None = None) -> Deliberation | None:
    """The meeting where the paper is deliberated, its agenda item and decision; None if none.

    Only consultations that are not deleted, on a meeting that is neither deleted nor
    cancelled and has a start, count. Where the system marks consultations as the deciding
    ones (`authoritative`), only those count. Of these: the first that records a decision;
    else the next meeting from `today` on; else (all past, none recorded) the last one.
    A paper moved to a later meeting thus moves the date.
    """
    today = today or timezone.localdate()
    found = sorted(
        (
            _of(paper, c, meeting, start)
            for c in _consultations(paper)
            if not c.deleted
            and (meeting := c.meeting) is not None
            and not (meeting.deleted or meeting.cancelled)
            and (start := meeting.start) is not None
        ),
        key=lambda d: (d.start, d.consultation.pk),
    )
    if any(d.consultation.authoritative for d in found):
        found = [d for d in found if d.consultation.authoritative]
    decided = [d for d in found if d.decided]
    if decided:
        return decided[0]
    upcoming = [d for d in found if d.date >= today]
    if upcoming:
        return upcoming[0]
    return found[-1] if found else None


def deliberation_start(today: date) -> Subquery:
    """`deliberation` in SQL, for a query of papers (OuterRef "pk"): the start of the meeting
    it picks, NULL where it picks none. For filtering many records by the date in one query;
    tests hold the two to the same answer. The order it sorts the paper's consultations by:
    deciding ones first (where the system marks any), then recorded decisions, then meetings
    from ``today`` on (the next first), then past meetings (the last first)."""
    live = Consultation.objects.filter(
        paper=OuterRef("pk"),
        deleted=False,
        meeting__deleted=False,
        meeting__cancelled=False,
        meeting__start__isnull=False,
    )
    decided = Q(
        agenda_item__deleted=False,
        agenda_item__meeting_id=F("meeting_id"),
    ) & (Q(agenda_item__result__gt="") | Q(agenda_item__resolution_text__gt=""))
    group = Case(
        When(decided, then=Value(0)),
        When(meeting__start__date__gte=today, then=Value(1)),
        default=Value(2),
    )
    ahead = Q(group__lt=2)
    ordered = live.alias(group=group).order_by(
        Case(When(authoritative=True, then=Value(0)), default=Value(1)),
        "group",
        Case(When(ahead, then=F("meeting__start"))),
        Case(When(ahead, then=F("pk"))),
        Case(When(~ahead, then=F("meeting__start"))).desc(),
        F("pk").desc(),
    )
    return Subquery(ordered.values("meeting__start")[:1])


def deliberations_prefetch(papers: str) -> Prefetch[Any]:
    """What a list prefetches so that `deliberation` asks nothing more of each paper reached
    through ``papers`` (the relation's name, e.g. "council_papers")."""
    return Prefetch(
        f"{papers}__consultations",
        queryset=Consultation.objects.select_related("meeting", "agenda_item"),
    )


def first_deliberation(papers: Iterable[Paper], today: date | None = None) -> Deliberation | None:
    """Of several papers, the deliberation that comes first (the strictest for a deadline)."""
    found = [d for _, d in paper_deliberations(papers, today) if d is not None]
    return min(found, key=lambda d: d.start, default=None)


def paper_deliberations(
    papers: Iterable[Paper], today: date | None = None
) -> list[tuple[Paper, Deliberation | None]]:
    """The papers not deleted, each with its deliberation (None: on no meeting yet)."""
    return [(paper, deliberation(paper, today)) for paper in papers if not paper.deleted]


def _consultations(paper: Paper) -> Iterable[Consultation]:
    if "consultations" in getattr(paper, "_prefetched_objects_cache", {}):
        return paper.consultations.all()
    return paper.consultations.select_related("meeting", "agenda_item")


def _of(
    paper: Paper, consultation: Consultation, meeting: Meeting, start: datetime
) -> Deliberation:
    item = consultation.agenda_item
    # An item of another meeting is left over from before the paper moved.
    if item is not None and (item.deleted or item.meeting_id != consultation.meeting_id):
        item = None
    return Deliberation(paper, consultation, meeting, item, start, timezone.localdate(start))


def papers_matching(query: str) -> list[Paper]:
    """The not-deleted papers with this reference number, else those whose title holds it."""
    papers = Paper.objects.filter(deleted=False).order_by("reference", "pk")
    return list(papers.filter(reference__iexact=query) or papers.filter(name__icontains=query))


def meetings() -> QuerySet[Meeting]:
    """Meetings with their place and the bodies that meet (those not deleted)."""
    return (
        Meeting.objects.filter(deleted=False)
        .select_related("location")
        .prefetch_related(
            Prefetch(
                "organizations",
                queryset=Organization.objects.filter(deleted=False).order_by("name"),
            )
        )
    )


def upcoming_meetings(now: datetime) -> QuerySet[Meeting]:
    """Meetings still to come, the next first; a meeting that began today is still to come."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return meetings().filter(start__gte=today).order_by("start", "pk")


def past_meetings(now: datetime) -> QuerySet[Meeting]:
    """Meetings before today, the latest first; those without a date last."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return meetings().exclude(start__gte=today).order_by(F("start").desc(nulls_last=True), "-pk")


def by_month(items: list[Meeting]) -> list[tuple[date | None, list[Meeting]]]:
    """The meetings grouped by the month (local time) they start in, in their order."""
    groups: list[tuple[date | None, list[Meeting]]] = []
    for meeting in items:
        month = timezone.localtime(meeting.start).date().replace(day=1) if meeting.start else None
        if groups and groups[-1][0] == month:
            groups[-1][1].append(meeting)
        else:
            groups.append((month, [meeting]))
    return groups


def meeting_with_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in its order, each item with the papers it deliberates."""
    consultations = (
        Consultation.objects.filter(deleted=False, paper__deleted=False)
        .select_related("paper")
        .order_by("pk")
    )
    return list(
        meeting.agenda_items.filter(deleted=False)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("consultations", queryset=consultations),
            Prefetch("files", queryset=File.objects.filter(deleted=False).order_by("pk")),
        )
    )


def meeting_files(meeting: Meeting) -> QuerySet[File]:
    return meeting.files.filter(deleted=False).order_by("pk")


def linked_records(papers: Iterable[Paper], user: Actor) -> dict[str, list[Any]]:
    """The smart-city projects and contracts linked to the papers that ``user`` may see, each
    once, by title: what the meeting and paper pages list and the meeting's dossier holds."""
    projects: dict[int, Any] = {}
    contracts: dict[int, Any] = {}
    for paper in papers:
        projects |= {p.pk: p for p in paper.projects.visible_to(user).order_by("title")}
        contracts |= {c.pk: c for c in paper.contracts.visible_to(user).order_by("title")}
    return {"projects": list(projects.values()), "contracts": list(contracts.values())}


def papers() -> QuerySet[Paper]:
    return Paper.objects.filter(deleted=False)


def paper_consultations(paper: Paper) -> QuerySet[Consultation]:
    """The paper's way through the council's bodies, by meeting date; unknown meetings last."""
    return (
        paper.consultations.filter(deleted=False)
        .select_related("meeting", "agenda_item")
        .order_by("meeting__start", "pk")
    )


def paper_files(paper: Paper) -> QuerySet[File]:
    return paper.files.filter(deleted=False).order_by("pk")
