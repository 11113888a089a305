from django.contrib import admin

from offenestadt.registry.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Read-only here: projects change through the register's pages, which audit them."""

    list_display = ("title", "office", "status", "published_at")
    list_filter = ("status", "office")
    search_fields = ("title", "summary")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
