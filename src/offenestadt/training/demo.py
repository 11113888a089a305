"""Demo catalogue: a free course of the digitalisation office with two coming sessions, one
of them full with a waiting list."""

from datetime import timedelta

from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.training import services
from offenestadt.training.models import Channel, Course, Session


def load_demo() -> list[str]:
    if Course.objects.exists():
        return []
    editor = User.objects.get(username="redaktion")
    if editor.office is None:
        return []
    course = services.course_save(
        actor=editor,
        course=Course(
            office=editor.office,
            title="Das Smartphone im Alltag",
            description="Wir richten gemeinsam ein Smartphone ein, sprechen über sichere "
            "Passwörter und buchen einen Termin im Bürgerbüro online. Leihgeräte sind da.",
            easy_read_summary="Sie lernen Ihr Handy kennen. Sie brauchen kein Wissen. "
            "Der Kurs kostet nichts.",
            provider="Stadtbücherei",
            audience="Menschen ohne Vorkenntnisse, besonders Seniorinnen und Senioren",
            accessibility="Induktionsschleife; Gebärdensprache auf Anfrage",
        ),
    )
    *_, session = demo_sessions(
        editor,
        course,
        [
            (7, "Zentralbücherei, Gustav-Heinemann-Platz 2, Raum 3", "Mitte", True, 12),
            (14, "Stadtteilbücherei Wattenscheid, Saarlandstraße 26", "Wattenscheid", False, 1),
        ],
        hour=10,
    )
    # The later session is full: one place, one on the waiting list.
    for name in ("Frau K.", "Herr L."):
        services.registration_create(
            session=session, name=name, contact="0234 000000", channel=Channel.PHONE, actor=editor
        )
    return []


# A demo session: days from today, place, district, step-free, places.
type DemoSession = tuple[int, str, str, bool, int]


def demo_sessions(
    editor: User, course: Course, sessions: list[DemoSession], *, hour: int
) -> list[Session]:
    """Sessions of two hours at ``hour`` in the city, days ahead as the demo needs them
    (also for the projects' courses in the project register's demo)."""
    start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return [
        services.session_save(
            actor=editor,
            session=Session(
                course=course,
                starts_at=start + timedelta(days=days),
                ends_at=start + timedelta(days=days, hours=2),
                place=place,
                district=district,
                step_free=step_free,
                capacity=capacity,
            ),
        )
        for days, place, district, step_free, capacity in sessions
    ]
