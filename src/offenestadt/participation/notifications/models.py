"""Subscriptions to e-mail notifications about a procedure, after double opt-in."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.participation.procedures.models import Procedure


class Subscription(models.Model):
    """E-mail notifications about a procedure, after double opt-in. Deleted with the
    procedure's retention; the address is the only personal datum and is never shown."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(_("E-Mail-Adresse"))
    # Only a hash of the link's token is stored: a database copy cannot confirm or cancel.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["procedure", "email"], name="unique_subscription_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} to {self.procedure_id}"
