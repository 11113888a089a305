"""What holds a procedure's irreversible steps back: publishing the procedure, a meeting's
minutes or the result report, removing a phase, a text or a paragraph. Its pages show these
problems in place of the step's button, a step asked for anyway is refused before it is
confirmed, and the services refuse with the same gates.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from offenestadt.charter.gates import GateRefusedError, Problem
from offenestadt.core.gate_dates import refuse_deleting_history
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Document,
    Meeting,
    Paragraph,
    Phase,
    PhaseKind,
    Procedure,
)

# Phases during which contributions are taken: the result report comes after them.
CONTRIBUTION_PHASES = frozenset({PhaseKind.CONSULTATION, PhaseKind.VOTE})


def publication_problems(procedure: Procedure, today: date) -> list[Problem]:
    """What keeps a draft procedure from being published ``today`` (empty: nothing).

    It needs its phases, so that everyone knows when to take part, and none of them may have
    begun: a phase nobody could see would count for the charter's gates as participation that
    took place (core.gate_dates).
    """
    phases = list(procedure.phases.all())
    if not phases:
        return [
            Problem(
                _("Legen Sie vor der Veröffentlichung die Phasen mit ihren Daten an."),
                reverse("participation:phase_add", args=[procedure.slug]),
            )
        ]
    started = [phase for phase in phases if phase.starts_on < today]
    if started:
        return [
            Problem(
                _(
                    "Diese Phasen haben schon begonnen, bevor jemand das Verfahren sehen konnte: "
                    "%(phases)s. Verschieben Sie sie auf heute oder später und veröffentlichen "
                    "Sie dann."
                )
                % {"phases": ", ".join(str(phase) for phase in started)},
                reverse("participation:phase_edit", args=[procedure.slug, started[0].pk]),
            )
        ]
    return []


def publication_gate(procedure: Procedure, today: date) -> None:
    """Let the procedure be published, or raise GateRefusedError with what is missing."""
    if problems := publication_problems(procedure, today):
        raise GateRefusedError(problems)


def report_problems(procedure: Procedure, today: date) -> list[Problem]:
    """What keeps the result report from being published ``today`` (empty: nothing): it
    comes after the consultation and any vote, and only once every proposal has the city's
    answer."""
    slug = procedure.slug
    problems = []
    if procedure.published_at is None:
        problems.append(
            Problem(
                _("Das Verfahren ist nicht veröffentlicht."),
                reverse("participation:procedure_publish", args=[slug]),
            )
        )
    running = procedure.phases.filter(kind__in=CONTRIBUTION_PHASES, ends_on__gte=today)
    if running.exists():
        problems.append(
            Problem(
                _("Der Ergebnisbericht folgt erst, wenn Beteiligung und Abstimmung beendet sind.")
            )
        )
    unanswered = list(
        procedure.proposals.filter(status=ContributionStatus.VISIBLE, answered_at__isnull=True)
    )
    if unanswered:
        problems.append(
            Problem(
                _("Diese Vorschläge haben noch keine Antwort: %(titles)s.")
                % {"titles": ", ".join(proposal.title for proposal in unanswered)},
                reverse("contributions:proposal_answer", args=[slug, unanswered[0].pk]),
            )
        )
    return problems


def report_gate(procedure: Procedure, today: date) -> None:
    """Let the result report be published, or raise GateRefusedError with what is missing."""
    if problems := report_problems(procedure, today):
        raise GateRefusedError(problems)


def minutes_problems(meeting: Meeting, now: datetime) -> list[Problem]:
    """What keeps a meeting's minutes from being published ``now`` (empty: nothing)."""
    edit = reverse("participation:meeting_edit", args=[meeting.procedure.slug, meeting.pk])
    problems = []
    if not meeting.minutes.strip():
        problems.append(Problem(_("Schreiben Sie zuerst das Protokoll."), edit))
    if meeting.starts_at > now:
        problems.append(Problem(_("Das Protokoll folgt nach der Veranstaltung.")))
    return problems


def minutes_gate(meeting: Meeting, now: datetime) -> None:
    """Let the minutes be published, or raise GateRefusedError with what is missing."""
    if problems := minutes_problems(meeting, now):
        raise GateRefusedError(problems)


def phase_removal_gate(phase: Phase, today: date) -> None:
    """Let the phase be removed, or raise GateRefusedError. Once the procedure is public, a
    phase that has begun stays (core.gate_dates), and no removal may end the procedure
    before ``today``."""
    try:
        refuse_deleting_history(phase)
    except ValidationError as kept:
        raise GateRefusedError(kept.messages) from None
    procedure = phase.procedure
    if procedure.is_public_record() and phase.starts_on > today:
        last_day = procedure.phases.exclude(pk=phase.pk).aggregate(last=Max("ends_on"))["last"]
        if last_day is None or last_day < today:
            raise GateRefusedError(
                [
                    Problem(
                        _(
                            "Ohne diese Phase wäre das veröffentlichte Verfahren schon beendet; "
                            "verschieben Sie sie, statt sie zu entfernen."
                        ),
                        reverse("participation:phase_edit", args=[procedure.slug, phase.pk]),
                    )
                ]
            )


def _refuse_if_commented(comments_exist: bool, edit_url: str) -> None:
    if comments_exist:
        raise GateRefusedError(
            [
                Problem(
                    _(
                        "Zu diesem Text gibt es schon Kommentare; er bleibt stehen, damit sie "
                        "verständlich bleiben. Ändern Sie ihn stattdessen – die Änderung ist "
                        "öffentlich."
                    ),
                    edit_url,
                )
            ]
        )


def document_removal_gate(document: Document) -> None:
    """Let the text be removed, or raise GateRefusedError: once it is commented on, it stays."""
    _refuse_if_commented(
        Comment.objects.filter(paragraph__document=document).exists(),
        reverse("participation:document_detail", args=[document.procedure.slug, document.pk]),
    )


def paragraph_removal_gate(paragraph: Paragraph) -> None:
    """Let the paragraph be removed, or raise GateRefusedError: once commented on, it stays."""
    document = paragraph.document
    _refuse_if_commented(
        paragraph.comments.exists(),
        reverse(
            "participation:paragraph_edit",
            args=[document.procedure.slug, document.pk, paragraph.pk],
        ),
    )
