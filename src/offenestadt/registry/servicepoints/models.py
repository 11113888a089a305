"""A public service point and its opening hours, each set valid for a span of days.

Part of the app ``registry`` (imported by ``registry.models``): access channels of the
projects' services point to service points, and P5 then reads the point's hours, district
and step-free access (``AccessChannel.facts``).
"""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Office
from offenestadt.registry.opening_hours import WeeklyHours, per_week_long
from offenestadt.registry.published import PublishedQuerySet


class ServicePointKind(models.TextChoices):
    CITIZENS_OFFICE = "citizens_office", _("Bürgerbüro")
    LIBRARY = "library", _("Bibliothek")
    PHONE_LINE = "phone_line", _("Telefonische Anlaufstelle")
    ADVICE_CENTRE = "advice_centre", _("Beratungsstelle")
    OTHER = "other", _("Sonstige Anlaufstelle")


@dataclass(frozen=True)
class AccessFacts:
    """What P5 compares of a way in: where it is, when it is open, and whether without steps.

    An access channel has its own, or those of the service point it names.
    """

    place: str
    district: str
    step_free: bool | None
    accessibility: str
    hours: WeeklyHours
    # The service point is closed on the day the facts are for (it has no hours then).
    closed: bool = False


class ServicePoint(models.Model):
    """A place or line where people reach the city without the internet."""

    slug = models.SlugField(unique=True, verbose_name=_("Kennung"))
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=ServicePointKind)
    office = models.ForeignKey(
        Office,
        verbose_name=_("Zuständiges Amt"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    address = models.CharField(
        _("Adresse"),
        max_length=300,
        blank=True,
        help_text=_("Straße, Hausnummer und Ort; bei einer Telefonstelle leer lassen."),
    )
    district = models.CharField(_("Stadtbezirk"), max_length=100, blank=True)
    step_free = models.BooleanField(
        _("Stufenlos erreichbar"),
        null=True,
        blank=True,
        help_text=_("Ohne Stufen, mit Rampe oder Aufzug. Leer lassen, wenn unbekannt."),
    )
    accessibility = models.CharField(
        _("Hinweis zur Barrierefreiheit"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel: Rampe am Seiteneingang, Rollstuhl-WC, Induktionsschleife."),
    )
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    # From this day on the point is closed: off the public list, no hours; its page and
    # history stay, and P5 counts a channel that leads there afterwards as lost.
    closed_on = models.DateField(_("Geschlossen ab"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Angelegt am"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("Geändert am"))

    audit_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "office",
        "address",
        "district",
        "step_free",
        "accessibility",
        "phone",
        "published_at",
        "closed_on",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("published_at", "closed_on")

    objects = PublishedQuerySet["ServicePoint"].as_manager()

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("Servicestelle")
        verbose_name_plural = _("Servicestellen")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("servicepoints:detail", args=[self.slug])

    def is_public_record(self) -> bool:
        return self.published_at is not None

    def is_closed(self, on: date | None = None) -> bool:
        """Whether the point is closed on ``on`` (today unless given)."""
        return self.closed_on is not None and self.closed_on <= (on or timezone.localdate())

    def closing_text(self) -> str:
        """When the point closes or closed, for its page: "Geschlossen seit 1. März 2027"."""
        if self.closed_on is None:
            return ""
        day = formats.date_format(self.closed_on, "DATE_FORMAT")
        if self.is_closed():
            return str(_("Geschlossen seit %(day)s") % {"day": day})
        return str(_("Schließt am %(day)s") % {"day": day})

    def hours_in_force(self, on: date | None = None) -> "OpeningHours | None":
        """The opening hours valid on ``on`` (today unless given); if none are, the next
        to come into force; None when none are recorded for then or later, or the point is
        closed then."""
        day = on or timezone.localdate()
        if self.is_closed(day):
            return None
        periods = sorted(self.opening_hours.all(), key=lambda period: period.valid_from)
        for period in periods:
            if period.covers(day):
                return period
        return next((period for period in periods if period.valid_from > day), None)

    def facts(self, on: date) -> AccessFacts:
        """The point as a way in on the day ``on``: its hours valid then (district and
        step-free access are not dated: they are as recorded now)."""
        period = self.hours_in_force(on)
        return AccessFacts(
            place=self.address or self.phone,
            district=self.district,
            step_free=self.step_free,
            accessibility=self.accessibility,
            hours=period.weekly_hours if period else WeeklyHours(),
            closed=self.is_closed(on),
        )


class OpeningHours(models.Model):
    """A service point's hours per weekday from one day (to another, or until changed)."""

    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("Servicestelle"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    valid_from = models.DateField(_("Gültig ab"))
    valid_to = models.DateField(
        _("Gültig bis"), null=True, blank=True, help_text=_("Leer lassen: bis auf Weiteres.")
    )
    # Weekly intervals as access channels store them (registry.opening_hours).
    hours = models.JSONField(_("Öffnungszeiten"), default=list, blank=True)
    note = models.CharField(
        _("Hinweis zu den Zeiten"),
        max_length=300,
        blank=True,
        help_text=_("Was die Zeiten nicht sagen, etwa „Termine auch nach Vereinbarung“."),
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "service_point",
        "valid_from",
        "valid_to",
        "hours",
        "note",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["valid_from"]
        verbose_name = _("Öffnungszeiten")
        verbose_name_plural = _("Öffnungszeiten")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="opening_hours_end_after_start",
                violation_error_message=_("„Gültig bis“ darf nicht vor „Gültig ab“ liegen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_point}: {self.span_text()}"

    def get_absolute_url(self) -> str:
        return self.service_point.get_absolute_url()

    def is_public_record(self) -> bool:
        return self.service_point.is_public_record()

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def span_text(self) -> str:
        start = formats.date_format(self.valid_from, "DATE_FORMAT")
        if self.valid_to is None:
            return str(_("ab %(start)s") % {"start": start})
        end = formats.date_format(self.valid_to, "DATE_FORMAT")
        return str(_("%(start)s bis %(end)s") % {"start": start, "end": end})

    @property
    def weekly_hours(self) -> WeeklyHours:
        return WeeklyHours.from_json(self.hours)

    def total_hours_text(self) -> str:
        return per_week_long(self.weekly_hours.minutes_per_week)

    def clean(self) -> None:
        try:
            self.hours = WeeklyHours.from_json(self.hours).as_json()
        except ValidationError as error:
            raise ValidationError({"hours": error.messages}) from None
        if self.valid_from is None:
            return  # the field's own error says what is missing
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("„Gültig bis“ darf nicht vor „Gültig ab“ liegen.")}
            )
        others = OpeningHours.objects.filter(service_point_id=self.service_point_id).exclude(
            pk=self.pk
        )
        for other in others:
            if self._overlaps(other):
                raise ValidationError(
                    {
                        "valid_from": _(
                            "Für %(span)s sind schon Öffnungszeiten eingetragen. Ändern Sie "
                            "diese oder lassen Sie die Zeiträume nicht überlappen."
                        )
                        % {"span": other.span_text()}
                    }
                )

    def _overlaps(self, other: "OpeningHours") -> bool:
        starts_before_other_ends = other.valid_to is None or self.valid_from <= other.valid_to
        other_starts_before_end = self.valid_to is None or other.valid_from <= self.valid_to
        return starts_before_other_ends and other_starts_before_end
