"""Proposals, the support they gather (counted, never identified) and the requests to
support one online that wait for the link in their e-mail.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.participation.procedures.models import Contribution, Procedure
from offenestadt.registry.channels import Channel


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("eingereicht")
    IN_REVIEW = "in_review", _("in Prüfung")
    ACCEPTED = "accepted", _("aufgenommen")
    PARTLY = "partly", _("teilweise aufgenommen")
    REJECTED = "rejected", _("nicht aufgenommen")


class Proposal(Contribution):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("Verfahren")
    )
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Vorschlag"), max_length=6000)
    proposal_status = models.CharField(
        _("Stand"), max_length=10, choices=ProposalStatus, default=ProposalStatus.SUBMITTED
    )
    answer = models.TextField(_("Antwort der Stadt"), blank=True)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    # A proposal in a charter procedure may change a principle or a parameter.
    charter_change = models.JSONField(_("Änderung der Charta"), default=dict, blank=True)

    # Not the text: a hidden proposal's words must not live on in the public history.
    audit_fields: ClassVar[tuple[str, ...]] = (
        "channel",
        "status",
        "hidden_reason",
        "proposal_status",
        "answer",
        "answered_at",
        "charter_change",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status", "proposal_status")

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One person's support for a proposal: counted, not identified.

    Online, a person is known only by ``supporter_key``: a keyed hash of their confirmed
    e-mail address for this one proposal (proposals.services.supporter_key), so that each person
    counts once. It is erased when the procedure's retention ends; the support stays.
    Supports entered by staff (a letter's signatures) carry no key and count as entered.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.ONLINE)
    entered_by_role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    supporter_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("Unterstützung")
        verbose_name_plural = _("Unterstützungen")
        constraints: ClassVar = [
            # Checked by the database, so that two requests at once cannot count twice.
            models.UniqueConstraint(
                fields=["proposal", "supporter_key"],
                condition=~models.Q(supporter_key=""),
                name="one_support_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"+1 {self.proposal}"


class SupportConfirmation(models.Model):
    """A request to support a proposal online, waiting for the link in its e-mail.

    Holds no address: only the supporter's keyed hash and a hash of the link's token. Kept
    after confirming, so that the link answers "already supported" when opened again;
    deleted with the procedure's retention, unconfirmed ones after their period.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="support_confirmations"
    )
    supporter_key = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Bestätigung einer Unterstützung")
        verbose_name_plural = _("Bestätigungen von Unterstützungen")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["proposal", "supporter_key"], name="one_support_confirmation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"support confirmation {self.pk} for {self.proposal_id}"
