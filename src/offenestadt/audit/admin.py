from django.contrib import admin
from django.http import HttpRequest

from offenestadt.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the trail is appended to by the services, never edited by hand."""

    list_display = (
        "seq",
        "created_at",
        "action",
        "event",
        "actor_role",
        "object_label",
        "is_public",
    )
    list_filter = ("action", "event", "actor_role", "object_type", "is_public")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
