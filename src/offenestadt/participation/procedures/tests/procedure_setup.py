"""Procedures for the tests of procedures, comments, pages and exports, set up through the
services (the write path under test), with a text of three paragraphs."""

from datetime import timedelta

from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.participation.procedures import services
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Paragraph,
    Phase,
    PhaseKind,
    Procedure,
)
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

TEXT = (
    "Die Sensoren messen stündlich.\n\n"
    "Die Messwerte erscheinen als offene Daten.\n\n"
    "Nach fünf Jahren wird geprüft."
)


def consultation(
    editor: User,
    *,
    slug: str = "bodenfeuchte",
    project: Project | None = None,
    days: tuple[int, int] = (-3, 10),
    information_days: tuple[int, int] | None = (-10, -4),
    publish: bool = True,
) -> Procedure:
    """A procedure of the editor's office with an information phase, a consultation phase
    (``days`` from today), and a text to comment on."""
    today = timezone.localdate()
    procedure = Procedure(
        slug=slug,
        title=f"Beteiligung {slug}",
        summary="Was soll mit den Messwerten geschehen?",
        information="Die Sensoren messen nur die Erde.",
        office=editor.office,
    )
    project = project or ProjectFactory.create(office=editor.office)
    services.procedure_save(actor=editor, procedure=procedure, projects=[project])
    if information_days is not None:
        services.phase_save(
            actor=editor,
            phase=Phase(
                procedure=procedure,
                kind=PhaseKind.INFORMATION,
                starts_on=today + timedelta(days=information_days[0]),
                ends_on=today + timedelta(days=information_days[1]),
            ),
        )
    services.phase_save(
        actor=editor,
        phase=Phase(
            procedure=procedure,
            kind=PhaseKind.CONSULTATION,
            starts_on=today + timedelta(days=days[0]),
            ends_on=today + timedelta(days=days[1]),
        ),
    )
    services.document_create(
        actor=editor, document=Document(procedure=procedure, title="Entwurf"), text=TEXT
    )
    if publish:
        # Published on the day its first phase began (a phase cannot start before that).
        first = min(days[0], information_days[0] if information_days else days[0])
        services.procedure_publish(
            actor=editor, procedure=procedure, today=today + timedelta(days=first)
        )
    return procedure


def paragraph(procedure: Procedure, position: int) -> Paragraph:
    return Paragraph.objects.get(document__procedure=procedure, position=position)


def info_evening(procedure: Procedure, *, starts_in: timedelta, minutes: str = "") -> Meeting:
    """The procedure's information evening in the town hall, stored as is (one in the past
    as it was announced while it was ahead)."""
    return Meeting.objects.create(
        procedure=procedure,
        title="Infoabend",
        starts_at=timezone.now() + starts_in,
        place="Rathaus",
        accessibility="stufenlos",
        minutes=minutes,
    )


def end_consultation(procedure: Procedure, *, days_ago: int = 1) -> None:
    """Move every phase into the past, keeping their order and lengths."""
    shift = procedure.ends_on - (timezone.localdate() - timedelta(days=days_ago))  # type: ignore[operator]
    for phase in procedure.phases.all():
        phase.starts_on -= shift
        phase.ends_on -= shift
        phase.save()
