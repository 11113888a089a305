"""What changed between two charter versions, field by field, as people read it."""

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
}
LANGUAGE_LABELS: dict[str, Promise] = {"de": _("deutsch"), "en": _("englisch")}


@dataclass(frozen=True)
class Difference:
    part: str
    field: str
    before: str | None
    after: str | None


def _flatten(item: dict[str, Any]) -> dict[str, str]:
    """One entry per field, localised texts split by language."""
    flat = {}
    for key, value in item.items():
        if isinstance(value, dict):
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
        f"{label_for(parameter.key)}: {parameter.display_with_unit}"
        for parameter in version.parameters()
    ]
    return "\n".join(lines)


def compare_versions(old: CharterVersion, new: CharterVersion) -> list[Difference]:
    differences = _compare(str(_("Charta")), old.content["charter"], new.content["charter"])
    for section, id_key, label in (
        ("principles", "id", _("Prinzip")),
        ("parameters", "key", _("Parameter")),
    ):
        old_items = {item[id_key]: item for item in old.content[section]}
        new_items = {item[id_key]: item for item in new.content[section]}
        for identifier in dict.fromkeys([*old_items, *new_items]):
            part = f"{label} {label_for(identifier)}"
            differences += _compare(part, old_items.get(identifier), new_items.get(identifier))
    return differences
