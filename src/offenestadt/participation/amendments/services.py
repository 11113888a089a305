"""Amending the charter through a procedure: a proposal in a procedure about the charter may
ask for a new principle text, a new parameter value, a check bound to a principle or released
from one, or a new principle; after the procedure and its result report, administrators adopt
it with the council's decision as a new charter version, through charter.services.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.charter.amendment import (
    CheckRebinding,
    NewPrinciple,
    principle_id_check,
    principle_text_check,
    rebinding_check,
)
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


ONE_CHANGE = gettext_lazy(
    "Ein Vorschlag ändert nur eines: entweder den Text eines Prinzips, einen Parameter oder "
    "die Bindung einer Prüfung, oder er fügt ein Prinzip hinzu."
)
# The key that names each kind of change a proposal may ask for.
CHANGE_KINDS = ("principle", "parameter", "check", "new_principle")
# The texts of a new principle a proposal may give; the German title and description it must.
NEW_PRINCIPLE_TEXTS = ("title_de", "description_de", "title_en", "description_en")


def charter_change_clean(
    change: Mapping[str, Any], *, charter: CharterVersion | None = None
) -> dict[str, Any]:
    """Check a proposed change against the charter (the newest version unless given).

    Four kinds: ``{"principle": "P3", "text_de": "…"}`` (optionally ``"text_en"``) gives the
    principle a new description; ``{"parameter": key, "value": …}`` sets a rule parameter,
    read in the type of its current value; ``{"check": id, "bind": "P3"}`` binds a check to
    a principle, ``{"check": id, "release": "P4"}`` releases it from one (both: it moves);
    ``{"new_principle": "P8", "title_de": "…", "description_de": "…"}`` (optionally the
    English texts) adds a principle.
    """
    charter = charter or CharterVersion.objects.order_by("-number").first()
    if charter is None:
        raise ValidationError({"charter_change": _("Es ist keine Charta beschlossen.")})
    kinds = [kind for kind in CHANGE_KINDS if kind in change]
    if len(kinds) > 1:
        raise ValidationError({"charter_change": ONE_CHANGE})
    if not kinds:
        raise ValidationError(
            {
                "charter_change": _(
                    "Nennen Sie, was sich an der Charta ändern soll: den Text eines Prinzips, "
                    "einen Parameter, die Bindung einer Prüfung oder ein neues Prinzip."
                )
            }
        )
    clean = {
        "principle": _text_change,
        "parameter": _parameter_change,
        "check": _rebinding_change,
        "new_principle": _new_principle_change,
    }[kinds[0]]
    return clean(change, charter)


def _text_change(change: Mapping[str, Any], charter: CharterVersion) -> dict[str, Any]:
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


def _parameter_change(change: Mapping[str, Any], charter: CharterVersion) -> dict[str, Any]:
    parameters = {item.key: item.value for item in charter.parameters()}
    key = str(change["parameter"]).strip()
    if key not in parameters:
        raise ValidationError({"parameter": _("Wählen Sie einen Parameter der Charta.")})
    value = _parameter_value(parameters[key], change.get("value", ""))
    if value == parameters[key] and type(value) is type(parameters[key]):
        raise ValidationError({"value": _("Der Parameter hat diesen Wert schon.")})
    return {"parameter": key, "value": value}


def _rebinding_change(change: Mapping[str, Any], charter: CharterVersion) -> dict[str, Any]:
    rebinding = _rebinding(change)
    rebinding_check(charter.document, rebinding)
    principles = {"bind": rebinding.bind, "release": rebinding.release}
    return {"check": rebinding.check} | {key: value for key, value in principles.items() if value}


def _new_principle_change(change: Mapping[str, Any], charter: CharterVersion) -> dict[str, Any]:
    identifier = str(change["new_principle"]).strip()
    principle_id_check(charter.document, identifier)
    cleaned = {"new_principle": identifier}
    for key in NEW_PRINCIPLE_TEXTS:
        text = str(change.get(key, "")).strip()
        if text or key.endswith("_de"):
            principle_text_check(key, text)
            cleaned[key] = text
    return cleaned


def _rebinding(change: Mapping[str, Any]) -> CheckRebinding:
    return CheckRebinding(
        check=str(change["check"]).strip(),
        bind=str(change.get("bind", "")).strip(),
        release=str(change.get("release", "")).strip(),
    )


def charter_change_texts_missing(change: Mapping[str, Any]) -> list[str]:
    """The texts adopting ``change`` needs that the proposal does not give: a new principle
    text's English version; a new principle's English texts and its texts in Leichte Sprache
    (plain language), which the city writes."""
    if "principle" in change:
        needed = ["text_en"]
    elif "new_principle" in change:
        needed = ["title_en", "description_en", "plain_de", "plain_en"]
    else:
        needed = []
    return [key for key in needed if not change.get(key)]


@transaction.atomic
def proposal_charter_adopt(
    *,
    actor: Actor,
    proposal: Proposal,
    council_decision: str,
    adopted_on: date | None = None,
    answer: str = "",
    texts: Mapping[str, str] | None = None,
    today: date | None = None,
) -> CharterVersion:
    """Adopt the charter change a proposal asks for: a new charter version, in force from
    ``adopted_on`` (default today, never earlier), and the proposal answered as accepted.

    For administrators, once the procedure has ended and its result report is published
    (the gate: amendments.compliance.proposal_charter_adopt_refusal; refused with
    GateRefusedError), with the council's decision. ``texts`` gives what the proposal lacks
    (:func:`charter_change_texts_missing`: a new principle text's English version, a new
    principle's English and plain-language texts), by their keys ("text_en", "plain_de", …).
    A change the charter in its newest version can no longer take is refused with a
    ValidationError, and nothing is written.
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
    given = {
        key: str((texts or {}).get(key, "")).strip() for key in charter_change_texts_missing(change)
    }
    change |= {key: text for key, text in given.items() if text}
    try:
        version = charter_amend(
            base=base,
            actor=actor,
            adopted_on=adopted_on,
            council_decision=council_decision,
            **_amendment(change),
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


def _amendment(change: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of charter.services.charter_amend that make a cleaned ``change``."""
    if "parameter" in change:
        return {"parameters": {change["parameter"]: change["value"]}}
    if "principle" in change:
        if not change.get("text_en"):
            raise ValidationError({"text_en": _("Geben Sie den neuen Text auch auf Englisch an.")})
        return {
            "principles": {change["principle"]: {"de": change["text_de"], "en": change["text_en"]}}
        }
    if "check" in change:
        return {"rebindings": [_rebinding(change)]}
    texts = {
        name: {language: change.get(f"{name}_{language}", "") for language in ("de", "en")}
        for name in ("title", "description", "plain")
    }
    principle = NewPrinciple(
        id=change["new_principle"],
        title=texts["title"],
        description=texts["description"],
        plain=texts["plain"],
    )
    return {"new_principles": [principle]}
