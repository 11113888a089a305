"""Reads of the training catalogue that the public list, the course pages, the calendar
feed and the project pages (page and API) share."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from offenestadt.training.models import (
    Course,
    Notice,
    NoticeKind,
    Registration,
    RegistrationStatus,
    Session,
)


@dataclass(frozen=True)
class SessionFilters:
    district: str = ""
    from_date: date | None = None
    free_only: bool = False
    step_free_only: bool = False


def upcoming_sessions(filters: SessionFilters | None = None) -> QuerySet[Session]:
    """Sessions that have not begun (or begin on or after ``from_date``), soonest first,
    each with its count of confirmed places."""
    filters = filters or SessionFilters()
    start: datetime = timezone.now()
    if filters.from_date is not None:
        day_start = timezone.make_aware(datetime.combine(filters.from_date, time.min))
        start = max(start, day_start)
    sessions = (
        Session.objects.with_confirmed()
        .filter(starts_at__gte=start, cancelled_at__isnull=True)
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    if filters.district:
        sessions = sessions.filter(district=filters.district)
    if filters.free_only:
        sessions = sessions.filter(confirmed_count__lt=F("capacity"))  # type: ignore[misc]
    if filters.step_free_only:
        sessions = sessions.filter(step_free=True)
    return sessions


def places_ahead() -> dict[str, int]:
    """Places offered in the sessions still ahead (called-off ones left out): ``free`` in
    courses without cost, ``paid`` in the others."""
    sessions = Session.objects.filter(starts_at__gte=timezone.now(), cancelled_at__isnull=True)
    return sessions.aggregate(
        free=Coalesce(Sum("capacity", filter=Q(course__cost=0)), 0),
        paid=Coalesce(Sum("capacity", filter=Q(course__cost__gt=0)), 0),
    )


def districts() -> list[str]:
    """The districts where sessions take place, for the list's filter."""
    found = Session.objects.exclude(district="").values_list("district", flat=True)
    return sorted(set(found))


def course_sessions(course: Course) -> QuerySet[Session]:
    return Session.objects.with_confirmed().filter(course=course).order_by("starts_at", "pk")


def session_registrations(session: Session) -> QuerySet[Registration]:
    """For the office's staff: the people registered, those with a place first."""
    return session.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by(
        "-status", "created_at", "pk"
    )


def calls_due(session: Session) -> QuerySet[Notice]:
    """For the office's staff: whom with a phone number to tell what about this session.
    A reminder, a place or a new time is no news for someone who has cancelled meanwhile,
    nor a reminder or a new time of a session called off."""
    calls = Notice.objects.to_call().filter(registration__session=session)
    calls = calls.exclude(
        kind__in=[NoticeKind.REMINDER, NoticeKind.MOVED_UP, NoticeKind.SESSION_MOVED],
        registration__status=RegistrationStatus.CANCELLED,
    )
    if session.is_cancelled:
        calls = calls.exclude(kind__in=[NoticeKind.REMINDER, NoticeKind.SESSION_MOVED])
    return calls.select_related("registration__session__course").order_by(
        "registration__created_at", "pk"
    )


# How many coming sessions a project's page and API show of each course.
NEXT_SESSIONS = 3


def with_next_sessions(courses: QuerySet[Course]) -> QuerySet[Course]:
    """``courses`` by title, each with ``next_sessions``: its sessions not yet begun nor
    called off, soonest first, with their count of confirmed places (slice to NEXT_SESSIONS
    to show)."""
    coming = (
        Session.objects.with_confirmed()
        .filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True)
        .order_by("starts_at", "pk")
    )
    return courses.order_by("title", "pk").prefetch_related(
        Prefetch("sessions", coming, to_attr="next_sessions")
    )


def project_courses(project_id: int) -> list[Course]:
    """The catalogue's courses that support a project, each with its next sessions."""
    return list(with_next_sessions(Course.objects.filter(project_id=project_id)))


def courses_prefetch(lookup: str = "courses") -> Prefetch[Any]:
    """Prefetch a project's courses (``lookup`` from the project) with their next sessions."""
    return Prefetch(lookup, with_next_sessions(Course.objects.all()))
