"""What holds a procedure's irreversible steps back: publishing the procedure, publishing a
meeting's minutes. Its pages show these problems in place of the step's button, a step asked
for anyway is refused before it is confirmed, and the services refuse with the same gates.
"""

from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from offenestadt.charter.gates import GateRefusedError, Problem
from offenestadt.participation.procedures.models import Meeting, Procedure


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
