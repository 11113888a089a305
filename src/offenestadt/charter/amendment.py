"""The changes to how a charter is built that an amendment can make: a check bound to a
principle or released from one (both at once: it moves), and a principle added.

Each change is checked against the content it amends (today's format) and refused with a
ValidationError in German that says what to fix, under the key a proposal's change uses for
that field (see participation.amendments); then it is applied to the content.
:func:`charter.services.charter_amend` writes the result through the document, so that it
obeys exactly the rules of a loaded file.

Parameter values follow the check: a check bound to a principle brings the values the charter
sets for its parameters, from the principle it is released from in the same change, else from
the first principle that binds it and sets them (else the declared default applies); a
principle that releases a check drops the values none of its other checks read.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.charter.document import (
    CONTROL_CHARACTER,
    LANGUAGES,
    LOCALISED_PRINCIPLE_FIELDS,
    PRINCIPLE_ID,
)
from offenestadt.charter.engine import parameters_read, registered_rule

type Content = dict[str, Any]

# What to write when a new principle's text is missing, by the key of the field.
MISSING_TEXT = {
    "title_de": gettext_lazy("Geben Sie dem neuen Prinzip einen Titel."),
    "title_en": gettext_lazy("Geben Sie den Titel des neuen Prinzips auch auf Englisch an."),
    "description_de": gettext_lazy("Beschreiben Sie das neue Prinzip."),
    "description_en": gettext_lazy(
        "Geben Sie die Beschreibung des neuen Prinzips auch auf Englisch an."
    ),
    "plain_de": gettext_lazy("Geben Sie das neue Prinzip auch in Leichter Sprache wieder."),
    "plain_en": gettext_lazy("Geben Sie den Text in Leichter Sprache auch auf Englisch an."),
}


@dataclass(frozen=True)
class CheckRebinding:
    """Bind the check ``check`` to the principle ``bind``, release it from the principle
    ``release``, or both."""

    check: str
    bind: str = ""
    release: str = ""


@dataclass(frozen=True)
class NewPrinciple:
    """A principle added after the others, binding no check yet; its texts by language."""

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    plain: Mapping[str, str]
    gate: bool = True


def _principle(content: Content, identifier: str, key: str) -> Content:
    for principle in content["principles"]:
        if principle["id"] == identifier:
            return principle  # type: ignore[no-any-return]
    raise ValidationError(
        {
            key: _("Die Charta hat kein Prinzip „%(id)s“; ihre Prinzipien: %(ids)s.")
            % {"id": identifier, "ids": ", ".join(p["id"] for p in content["principles"])}
        }
    )


def rebinding_check(content: Content, change: CheckRebinding) -> None:
    """Refuse a re-binding the charter ``content`` cannot take or that changes nothing."""
    if registered_rule(change.check) is None:
        raise ValidationError(
            {
                "check": _(
                    "Im Katalog gibt es keine Prüfung „%(check)s“; die Prüfungen stehen unter "
                    "„Die Prüfungen, mit denen die Plattform die Grundsätze prüft“."
                )
                % {"check": change.check}
            }
        )
    if not change.bind and not change.release:
        raise ValidationError(
            {
                "bind": _(
                    "Nennen Sie das Prinzip, an das die Prüfung gebunden, oder das, von dem sie "
                    "gelöst werden soll."
                )
            }
        )
    if change.bind == change.release:
        raise ValidationError(
            {
                "release": _(
                    "Eine Prüfung wird nicht an dasselbe Prinzip gebunden, von dem sie gelöst "
                    "wird; wählen Sie zwei verschiedene."
                )
            }
        )
    names = {"check": change.check}
    if change.bind and change.check in _principle(content, change.bind, "bind")["checks"]:
        raise ValidationError(
            {
                "bind": _(
                    "Das Prinzip %(principle)s bindet die Prüfung %(check)s schon; das Binden "
                    "änderte nichts."
                )
                % (names | {"principle": change.bind})
            }
        )
    if (
        change.release
        and change.check not in (_principle(content, change.release, "release")["checks"])
    ):
        binders = [p["id"] for p in content["principles"] if change.check in p["checks"]]
        raise ValidationError(
            {
                "release": _(
                    "Das Prinzip %(principle)s bindet die Prüfung %(check)s nicht; das Lösen "
                    "änderte nichts. Sie binden: %(binders)s."
                )
                % (
                    names
                    | {"principle": change.release, "binders": ", ".join(binders) or _("keines")}
                )
            }
        )


def rebinding_apply(content: Content, change: CheckRebinding) -> None:
    """Make a re-binding that :func:`rebinding_check` accepted (parameters follow the check,
    see the module)."""
    reads = parameters_read()
    released = _principle(content, change.release, "release") if change.release else None
    if change.bind:
        target = _principle(content, change.bind, "bind")
        target["checks"].append(change.check)
        sources = [released] if released is not None else []
        sources += [p for p in content["principles"] if change.check in p["checks"]]
        for key in sorted(reads[change.check] - set(target["parameters"])):
            values = [p["parameters"][key] for p in sources if key in p["parameters"]]
            if values:
                target["parameters"][key] = values[0]
    if released is not None:
        released["checks"].remove(change.check)
        still_read = set().union(*(reads[check] for check in released["checks"]))
        released["parameters"] = {
            key: value for key, value in released["parameters"].items() if key in still_read
        }


def principle_id_check(content: Content, identifier: str) -> None:
    """Refuse an id a new principle cannot have in ``content``: malformed or taken."""
    if not PRINCIPLE_ID.fullmatch(identifier):
        raise ValidationError(
            {
                "new_principle": _(
                    "Eine Kennung beginnt mit einem Buchstaben, dann folgen bis zu 39 "
                    "Buchstaben, Ziffern, - oder _, etwa „P8“ oder „klima“."
                )
            }
        )
    if any(principle["id"] == identifier for principle in content["principles"]):
        raise ValidationError(
            {
                "new_principle": _(
                    "Die Charta hat schon ein Prinzip %(id)s; wählen Sie eine andere Kennung."
                )
                % {"id": identifier}
            }
        )


def principle_text_check(key: str, text: str) -> None:
    """Refuse a new principle's text (``key``: "title_de", …) that is empty or holds a
    control character."""
    if not text.strip():
        raise ValidationError({key: MISSING_TEXT[key]})
    if found := CONTROL_CHARACTER.search(text):
        raise ValidationError(
            {
                key: _("Der Text enthält das Steuerzeichen U+%04X; entfernen Sie es.")
                % ord(found.group())
            }
        )


def principle_add(content: Content, principle: NewPrinciple) -> None:
    """Check the new principle against ``content`` and add it there."""
    principle_id_check(content, principle.id)
    texts: dict[str, Mapping[str, str]] = {
        name: getattr(principle, name) for name in LOCALISED_PRINCIPLE_FIELDS
    }
    for name, values in texts.items():
        for language in LANGUAGES:
            principle_text_check(f"{name}_{language}", values.get(language, ""))
    content["principles"].append(
        {"id": principle.id, "gate": principle.gate}
        | {name: {language: values[language].strip() for language in LANGUAGES}
           for name, values in texts.items()}
        | {"checks": [], "parameters": {}}
    )  # fmt: skip
