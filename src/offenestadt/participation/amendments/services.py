"""Amending the charter through a procedure: a proposal in a procedure about the charter may
ask for a new principle text or a new parameter value; after the procedure and its result
report, administrators adopt it with the council's decision as a new charter version,
through charter.services.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.charter.document import CharterFileError
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend
from offenestadt.participation.amendments import rules
from offenestadt.participation.amendments.compliance import proposal_charter_adopt_refusal
from offenestadt.participation.notifications.sending import Notice
from offenestadt.participation.notifications.services import subscribers_notify
from offenestadt.participation.proposals.models import Proposal, ProposalStatus


def _parameter_value(current: Any, given: Any) -> bool | int | float | str:
    """``given`` in the type of the parameter's current value, or a ValidationError."""
    text = str(given).strip()
    if isinstance(current, bool):
        if isinstance(given, bool):
            return given
        words = {"ja": True, "true": True, "1": True, "nein": False, "false": False, "0": False}
        if text.lower() in words:
            return words[text.lower()]
        raise ValidationError({"value": _("Erwartet wird ja oder nein.")})
    if isinstance(current, int):
        if isinstance(given, int) and not isinstance(given, bool):
            return given
        try:
            return int(text)
        except ValueError:
            raise ValidationError({"value": _("Erwartet wird eine ganze Zahl.")}) from None
    if isinstance(current, float):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValidationError({"value": _("Erwartet wird eine Zahl.")}) from None
    if not text:
        raise ValidationError({"value": _("Geben Sie den neuen Wert an.")})
    return text


def charter_change_clean(
    change: Mapping[str, Any], *, charter: CharterVersion | None = None
) -> dict[str, Any]:
    """Check a proposed change against the charter (the newest version unless given).

    Two forms: ``{"principle": "P3", "text_de": "…"}`` (optionally ``"text_en"``) gives the
    principle a new description; ``{"parameter": key, "value": …}`` sets a rule parameter,
    read in the type of its current value.
    """
    charter = charter or CharterVersion.objects.order_by("-number").first()
    if charter is None:
        raise ValidationError({"charter_change": _("Es ist keine Charta beschlossen.")})
    if "principle" in change and "parameter" in change:
        raise ValidationError(
            {"charter_change": _("Ein Vorschlag ändert entweder ein Prinzip oder einen Parameter.")}
        )
    if "principle" in change:
        ids = [principle.id for principle in charter.principles()]
        principle = str(change["principle"]).strip()
        if principle not in ids:
            raise ValidationError({"principle": _("Wählen Sie ein Prinzip der Charta.")})
        text_de = str(change.get("text_de", "")).strip()
        if not text_de:
            raise ValidationError({"text_de": _("Schreiben Sie den neuen Text des Prinzips.")})
        cleaned: dict[str, Any] = {"principle": principle, "text_de": text_de}
        text_en = str(change.get("text_en", "")).strip()
        if text_en:
            cleaned["text_en"] = text_en
        return cleaned
    if "parameter" in change:
        parameters = {item.key: item.value for item in charter.parameters()}
        key = str(change["parameter"]).strip()
        if key not in parameters:
            raise ValidationError({"parameter": _("Wählen Sie einen Parameter der Charta.")})
        value = _parameter_value(parameters[key], change.get("value", ""))
        if value == parameters[key] and type(value) is type(parameters[key]):
            raise ValidationError({"value": _("Der Parameter hat diesen Wert schon.")})
        return {"parameter": key, "value": value}
    raise ValidationError(
        {"charter_change": _("Nennen Sie ein Prinzip oder einen Parameter der Charta.")}
    )


@transaction.atomic
def proposal_charter_adopt(
    *,
    actor: Actor,
    proposal: Proposal,
    council_decision: str,
    adopted_on: date | None = None,
    answer: str = "",
    text_en: str = "",
    today: date | None = None,
) -> CharterVersion:
    """Adopt the charter change a proposal asks for: a new charter version, in force from
    ``adopted_on`` (default today, never earlier), and the proposal answered as accepted.

    For administrators, once the procedure has ended and its result report is published
    (the gate: amendments.compliance.proposal_charter_adopt_refusal; refused with
    GateRefusedError), with the council's decision. A new
    principle text needs its English version (``text_en``) unless the proposal has one.
    """
    if not rules.can_adopt_charter_changes(actor):
        raise PermissionDenied(_("Eine Änderung der Charta beschließt die Administration."))
    today = today or timezone.localdate()
    adopted_on = adopted_on or today
    procedure = proposal.procedure
    problems = proposal_charter_adopt_refusal(proposal=proposal, today=today)
    if adopted_on < today:
        problems.append(
            _("Eine Änderung gilt frühestens ab dem Tag ihres Beschlusses, nicht rückwirkend.")
        )
    council_decision = council_decision.strip()
    if not council_decision:
        problems.append(_("Nennen Sie den Beschluss des Rates."))
    if problems:
        raise GateRefusedError(problems)
    base = CharterVersion.objects.order_by("-number")[0]
    change = charter_change_clean(proposal.charter_change, charter=base)
    parameters: dict[str, Any] = {}
    principles: dict[str, dict[str, str]] = {}
    if "parameter" in change:
        parameters[change["parameter"]] = change["value"]
    else:
        english = text_en.strip() or change.get("text_en", "")
        if not english:
            raise ValidationError({"text_en": _("Geben Sie den neuen Text auch auf Englisch an.")})
        principles[change["principle"]] = {"de": change["text_de"], "en": english}
    try:
        version = charter_amend(
            base=base,
            actor=actor,
            adopted_on=adopted_on,
            council_decision=council_decision,
            parameters=parameters,
            principles=principles,
        )
    except CharterFileError as error:
        raise ValidationError([str(problem) for problem in error.problems]) from None
    proposal.proposal_status = ProposalStatus.ACCEPTED
    proposal.answer = answer.strip() or _(
        "Beschlossen: Die Charta gilt in Version %(number)s ab dem %(date)s (%(decision)s)."
    ) % {
        "number": version.number,
        "date": version.adopted_on.strftime("%d.%m.%Y"),
        "decision": council_decision,
    }
    proposal.answered_at = timezone.now()
    proposal.full_clean()
    save_record(record=proposal, actor=actor, event=AuditEvent.ANSWERED)
    subscribers_notify(procedure=procedure, event=Notice.ANSWER, proposal=proposal)
    return version
