"""The council's public pages: the meetings calendar (also as iCalendar), each meeting with
its agenda, each paper with its way through the council's bodies."""

from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.core import ical
from offenestadt.council import selectors
from offenestadt.council.models import Meeting

PAST_PAGE_SIZE = 50


def calendar(request: HttpRequest) -> HttpResponse:
    """The meetings to come, then the past ones page by page; each by month."""
    now = timezone.now()
    past = Paginator(selectors.past_meetings(now), PAST_PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    upcoming = list(selectors.upcoming_meetings(now)) if past.number == 1 else []
    return render(
        request,
        "council/calendar.html",
        {
            "upcoming": selectors.by_month(upcoming),
            "past": selectors.by_month(list(past.object_list)),
            "page": past,
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.meetings(), pk=pk)
    agenda = selectors.meeting_with_agenda(meeting)
    papers = [c.paper for item in agenda for c in item.consultations.all()]
    return render(
        request,
        "council/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "files": selectors.meeting_files(meeting),
            "linked": selectors.linked_records(papers, request.user),
        },
    )


def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(selectors.papers(), pk=pk)
    return render(
        request,
        "council/paper_detail.html",
        {
            "paper": paper,
            "consultations": selectors.paper_consultations(paper),
            "files": selectors.paper_files(paper),
            "linked": selectors.linked_records([paper], request.user),
        },
    )


def _event(meeting: Meeting, start: datetime) -> ical.Event:
    names = ", ".join(organization.name for organization in meeting.organizations.all())
    return ical.Event(
        uid=meeting.oparl_id,
        start=start,
        end=meeting.end,
        summary=meeting.name or names or _("Sitzung"),
        location=str(meeting.location) if meeting.location else "",
        url=settings.SITE_URL + reverse("council:meeting", args=[meeting.pk]),
        cancelled=meeting.cancelled,
        modified=meeting.modified,
    )


def meetings_ics(request: HttpRequest) -> HttpResponse:
    """Every meeting with a date, for calendar programs (RFC 5545)."""
    meetings = selectors.meetings().exclude(start=None).order_by("start", "pk")
    body = ical.calendar(
        (_event(meeting, meeting.start) for meeting in meetings if meeting.start),
        product=f"-//{settings.SITE_NAME}//Sitzungskalender//DE",
        name=_("Sitzungen des Rats"),
    )
    return HttpResponse(body, content_type=ical.MEDIA_TYPE)
