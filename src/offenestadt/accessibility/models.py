"""The platform's accessibility statement (BITV 2.0, EU directive 2016/2102) and the feedback
people send about barriers they met.

The statement is one public record, changed through the audit path, so its history shows
when the city said what. Feedback is a message to the city, not a public record: it may
carry a way to reply, which the retention task erases after the answer (see ``retention``).
"""

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class Conformance(models.TextChoices):
    FULL = "full", _("vollständig vereinbar")
    PARTIAL = "partial", _("teilweise vereinbar")
    NONE = "none", _("nicht vereinbar")


class Statement(models.Model):
    """What the city declares about this platform's accessibility; one row, kept current."""

    conformance = models.CharField(
        _("Stand der Vereinbarkeit"),
        max_length=10,
        choices=Conformance,
        default=Conformance.PARTIAL,
        help_text=_("Gemessen an der BITV 2.0 (WCAG 2.1, Stufe AA, und EN 301 549)."),
    )
    known_gaps = models.TextField(
        _("Nicht barrierefreie Inhalte"),
        max_length=5000,
        blank=True,
        help_text=_(
            "Ein Punkt pro Zeile: was nicht barrierefrei ist, warum, und wie man den Inhalt "
            "trotzdem bekommt."
        ),
    )
    checked_on = models.DateField(_("Zuletzt geprüft am"), null=True, blank=True)
    method = models.CharField(
        _("Art der Prüfung"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel: Selbstbewertung mit automatischen Tests (axe) und Tastatur."),
    )
    updated_on = models.DateField(_("Erklärung erstellt oder aktualisiert am"), default=date.today)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "conformance",
        "known_gaps",
        "checked_on",
        "method",
        "updated_on",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("Erklärung zur Barrierefreiheit")
        verbose_name_plural = _("Erklärungen zur Barrierefreiheit")

    def __str__(self) -> str:
        return str(_("Erklärung zur Barrierefreiheit"))

    def get_absolute_url(self) -> str:
        return reverse("accessibility:statement")

    def clean(self) -> None:
        # The statement tells the public what was done: a check or update still to come is none.
        today = timezone.localdate()
        future = {
            field: _("Dieses Datum liegt in der Zukunft. Tragen Sie ein, wann es geschehen ist.")
            for field in ("checked_on", "updated_on")
            if (day := getattr(self, field)) is not None and day > today
        }
        if future:
            raise ValidationError(future)

    def is_public_record(self) -> bool:
        return True

    def gaps(self) -> list[str]:
        return [line.strip() for line in self.known_gaps.splitlines() if line.strip()]


def _reply_due() -> date:
    return timezone.localdate() + timedelta(days=settings.ACCESSIBILITY_REPLY_DAYS)


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ANSWERED = "answered", _("beantwortet")


class Feedback(models.Model):
    """A barrier someone reports, or a request for content in an accessible form."""

    received_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)
    page = models.CharField(
        _("Seite"),
        max_length=500,
        blank=True,
        help_text=_("Die Adresse oder der Name der Seite, wenn Sie sie kennen."),
    )
    message = models.TextField(_("Ihre Nachricht"), max_length=5000)
    contact = models.CharField(
        _("E-Mail-Adresse oder Telefonnummer für die Antwort"),
        max_length=200,
        blank=True,
        help_text=_("Freiwillig. Nur für die Antwort; ohne Angabe können wir nicht antworten."),
    )
    reply_due = models.DateField(_("Antwort fällig bis"), default=_reply_due)
    status = models.CharField(
        _("Stand"), max_length=10, choices=FeedbackStatus, default=FeedbackStatus.OPEN
    )
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    note = models.TextField(
        _("Vermerk"),
        max_length=5000,
        blank=True,
        help_text=_("Intern: was geantwortet oder behoben wurde."),
    )

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering: ClassVar = ["reply_due", "received_at"]

    def __str__(self) -> str:
        day = formats.date_format(timezone.localtime(self.received_at), "DATE_FORMAT")
        return str(_("Rückmeldung vom %(day)s") % {"day": day})

    def get_absolute_url(self) -> str:
        return reverse("accessibility:feedback_detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.status == FeedbackStatus.OPEN and self.reply_due < timezone.localdate()
