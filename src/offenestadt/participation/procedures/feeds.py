"""Atom feeds of what happens in procedures: phases that begin, new comments and proposals,
the city's answers, published minutes and result reports. One per procedure, one for all.

Names of contributors stay out: a feed is copied by readers and kept beyond any retention.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.core.feeds import AtomFeed
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures import selectors
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Meeting,
    Phase,
    Procedure,
)
from offenestadt.participation.proposals.models import Proposal

FEED_LENGTH = 50


@dataclass(frozen=True)
class Event:
    """One thing that happened in a procedure, as a feed entry."""

    title: str
    description: str
    link: str
    guid: str
    when: datetime


def _guid(kind: str, pk: int) -> str:
    return f"urn:x-offenestadt:beteiligung:{kind}:{pk}"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _prefixed(procedure: Procedure, text: str, with_procedure: bool) -> str:
    return f"{procedure.title}: {text}" if with_procedure else text


def _comment_link(comment: Comment) -> str:
    if comment.paragraph is not None:
        path = reverse(
            "participation:document_detail",
            args=[comment.procedure.slug, comment.paragraph.document_id],
        )
    else:
        path = comment.procedure.get_absolute_url()
    return f"{path}#kommentar-{comment.pk}"


def _comment_event(comment: Comment, with_procedure: bool) -> Event:
    if comment.parent_id is not None:
        title = _("Antwort auf Kommentar %(number)s") % {"number": comment.parent_id}
    elif comment.paragraph is not None:
        title = _("Kommentar zu Absatz %(position)s von „%(document)s“") % {
            "position": comment.paragraph.position,
            "document": comment.paragraph.document.title,
        }
    else:
        title = _("Kommentar zum Verfahren")
    if comment.status == ContributionStatus.HIDDEN:
        description = _("Ausgeblendet: %(reason)s") % {"reason": comment.hidden_reason}
    else:
        description = comment.text
    return Event(
        title=_prefixed(comment.procedure, title, with_procedure),
        description=description,
        link=_comment_link(comment),
        guid=_guid("kommentar", comment.pk),
        when=comment.created_at,
    )


def _proposal_link(proposal: Proposal) -> str:
    return reverse("contributions:proposal_detail", args=[proposal.procedure.slug, proposal.pk])


def _proposal_events(proposal: Proposal, with_procedure: bool) -> list[Event]:
    hidden = proposal.status == ContributionStatus.HIDDEN
    title = (
        _("Vorschlag (ausgeblendet)")
        if hidden
        else _("Vorschlag: %(title)s") % {"title": proposal.title}
    )
    events = [
        Event(
            title=_prefixed(proposal.procedure, title, with_procedure),
            description=_("Ausgeblendet: %(reason)s") % {"reason": proposal.hidden_reason}
            if hidden
            else proposal.text,
            link=_proposal_link(proposal),
            guid=_guid("vorschlag", proposal.pk),
            when=proposal.created_at,
        )
    ]
    if proposal.answered_at is not None and not hidden:
        events.append(
            Event(
                title=_prefixed(
                    proposal.procedure,
                    _("Antwort der Stadt auf „%(title)s“: %(status)s")
                    % {"title": proposal.title, "status": proposal.get_proposal_status_display()},
                    with_procedure,
                ),
                description=proposal.answer,
                link=_proposal_link(proposal),
                guid=_guid("antwort", proposal.pk),
                when=proposal.answered_at,
            )
        )
    return events


def _phase_event(phase: Phase, with_procedure: bool) -> Event:
    kind = phase.get_kind_display()
    return Event(
        title=_prefixed(
            phase.procedure, _("Die Phase „%(kind)s“ beginnt") % {"kind": kind}, with_procedure
        ),
        description=_("%(kind)s vom %(start)s bis %(end)s. %(description)s")
        % {
            "kind": kind,
            "start": phase.starts_on.strftime("%d.%m.%Y"),
            "end": phase.ends_on.strftime("%d.%m.%Y"),
            "description": phase.description,
        },
        link=f"{phase.procedure.get_absolute_url()}#phase-{phase.pk}",
        guid=_guid("phase", phase.pk),
        when=_start_of(phase.starts_on),
    )


def _published_event(procedure: Procedure, with_procedure: bool) -> Event:
    return Event(
        title=_prefixed(procedure, _("Verfahren veröffentlicht"), with_procedure),
        description=procedure.summary,
        link=procedure.get_absolute_url(),
        guid=_guid("verfahren", procedure.pk),
        when=procedure.published_at or timezone.now(),
    )


def _report_event(procedure: Procedure, with_procedure: bool) -> Event:
    return Event(
        title=_prefixed(procedure, _("Ergebnisbericht veröffentlicht"), with_procedure),
        description=procedure.result_report,
        link=reverse("participation:procedure_results", args=[procedure.slug]),
        guid=_guid("ergebnisbericht", procedure.pk),
        when=procedure.result_report_published_at or timezone.now(),
    )


def _minutes_event(meeting: Meeting, with_procedure: bool) -> Event:
    return Event(
        title=_prefixed(
            meeting.procedure, _("Protokoll: %(title)s") % {"title": meeting.title}, with_procedure
        ),
        description=meeting.minutes,
        link=reverse("participation:meeting_detail", args=[meeting.procedure.slug, meeting.pk]),
        guid=_guid("protokoll", meeting.pk),
        when=meeting.minutes_published_at or timezone.now(),
    )


def procedure_events(procedures: QuerySet[Procedure], *, with_procedure: bool) -> list[Event]:
    """The newest events of the given procedures (published ones only), newest first.

    Each kind is read newest first and cut at the feed's length, so a busy consultation
    costs one short query per kind.
    """
    today = timezone.localdate()
    procedures = procedures.filter(published_at__isnull=False)
    events: list[Event] = [
        _published_event(procedure, with_procedure)
        for procedure in procedures.order_by("-published_at")[:FEED_LENGTH]
    ]
    reported = procedures.filter(result_report_published_at__isnull=False)
    events.extend(
        _report_event(procedure, with_procedure)
        for procedure in reported.order_by("-result_report_published_at")[:FEED_LENGTH]
    )
    phases = (
        Phase.objects.filter(procedure__in=procedures, starts_on__lte=today)
        .select_related("procedure")
        .order_by("-starts_on", "-pk")[:FEED_LENGTH]
    )
    events.extend(_phase_event(phase, with_procedure) for phase in phases)
    comments = (
        Comment.objects.filter(procedure__in=procedures)
        .select_related("procedure", "paragraph__document")
        .order_by("-created_at", "-pk")[:FEED_LENGTH]
    )
    events.extend(_comment_event(comment, with_procedure) for comment in comments)
    proposals = (
        Proposal.objects.filter(procedure__in=procedures)
        .select_related("procedure")
        .order_by("-created_at", "-pk")[:FEED_LENGTH]
    )
    answered = (
        Proposal.objects.filter(procedure__in=procedures, answered_at__isnull=False)
        .select_related("procedure")
        .order_by("-answered_at", "-pk")[:FEED_LENGTH]
    )
    seen: set[str] = set()
    for proposal in [*proposals, *answered]:
        for event in _proposal_events(proposal, with_procedure):
            if event.guid not in seen:
                seen.add(event.guid)
                events.append(event)
    minutes = (
        Meeting.objects.filter(procedure__in=procedures, minutes_published_at__isnull=False)
        .select_related("procedure")
        .order_by("-minutes_published_at", "-pk")[:FEED_LENGTH]
    )
    events.extend(_minutes_event(meeting, with_procedure) for meeting in minutes)
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:FEED_LENGTH]


class _EventFeed[T](AtomFeed[Event, T]):
    def item_title(self, item: Event) -> str:
        return item.title

    def item_description(self, item: Event) -> str:
        return item.description

    def item_link(self, item: Event) -> str:
        return item.link

    def item_guid(self, item: Event) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Event) -> datetime:
        return item.when

    def item_updateddate(self, item: Event) -> datetime:
        return item.when


class ProcedureFeed(_EventFeed[Procedure]):
    """What happens in one procedure."""

    def get_object(self, request: HttpRequest, slug: str) -> Procedure:
        return get_object_or_404(Procedure.objects.published(), slug=slug)

    def title(self, obj: Procedure) -> str:
        return _("Beteiligung: %(title)s") % {"title": obj.title}

    def subtitle(self, obj: Procedure) -> str:
        return obj.summary

    def link(self, obj: Procedure) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Procedure) -> list[Event]:
        return procedure_events(Procedure.objects.filter(pk=obj.pk), with_procedure=False)


class AllProceduresFeed(_EventFeed[None]):
    """What happens in every published procedure."""

    title = gettext_lazy("Beteiligung: alle Verfahren")
    subtitle = gettext_lazy(
        "Neue Phasen, Kommentare, Vorschläge, Antworten, Protokolle und Ergebnisberichte."
    )

    def link(self) -> str:
        return reverse("participation:procedure_list")

    def items(self) -> list[Event]:
        return procedure_events(selectors.procedure_list(user=AnonymousUser()), with_procedure=True)
