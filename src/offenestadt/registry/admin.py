from django.contrib import admin
from django.http import HttpRequest

from offenestadt.registry.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    """Read-only here: projects change through the register's pages, which audit them."""

    list_display = ("title", "office", "status", "published_at")
    list_filter = ("status", "office")
    search_fields = ("title", "summary")

    def has_change_permission(self, request: HttpRequest, obj: Project | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Project | None = None) -> bool:
        return False
