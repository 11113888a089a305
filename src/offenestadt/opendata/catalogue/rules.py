"""Who may do what in the catalogue: editors of the publishing office and administrators
describe and publish datasets, for the offices and projects they work for."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, Office
from offenestadt.accounts.rules import editor_office, is_admin, is_editor
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.registry.models import Project


def can_create_dataset(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_edit_dataset(user: Actor, dataset: Dataset) -> bool:
    if is_admin(user):
        return True
    office = editor_office(user)
    return office is not None and office == dataset.publisher_id


def may_leave_projects_empty(user: Actor) -> bool:
    """Administrators may describe a dataset without a project; an editor's serves one."""
    return is_admin(user)


def editable_datasets(user: Actor) -> QuerySet[Dataset]:
    """The datasets a person may add data to: their office's, or all for administrators."""
    if is_admin(user):
        return Dataset.objects.all()
    office = editor_office(user)
    if office is not None:
        return Dataset.objects.filter(publisher_id=office)
    return Dataset.objects.none()


def projects_for_datasets(user: Actor) -> QuerySet[Project]:
    """The projects a user may link datasets to: their office's; for admins, all."""
    if is_admin(user):
        return Project.objects.all()
    office = editor_office(user)
    if office is not None:
        return Project.objects.filter(office_id=office)
    return Project.objects.none()


def offices_for_datasets(user: Actor) -> QuerySet[Office]:
    """The offices a user may publish for: their own; for admins, all."""
    if is_admin(user):
        return Office.objects.all()
    if user.is_authenticated and user.office_id is not None:
        return Office.objects.filter(pk=user.office_id)
    return Office.objects.none()
