"""Who may register and change the city's service points. Services enforce these; forms and
pages only ask them."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_editor, reads_internal
from offenestadt.registry.servicepoints.models import ServicePoint


def can_view_service_point(user: Actor, point: ServicePoint) -> bool:
    return point.is_public_record() or reads_internal(user)


def can_create_service_point(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_edit_service_point(user: Actor, point: ServicePoint) -> bool:
    """Editors change their own office's service points; administrators any."""
    if is_admin(user):
        return True
    office_id = editor_office(user)
    return office_id is not None and office_id == point.office_id


# Publishing, closing and deleting follow the same line as editing.
can_publish_service_point = can_edit_service_point
can_close_service_point = can_edit_service_point
can_delete_service_point = can_edit_service_point


def service_points_linkable_by(user: Actor) -> QuerySet[ServicePoint]:
    """The service points an access channel may name: any the user sees (a project of one
    office reaches people at another office's citizens' office)."""
    return ServicePoint.objects.visible_to(user)
