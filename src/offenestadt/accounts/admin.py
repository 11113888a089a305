from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.admin import OTPAdminSite

from offenestadt.accounts.models import Office, User

# Django's admin site, for administrators only, behind the second factor.
admin.site.__class__ = OTPAdminSite


@admin.register(User)
class CityUserAdmin(UserAdmin):
    list_display = ("username", "role", "office", "is_active")
    list_filter = ("role", "office", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets[:1],
        (None, {"fields": ("role", "office")}),
        *UserAdmin.fieldsets[1:2],
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "email")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
