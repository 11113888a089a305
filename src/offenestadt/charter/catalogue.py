"""The catalogue of checks: every check the apps register, by its stable id, with the kind of
record it reads, the charter parameters it reads (name, type, unit, default), what it asks in
German and English, and whether it can gate.

The apps declare their checks in their ``compliance`` modules (:func:`engine.rule`); this module
only reads that registry, so the catalogue says what the engine runs. A parameter's type, unit
and default come from its declaration in :mod:`offenestadt.charter.parameters`.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Rule, registered_rules
from offenestadt.charter.parameters import ParameterDeclaration

# How a parameter's type is named in the API and on the command line.
TYPE_NAMES = {bool: "boolean", int: "integer", str: "string"}


def _in_both_languages(text: Promise) -> dict[str, str]:
    texts = {}
    for language in ("de", "en"):
        with translation.override(language):
            texts[language] = str(text)
    return texts


@dataclass(frozen=True)
class CatalogueParameter:
    declaration: ParameterDeclaration[Any]

    @property
    def key(self) -> str:
        return self.declaration.key

    @property
    def label(self) -> str | Promise:
        return self.declaration.label

    @property
    def type(self) -> str:
        return TYPE_NAMES[self.declaration.kind]

    @property
    def unit(self) -> str:
        return self.declaration.unit

    @property
    def default(self) -> bool | int | str | None:
        return self.declaration.default  # type: ignore[no-any-return]

    def unit_label(self) -> str | Promise:
        return self.declaration.unit_label()

    def default_display(self) -> str:
        """The default as the pages write it, with its unit."""
        default = self.default
        if default is None:
            return str(_("nicht gesetzt"))
        if isinstance(default, bool):
            return str(_("ja") if default else _("nein"))
        if default == "":
            return str(_("leer"))
        unit = self.unit_label()
        return f"{default} {unit}" if unit else str(default)

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": _in_both_languages(self.label) if isinstance(self.label, Promise) else {},
            "type": self.type,
            "unit": self.unit,
            "default": self.default,
        }


@dataclass(frozen=True)
class CatalogueEntry:
    rule: Rule

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def record(self) -> str:
        """The kind of record the check reads, as ``app_label.model``."""
        return self.rule.subject._meta.label_lower

    @property
    def record_name(self) -> str | Promise:
        return self.rule.subject._meta.verbose_name  # type: ignore[return-value]

    @property
    def description(self) -> Promise:
        return self.rule.description

    @property
    def gates(self) -> bool:
        return self.rule.gates

    @property
    def counts(self) -> tuple[str, ...]:
        """For a check over a project: the checks of its linked records whose findings it
        counts."""
        return self.rule.counts

    @property
    def parameters(self) -> list[CatalogueParameter]:
        return [CatalogueParameter(declaration) for declaration in self.rule.parameters]

    def as_data(self) -> dict[str, Any]:
        """The entry as plain data: for the API and ``offenestadt charter checks --format json``."""
        return {
            "id": self.id,
            "records": [self.record],
            "parameters": [parameter.as_data() for parameter in self.parameters],
            "gates": self.gates,
            "counts": list(self.counts),
            "description": _in_both_languages(self.description),
        }


def catalogue() -> list[CatalogueEntry]:
    """Every registered check, by id."""
    return sorted((CatalogueEntry(rule) for rule in registered_rules()), key=lambda e: e.id)
