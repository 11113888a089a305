from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from offenestadt.accounts.models import Office, User


class CityAdminSite(OTPAdminSite):  # type: ignore[misc]  # django-otp has no type hints
    """Django's admin site, for administrators only, behind the second factor."""

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One way in for everyone: the sign-in page with its throttle and second factor. The
        # admin's own login form would check passwords without counting them.
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))


admin.site.__class__ = CityAdminSite


@admin.register(User)
class CityUserAdmin(UserAdmin[User]):
    list_display = ("username", "role", "office", "is_active")
    list_filter = ("role", "office", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (None, {"fields": ("role", "office")}),
        (_("Persönliche Angaben"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "role", "office", "password1", "password2")}),)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ("name", "slug", "email")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
