"""Accounts, roles and offices. Residents need no account for most things; staff always do."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Einwohner*in")
    EDITOR = "editor", _("Redaktion (Verwaltung)")
    DPO = "dpo", _("Datenschutzbeauftragte*r")
    COUNCIL = "council", _("Ratsmitglied")
    ADMIN = "admin", _("Administration")


# Roles that act for the city: they sign in with a password and a TOTP code.
SECOND_FACTOR_ROLES = frozenset({Role.EDITOR, Role.DPO, Role.ADMIN})
# Roles that may see internal records (drafts) of the city.
INTERNAL_READER_ROLES = frozenset({Role.EDITOR, Role.DPO, Role.ADMIN})


class Office(models.Model):
    """An office (Amt) of the city administration that is responsible for records."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("Amt")
        verbose_name_plural = _("Ämter")

    def __str__(self) -> str:
        return self.name


class CityUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(_("Rolle"), max_length=20, choices=Role, default=Role.RESIDENT)
    office = models.ForeignKey(
        Office,
        verbose_name=_("Amt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )

    objects: ClassVar[CityUserManager] = CityUserManager()

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(role="editor") | models.Q(office__isnull=False),
                name="editor_has_office",
                violation_error_message=_("Ein Redaktionskonto gehört zu einem Amt."),
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only administrators reach Django's admin site.
        self.is_staff = self.role == Role.ADMIN
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    @property
    def reads_internal_records(self) -> bool:
        return self.role in INTERNAL_READER_ROLES


# Whoever acts: a signed-in person or an anonymous visitor. Rules decide what each may do.
type Actor = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind login_required: its user is an account."""

    user: User


class SignInEvent(models.Model):
    """A sign-in attempt with a password: the security log of the city's accounts.

    The IP address is kept only as long as the platform's register says (a few days);
    the event itself a little longer. Account names that match no account are not kept.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")
    succeeded = models.BooleanField()
    ip_address = models.GenericIPAddressField(null=True)

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "failed"
        return f"sign-in {outcome} at {self.created_at:%Y-%m-%d %H:%M}"
