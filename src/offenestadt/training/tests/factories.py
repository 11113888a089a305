"""Courses and sessions as stored; tests of the write path use the services instead."""

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import factory
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.training import services
from offenestadt.training.models import Course, Session

if TYPE_CHECKING:
    from offenestadt.registry.models import Project


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    """A free course; with ``project`` given, of the project's office."""

    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Kurs {n}")
    description = "Wir lernen gemeinsam."
    provider = "Volkshochschule"
    cost = Decimal(0)
    office = factory.LazyAttribute(lambda course: course.project.office)


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    """A session of two hours, a week from now unless ``starts_at`` is given."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=2))
    place = "Stadtbücherei, Raum 2"
    capacity = 10


def saved_course(
    project: "Project", editor: User, *, cost: Decimal = Decimal(0), days: int | None = 7
) -> Course:
    """A course for ``project`` with a session ``days`` from now (None: no session), stored
    the way the pages store them (through the services, audited)."""
    course = services.course_save(
        actor=editor,
        course=Course(
            office=project.office,
            project=project,
            title="App ausprobieren",
            description="Wir probieren die App gemeinsam aus.",
            provider="Volkshochschule",
            cost=cost,
        ),
    )
    if days is not None:
        start = timezone.now() + timedelta(days=days)
        services.session_save(
            actor=editor,
            session=Session(
                course=course,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                place="Volkshochschule, Raum 1",
                capacity=10,
            ),
        )
    return course
