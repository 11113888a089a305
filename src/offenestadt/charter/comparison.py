"""What changed between two charter versions, field by field, as people read it: the
header, each principle (texts, gate, the checks it binds, its parameter values, by the
principle's id) and the procedures' values. Versions are compared in today's format
(an earlier version converted, see :mod:`offenestadt.charter.legacy`)."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.document import LANGUAGES
from offenestadt.charter.models import CharterVersion
from offenestadt.core.display import display_value, label_for

FIELD_LABELS: dict[str, Promise] = {
    "title": _("Titel"),
    "city": _("Stadt"),
    "version": _("Version"),
    "adopted_on": _("Beschlossen am"),
    "council_decision": _("Ratsbeschluss"),
    "description": _("Beschreibung"),
    "plain": _("In Leichter Sprache"),
    "value": _("Wert"),
    "unit": _("Einheit"),
    "principle": _("Prinzip"),
    "gate": _("Hält Vorhaben auf"),
    "checks": _("Prüfungen"),
}
LANGUAGE_LABELS: dict[str, Promise] = {"de": _("deutsch"), "en": _("englisch")}


@dataclass(frozen=True)
class Difference:
    part: str
    field: str
    before: str | None
    after: str | None


def _flatten(item: dict[str, Any]) -> dict[str, str]:
    """One entry per field, localised texts split by language, a principle's parameters one
    entry each."""
    flat = {}
    for key, value in item.items():
        if key == "parameters":
            for parameter, setting in value.items():
                flat[f"{_('Parameter')} {label_for(parameter)}"] = display_value(setting) or ""
        elif key == "checks":
            flat[str(FIELD_LABELS[key])] = ", ".join(value)
        elif isinstance(value, dict):
            for language in LANGUAGES:
                flat[f"{FIELD_LABELS.get(key, key)} ({LANGUAGE_LABELS[language]})"] = value[
                    language
                ]
        elif key not in {"id", "key"}:
            flat[str(FIELD_LABELS.get(key, key))] = display_value(value) or ""
    return flat


def _compare(part: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Difference]:
    before, after = _flatten(old or {}), _flatten(new or {})
    return [
        Difference(part, field, before.get(field), after.get(field))
        for field in dict.fromkeys([*before, *after])
        if before.get(field) != after.get(field)
    ]


def content_summary(content: dict[str, Any]) -> str:
    """A version's principles and rule parameters, one line each, in the reader's language:
    how the public history shows a version's content."""
    version = CharterVersion(content=content)
    lines = [
        f"{FIELD_LABELS['principle']} {principle.id}: {principle.title}"
        for principle in version.principles()
    ]
    lines += [
        f"{label_for(parameter.key)} ({parameter.principle or _('Verfahren')}): "
        f"{parameter.display_with_unit}"
        for parameter in version.parameters()
    ]
    return "\n".join(lines)


def compare_versions(old: CharterVersion, new: CharterVersion) -> list[Difference]:
    before, after = old.document, new.document
    differences = _compare(str(_("Charta")), before["charter"], after["charter"])
    old_items = {item["id"]: item for item in before["principles"]}
    new_items = {item["id"]: item for item in after["principles"]}
    for identifier in dict.fromkeys([*old_items, *new_items]):
        part = f"{_('Prinzip')} {identifier}"
        differences += _compare(part, old_items.get(identifier), new_items.get(identifier))
    procedures = str(_("Verfahren"))
    differences += _compare(
        procedures, {"parameters": before["procedures"]}, {"parameters": after["procedures"]}
    )
    return differences
