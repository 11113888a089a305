"""What changed between two charter versions, as people read it: first how the charter is
built (principles added, removed, renamed or merged, checks bound to other principles), then
field by field the header, each principle (texts, gate, the checks it binds, its parameter
values) and the procedures' values. Versions are compared in today's format (an earlier
version converted, see :mod:`offenestadt.charter.legacy`).

How principles are paired across the two versions:

* A principle with the same id is the same principle; if its title changed (in the language
  the comparison is read in), it is *renamed*.
* A principle whose id is gone *continues* under a new id (it is renamed too) when a principle
  with an id the older version did not have binds exactly the same checks and keeps at least
  one of its German texts (title, description, plain language) word for word. Each is paired
  once, the earliest candidate in document order first.
* A removed principle that binds checks and whose checks all sit in exactly one principle of
  the newer version (one that existed before or is new) is *merged* into it.
* Any other principle whose id is gone is *removed*; any other new id is *added*.

A check is *re-bound* when the principles binding it differ, counting a renamed or merged
principle as the one it became: *newly bound* when no principle bound it before, *no longer
bound* (so no longer evaluated) when none binds it now, else *moved* from the principles that
bound it to those that bind it now.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.document import LANGUAGES
from offenestadt.charter.engine import registered_rule
from offenestadt.charter.models import CharterVersion, Principle
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
    "id": _("Kennung"),
}
LANGUAGE_LABELS: dict[str, Promise] = {"de": _("deutsch"), "en": _("englisch")}


@dataclass(frozen=True)
class Difference:
    part: str
    field: str
    before: str | None
    after: str | None


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    MERGED = "merged"
    CHECK_BOUND = "check-bound"
    CHECK_MOVED = "check-moved"
    CHECK_RELEASED = "check-released"


@dataclass(frozen=True)
class StructureChange:
    """One change in how the charter is built. ``before`` names principles as the older
    version had them, ``after`` as the newer has them; a change of a check names it."""

    kind: Change
    before: tuple[Principle, ...] = ()
    after: tuple[Principle, ...] = ()
    check: str = ""
    # What the check asks (German source text, translated); "" for a check the platform no
    # longer has.
    check_description: str | Promise = ""

    @property
    def before_names(self) -> str:
        return _names(self.before)

    @property
    def after_names(self) -> str:
        return _names(self.after)


def _names(principles: tuple[Principle, ...]) -> str:
    """Principles as a sentence names them, in the reader's language: P4 „Teilhabe“."""
    return ", ".join(
        _("%(id)s „%(title)s“") % {"id": principle.id, "title": principle.title}
        for principle in principles
    )


@dataclass(frozen=True)
class Comparison:
    principles: list[StructureChange] = field(default_factory=list)
    checks: list[StructureChange] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


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


def compare_versions(old: CharterVersion, new: CharterVersion) -> Comparison:
    before, after = old.document, new.document
    old_items = {item["id"]: item for item in before["principles"]}
    new_items = {item["id"]: item for item in after["principles"]}
    successors = _successors(old_items, new_items)
    merged = _merged(old_items, new_items, successors)
    differences = _compare(str(_("Charta")), before["charter"], after["charter"])
    continued = {successor: identifier for identifier, successor in successors.items()}
    for identifier in dict.fromkeys([*old_items, *new_items]):
        if identifier in continued and continued[identifier] != identifier:
            continue  # compared with the principle it continues, at that one's place
        successor = successors.get(identifier, identifier)
        old_item, new_item = old_items.get(identifier), new_items.get(successor)
        part = f"{_('Prinzip')} {successor}"
        if successor != identifier:
            part = _("%(part)s (bisher %(id)s)") % {"part": part, "id": identifier}
            differences.append(Difference(part, str(FIELD_LABELS["id"]), identifier, successor))
        differences += _compare(part, old_item, new_item)
    procedures = str(_("Verfahren"))
    differences += _compare(
        procedures, {"parameters": before["procedures"]}, {"parameters": after["procedures"]}
    )
    return Comparison(
        principles=_principle_changes(old, new, successors, merged),
        checks=_check_changes(old, new, successors | merged),
        differences=differences,
    )


def _continues(old_item: dict[str, Any], new_item: dict[str, Any]) -> bool:
    """Whether a principle with a new id continues a removed one (see the module's rules)."""
    return set(old_item["checks"]) == set(new_item["checks"]) and any(
        old_item[text]["de"] == new_item[text]["de"] for text in ("title", "description", "plain")
    )


def _successors(
    old_items: dict[str, dict[str, Any]], new_items: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """The id each principle of the older version has in the newer, where it has one."""
    successors = {identifier: identifier for identifier in old_items if identifier in new_items}
    added = [identifier for identifier in new_items if identifier not in old_items]
    for identifier, item in old_items.items():
        if identifier in successors:
            continue
        for candidate in added:
            if candidate not in successors.values() and _continues(item, new_items[candidate]):
                successors[identifier] = candidate
                break
    return successors


def _merged(
    old_items: dict[str, dict[str, Any]],
    new_items: dict[str, dict[str, Any]],
    successors: dict[str, str],
) -> dict[str, str]:
    """The principle each merged principle went into, by the removed principle's id."""
    merged = {}
    for identifier, item in old_items.items():
        checks = set(item["checks"])
        if identifier in successors or not checks:
            continue
        hosts = [
            other for other, new_item in new_items.items() if checks <= set(new_item["checks"])
        ]
        if len(hosts) == 1:
            merged[identifier] = hosts[0]
    return merged


def _principle_changes(
    old: CharterVersion,
    new: CharterVersion,
    successors: dict[str, str],
    merged: dict[str, str],
) -> list[StructureChange]:
    before = {principle.id: principle for principle in old.principles()}
    after = {principle.id: principle for principle in new.principles()}
    continued = set(successors.values())
    changes = [
        StructureChange(Change.ADDED, after=(principle,))
        for identifier, principle in after.items()
        if identifier not in continued
    ]
    for identifier, principle in before.items():
        if identifier in successors:
            successor = after[successors[identifier]]
            # Renamed in the reader's language: the title they read changed.
            if successor.id != identifier or str(successor.title) != str(principle.title):
                changes.append(StructureChange(Change.RENAMED, (principle,), (successor,)))
        elif identifier in merged:
            changes.append(
                StructureChange(Change.MERGED, (principle,), (after[merged[identifier]],))
            )
        else:
            changes.append(StructureChange(Change.REMOVED, before=(principle,)))
    return changes


def _check_changes(
    old: CharterVersion, new: CharterVersion, becomes: dict[str, str]
) -> list[StructureChange]:
    """Each check whose binding changed; ``becomes``: the id each principle of the older
    version has in the newer (renamed or merged), where it has one."""
    bound_before = _binders(old.principles())
    bound_now = _binders(new.principles())
    changes = []
    for check in dict.fromkeys([*bound_now, *bound_before]):
        before, now = bound_before.get(check, ()), bound_now.get(check, ())
        # A principle without a successor (None) is gone: never one that binds it now.
        if {becomes.get(principle.id) for principle in before} == {p.id for p in now}:
            continue
        kind = Change.CHECK_MOVED
        if not before:
            kind = Change.CHECK_BOUND
        elif not now:
            kind = Change.CHECK_RELEASED
        rule = registered_rule(check)
        changes.append(StructureChange(kind, before, now, check, rule.description if rule else ""))
    return changes


def _binders(principles: list[Principle]) -> dict[str, tuple[Principle, ...]]:
    """The principles binding each check, in the order of the document."""
    binders: dict[str, tuple[Principle, ...]] = {}
    for principle in principles:
        for check in principle.checks:
            binders[check] = (*binders.get(check, ()), principle)
    return binders
