"""Who may do what with projects. Services enforce these; templates only ask them."""

from offenestadt.accounts.models import Actor, Role
from offenestadt.accounts.rules import reads_internal
from offenestadt.registry.models import Project


def can_view_project(user: Actor, project: Project) -> bool:
    if project.is_public_record():
        return True
    return reads_internal(user)


def can_create_project(user: Actor) -> bool:
    return user.is_authenticated and user.role in {Role.EDITOR, Role.ADMIN}


def can_edit_project(user: Actor, project: Project) -> bool:
    """Editors change their own office's projects; administrators any."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.EDITOR and user.office_id == project.office_id


# Publishing and withdrawing follow the same line as editing.
can_publish_project = can_edit_project
