"""Reports: someone flagged a comment or a proposal, and moderation decides in public."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import ContributionStatus
from offenestadt.participation.proposals.models import Proposal


class Report(models.Model):
    """Someone flagged a contribution; moderation decides, in public, and deletes nothing."""

    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="reports",
        null=True,
        blank=True,
        verbose_name=_("Kommentar"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="reports",
        null=True,
        blank=True,
        verbose_name=_("Vorschlag"),
    )
    reason = models.CharField(_("Warum melden Sie den Beitrag?"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Gemeldet am"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Entschieden am"))
    decision = models.CharField(
        max_length=10, choices=ContributionStatus, blank=True, verbose_name=_("Entscheidung")
    )
    # Why moderation kept a reported contribution (a hidden one has its public reason).
    note = models.CharField(_("Notiz der Moderation"), max_length=300, blank=True)

    # The decision and its note are history; the reason someone gave stays out of it (it
    # may name a third person), and the whole history is internal, like the queue.
    audit_fields: ClassVar[tuple[str, ...]] = ("resolved_at", "decision", "note")
    audit_state_fields: ClassVar[tuple[str, ...]] = ("decision",)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False, proposal__isnull=True)
                | models.Q(comment__isnull=True, proposal__isnull=False),
                name="report_names_one_contribution",
            )
        ]

    def __str__(self) -> str:
        return self.reason

    def is_public_record(self) -> bool:
        return False
