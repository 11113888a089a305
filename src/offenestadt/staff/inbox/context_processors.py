"""The number beside "Meine Aufgaben" in the navigation, for staff only."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from offenestadt.accounts.models import User
from offenestadt.accounts.rules import reads_internal
from offenestadt.staff.inbox.selectors import task_count


def inbox(request: HttpRequest) -> dict[str, object]:
    """Counted only when a page shows it, once per page; not before the second factor. An
    error page may be rendered before the user is known (a bad Host header): no count."""
    user = getattr(request, "user", None)
    # is_verified: set by django_otp's middleware.
    if not (isinstance(user, User) and reads_internal(user) and user.is_verified()):  # type: ignore[attr-defined]
        return {}
    return {"staff_task_count": SimpleLazyObject(lambda: task_count(user, timezone.localdate()))}
