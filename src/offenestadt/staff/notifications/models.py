"""What staff choose to hear about by e-mail: one row per person and kind of notice (a kind
without a row is on), and the language of their e-mails."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("Einträge, die auf meine Prüfung warten")
    RETURNED = "returned", _("Einträge, die mir zurückgegeben wurden, mit dem Kommentar")
    APPROVED = "approved", _("Freigaben meiner Einträge")
    GATE_REFUSED = "gate_refused", _("Abgelehnte Schritte an einer Schranke der Charta")
    REPORTED = "reported", _("Neue Meldungen zu Beiträgen, die ich moderiere")


class NoticeChoice(models.Model):
    """Whether ``user`` gets notices of ``kind``; without a row they do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_choices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_notice_choice_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'on' if self.enabled else 'off'}"


class NoticeLanguage(models.Model):
    """The language of a person's notices; without a row, the site's (German)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_language"
    )
    language = models.CharField(_("Sprache der E-Mails"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("Sprache der Benachrichtigungen")
        verbose_name_plural = _("Sprachen der Benachrichtigungen")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
