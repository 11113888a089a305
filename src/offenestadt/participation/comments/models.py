"""Comments on a procedure, on one paragraph of its text, or in reply to a comment."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.participation.procedures.models import Contribution, Paragraph, Procedure


class Comment(Contribution):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Verfahren")
    )
    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("Absatz"),
        on_delete=models.CASCADE,
        related_name="comments",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="replies",
        null=True,
        blank=True,
        verbose_name=_("Antwort auf"),
    )
    text = models.TextField(_("Kommentar"), max_length=4000)

    audit_fields: ClassVar[tuple[str, ...]] = ("channel", "status", "hidden_reason")

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    def __str__(self) -> str:
        return _("Kommentar %(number)s zu „%(procedure)s“") % {
            "number": self.pk,
            "procedure": self.procedure.title,
        }
