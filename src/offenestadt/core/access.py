"""How pages answer those who may not see or change something, the same in every app."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from offenestadt.accounts.models import Actor


def reads_internal(user: Actor) -> bool:
    """Staff of the city: they see drafts and internal records."""
    return user.is_authenticated and user.reads_internal_records


def staff_only(user: Actor, allowed: bool = True) -> None:
    """Pages without a record: absent outside the administration, forbidden inside it."""
    if not reads_internal(user):
        raise Http404
    if not allowed:
        raise PermissionDenied
