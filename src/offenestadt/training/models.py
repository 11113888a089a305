"""The city's catalogue of digital training (charter principle P4): courses, their sessions
as real dates with places and capacity, and the registrations for them.

Courses and sessions are public records, changed through the audit path. Registrations are
personal data (a name or pseudonym and one way to reach the person): never public, never in
the audit trail, erased on schedule after the session ends (see ``retention``).
"""

import re
import secrets
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Office


class Course(models.Model):
    """A training course the city offers or supports; free unless a cost is entered."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="courses", verbose_name=_("Dienststelle")
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    easy_read_summary = models.TextField(
        _("Zusammenfassung in Leichter Sprache"),
        max_length=2000,
        blank=True,
        help_text=_("Kurze Sätze, ein Gedanke pro Satz."),
    )
    provider = models.CharField(_("Anbieter"), max_length=200)
    audience = models.CharField(
        _("Für wen"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel: Seniorinnen und Senioren, ohne Vorkenntnisse."),
    )
    accessibility = models.CharField(
        _("Barrierefreiheit"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel: Induktionsschleife, Gebärdensprache auf Anfrage."),
    )
    language = models.CharField(_("Sprache"), max_length=100, default="Deutsch")
    cost = models.DecimalField(
        _("Kosten in Euro"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("0 heißt kostenlos; die Charta sieht kostenlose Schulungen vor."),
    )
    # The project the course supports (P4: a project that changes a service offers one).
    project = models.ForeignKey(
        "registry.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("Zugehöriges Projekt"),
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "office",
        "title",
        "description",
        "easy_read_summary",
        "provider",
        "audience",
        "accessibility",
        "language",
        "cost",
        "project",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("Schulung")
        verbose_name_plural = _("Schulungen")
        ordering: ClassVar = ["title", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="training_course_cost_gte_0")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course", args=[self.pk])

    def is_public_record(self) -> bool:
        return True

    @property
    def is_free(self) -> bool:
        return self.cost == 0


class SessionQuerySet(models.QuerySet["Session"]):
    def with_confirmed(self) -> "SessionQuerySet":
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            )
        )


class Session(models.Model):
    """One date of a course: when, where, and for how many people."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("Schulung")
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=300, help_text=_("Die Adresse und der Raum."))
    district = models.CharField(_("Stadtbezirk"), max_length=100, blank=True)
    step_free = models.BooleanField(_("Stufenlos erreichbar"), default=False)
    capacity = models.PositiveIntegerField(_("Plätze"))
    attended_count = models.PositiveIntegerField(
        _("Teilgenommen"),
        null=True,
        blank=True,
        help_text=_("Nur die Zahl der Teilnehmenden, nach dem Termin."),
    )
    cancelled_at = models.DateTimeField(_("Abgesagt am"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "course",
        "starts_at",
        "ends_at",
        "place",
        "district",
        "step_free",
        "capacity",
        "attended_count",
        "cancelled_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering: ClassVar = ["starts_at", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_session_capacity_gte_1",
                violation_error_message=_("Ein Termin hat mindestens einen Platz."),
            ),
        ]

    def __str__(self) -> str:
        start = formats.date_format(timezone.localtime(self.starts_at), "DATETIME_FORMAT")
        return f"{self.course.title}, {start}"

    def get_absolute_url(self) -> str:
        return reverse("training:session", args=[self.pk])

    def is_public_record(self) -> bool:
        return True

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def open_for_registration(self) -> bool:
        return self.cancelled_at is None and self.starts_at > timezone.now()

    def confirmed(self) -> int:
        if hasattr(self, "confirmed_count"):
            return int(self.confirmed_count)
        return self.registrations.filter(status=RegistrationStatus.CONFIRMED).count()

    def free_places(self) -> int:
        return max(self.capacity - self.confirmed(), 0)


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PHONE = "phone", _("per Telefon")
    IN_PERSON = "in_person", _("vor Ort")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("angemeldet")
    WAITING = "waiting", _("auf der Warteliste")
    CANCELLED = "cancelled", _("abgemeldet")


PHONE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")


def is_email(contact: str) -> bool:
    """Whether a (valid) contact is an e-mail address; else it is a phone number."""
    return "@" in contact


def _is_contact(value: str) -> bool:
    """An e-mail address, or a phone number with at least five digits."""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return False
        return True
    return bool(PHONE.match(value)) and sum(c.isdigit() for c in value) >= 5


def _cancel_token() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """Someone's place (or place on the waiting list) at a session; no account needed."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("Termin"),
    )
    name = models.CharField(
        _("Name oder Pseudonym"),
        max_length=200,
        help_text=_("Damit die Kursleitung Sie ansprechen kann; ein Vorname genügt."),
    )
    contact = models.CharField(
        _("E-Mail-Adresse oder Telefonnummer"),
        max_length=200,
        help_text=_("Für Änderungen am Termin, eine Erinnerung und wenn ein Platz frei wird."),
    )
    channel = models.CharField(_("Angemeldet"), max_length=10, choices=Channel)
    status = models.CharField(_("Stand"), max_length=10, choices=RegistrationStatus)
    created_at = models.DateTimeField(_("Angemeldet am"), default=timezone.now)
    cancel_token = models.CharField(max_length=64, unique=True, default=_cancel_token)
    # The language of the pages the person registered on: their e-mails are in it.
    language = models.CharField(_("Sprache"), max_length=10, default="de")
    # Set by retention once the session is long enough over: name and contact are gone.
    erased = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(_("Anmeldung %(number)s") % {"number": self.pk})

    def clean(self) -> None:
        self.name = self.name.strip()
        self.contact = self.contact.strip()
        if self.contact and not _is_contact(self.contact):
            raise ValidationError(
                {
                    "contact": _(
                        "Bitte eine E-Mail-Adresse (name@beispiel.de) oder eine Telefonnummer "
                        "(nur Ziffern, Leerzeichen, +, /, - und Klammern) angeben."
                    )
                }
            )

    def get_cancel_url(self) -> str:
        return reverse("training:cancel", args=[self.cancel_token])

    @property
    def by_email(self) -> bool:
        return is_email(self.contact)


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Erinnerung an den Termin")
    MOVED_UP = "moved_up", _("Von der Warteliste nachgerückt")
    CANCELLED = "cancelled", _("Anmeldung storniert")
    SESSION_CANCELLED = "session_cancelled", _("Termin abgesagt")
    SESSION_MOVED = "session_moved", _("Termin verlegt")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def to_call(self) -> "NoticeQuerySet":
        """What staff still have to tell people who gave a phone number."""
        return self.filter(done_at__isnull=True, registration__erased=False).exclude(
            registration__contact__contains="@"
        )


class Notice(models.Model):
    """Something a registered person must be told (a reminder, a cancellation, a place from
    the waiting list): by e-mail through the worker, or by staff on the phone. At most one of
    each kind per registration; ``done_at`` says it was sent or the person was called.
    Personal data as the registration is: never public, never in the audit trail."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("Anlass"), max_length=20, choices=NoticeKind)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering: ClassVar = ["created_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["registration", "kind"], name="training_notice_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())
