"""Who may do what with projects, and which projects a user may link records to. Services
enforce these; forms offer what they allow; templates only ask them."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_editor, reads_internal
from offenestadt.registry.models import Project


def can_view_project(user: Actor, project: Project) -> bool:
    if project.is_public_record():
        return True
    return reads_internal(user)


def can_create_project(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_edit_project(user: Actor, project: Project) -> bool:
    """Editors change their own office's projects; administrators any."""
    if is_admin(user):
        return True
    office_id = editor_office(user)
    return office_id is not None and office_id == project.office_id


# Publishing and withdrawing follow the same line as editing.
can_publish_project = can_edit_project


def projects_editable_by(user: Actor) -> QuerySet[Project]:
    """The projects ``can_edit_project`` allows: an editor's office's; for admins, all."""
    if is_admin(user):
        return Project.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Project.objects.filter(office_id=office_id)
    return Project.objects.none()


def projects_linkable_by(user: Actor) -> QuerySet[Project]:
    """The projects a user may link a contract, processing activity, dataset or procedure
    to: those they may edit, since a link changes what the project is judged on."""
    return projects_editable_by(user)


def can_keep_record_without_project(user: Actor) -> bool:
    """A contract, processing activity, dataset or procedure serves at least one project;
    only administrators may save one without (the platform's own, say)."""
    return is_admin(user)
