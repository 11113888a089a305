"""Who may do what in the catalogue: editors of the publishing office and administrators
describe and publish datasets, for the offices and projects they work for."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_editor
from offenestadt.opendata.catalogue.models import Dataset


def can_create_dataset(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_edit_dataset(user: Actor, dataset: Dataset) -> bool:
    if is_admin(user):
        return True
    office = editor_office(user)
    return office is not None and office == dataset.publisher_id


def datasets_editable_by(user: Actor) -> QuerySet[Dataset]:
    """The datasets ``can_edit_dataset`` allows: an editor's office's; for admins, all."""
    if is_admin(user):
        return Dataset.objects.all()
    office = editor_office(user)
    if office is not None:
        return Dataset.objects.filter(publisher_id=office)
    return Dataset.objects.none()
