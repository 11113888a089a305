"""Who someone is to the platform, asked the same way in every app's rules: the roles
read here and nowhere else outside ``accounts``. Each app's ``rules.py`` builds its own
permissions from these; pages answer refusals the same way everywhere (``staff_only``)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from offenestadt.accounts.models import Actor, Office, Role, User


def is_admin(user: Actor) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_dpo(user: Actor) -> bool:
    """The data protection officer."""
    return user.is_authenticated and user.role == Role.DPO


def editor_office(user: Actor) -> int | None:
    """The office an editor works for; None for anyone else (and an editor without one)."""
    if user.is_authenticated and user.role == Role.EDITOR:
        return user.office_id
    return None


def is_editor(user: Actor) -> bool:
    """An editor of an office: who registers and changes that office's records."""
    return editor_office(user) is not None


def offices_served_by(user: Actor) -> QuerySet[Office]:
    """The offices a user registers records for: an editor's own; for admins, all."""
    if is_admin(user):
        return Office.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Office.objects.filter(pk=office_id)
    return Office.objects.none()


def data_protection_officers() -> QuerySet[User]:
    """The active accounts of the data protection officer (who reviews)."""
    return User.objects.filter(role=Role.DPO, is_active=True)


def administrators() -> QuerySet[User]:
    return User.objects.filter(role=Role.ADMIN, is_active=True)


def editors_of(office_id: int) -> QuerySet[User]:
    """The active editors of an office: who keeps its records."""
    return User.objects.filter(role=Role.EDITOR, office_id=office_id, is_active=True)


def reads_internal(user: Actor) -> bool:
    """Staff of the city: they see drafts and internal records."""
    return user.is_authenticated and user.reads_internal_records


def staff_only(user: Actor, allowed: bool = True) -> None:
    """Pages without a record: absent outside the administration, forbidden inside it."""
    if not reads_internal(user):
        raise Http404
    if not allowed:
        raise PermissionDenied
