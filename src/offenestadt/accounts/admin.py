from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from offenestadt.accounts.models import Office, User

# Django's admin site, for administrators only, behind the second factor.
admin.site.__class__ = OTPAdminSite


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
