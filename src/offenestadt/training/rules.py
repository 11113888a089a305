"""Who keeps the training catalogue: editors of the course's office, and the administration.
They also enter registrations received by phone or in person and see the lists."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, Office
from offenestadt.accounts.rules import editor_office, is_admin, offices_served_by
from offenestadt.training.models import Course


def can_create_course(user: Actor) -> bool:
    return is_admin(user) or editor_office(user) is not None


def can_edit_course(user: Actor, course: Course) -> bool:
    """Editors change their own office's courses, their sessions and registrations; admins any."""
    if is_admin(user):
        return True
    office_id = editor_office(user)
    return office_id is not None and office_id == course.office_id


def offices_for_courses(user: Actor) -> QuerySet[Office]:
    return offices_served_by(user)


def courses_editable_by(user: Actor) -> QuerySet[Course]:
    if is_admin(user):
        return Course.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Course.objects.filter(office_id=office_id)
    return Course.objects.none()
