"""A course of the office and its sessions, as the training tests need them."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.training import services
from offenestadt.training.models import Course, Session


def add_session(
    editor: User,
    course: Course,
    *,
    starts_at: datetime,
    capacity: int = 1,
    place: str = "Rathaus, Raum 101",
    district: str = "Mitte",
    step_free: bool = False,
) -> Session:
    return services.session_save(
        actor=editor,
        session=Session(
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place=place,
            district=district,
            step_free=step_free,
            capacity=capacity,
        ),
    )


@pytest.fixture
def course(editor: User, office: Office) -> Course:
    return services.course_save(
        actor=editor,
        course=Course(
            office=office,
            title="Online-Termine buchen",
            description="Termine im Bürgerbüro online buchen.",
            provider="Volkshochschule",
        ),
    )


@pytest.fixture
def session(editor: User, course: Course) -> Session:
    """One place, three days ahead."""
    return add_session(editor, course, starts_at=timezone.now() + timedelta(days=3))
