"""publiccode.yml documents: read from YAML, checked against the standard's schema, written.

The schema is the standard's own (schemas/SOURCE.md); each problem it finds is said in German
and names the key to fix, so a pasted or uploaded file never ends in an error page.
"""

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError as SchemaError

from offenestadt.software.licences import LicenceError, parse_licence
from offenestadt.software.models import Component, Maintenance

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "publiccode.schema.json"

# A publiccode.yml is a few kilobytes; more than this is not one.
MAX_BYTES = 64 * 1024

# The version of the standard the platform writes.
PUBLICCODE_YML_VERSION = "0.4"


class PubliccodeError(ValueError):
    """A document that is no valid publiccode.yml; ``messages`` say in German what to fix."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@cache
def _validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


# The standard nests four levels deep; a few hundred brackets would exhaust Python's stack.
MAX_DEPTH = 20


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases (a few bytes of nested aliases would unfold into gigabytes), nested
    at most MAX_DEPTH levels, and dates kept as the text they are written as (the standard and
    its schema speak of strings; an impossible date such as 2026-13-45 is the schema's to
    name, not a crash of YAML's date constructor)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "alias", mark)
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "depth", mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_NoAliasLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    yaml.SafeLoader.construct_scalar,  # type: ignore[type-var]
)


def load_publiccode(text: str | bytes) -> dict[str, Any]:
    """The document in ``text`` as plain JSON values, or PubliccodeError with what to fix."""
    if len(text) > MAX_BYTES:
        raise PubliccodeError(
            [
                _("Die Datei ist größer als %(size)d KB; eine publiccode.yml ist viel kleiner.")
                % {"size": MAX_BYTES // 1024}
            ]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PubliccodeError([_("Die Datei ist nicht in UTF-8 kodiert.")]) from None
    try:
        document = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        raise PubliccodeError([_yaml_message(error)]) from None
    except ValueError:
        # A value its explicit tag cannot be (``!!int zwölf``): YAML's constructors say so
        # with a bare ValueError.
        raise PubliccodeError([_yaml_message(yaml.YAMLError())]) from None
    if not isinstance(document, dict):
        raise PubliccodeError(
            [_("Das ist keine publiccode.yml: erwartet werden Schlüssel wie name, url, legal.")]
        )
    # YAML reads dates as dates; the standard and its schema speak of strings.
    plain: dict[str, Any] = json.loads(json.dumps(document, default=str))
    if problems := schema_problems(plain):
        raise PubliccodeError(problems)
    return plain


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = (
        _("Zeile %(line)d, Spalte %(column)d") % {"line": mark.line + 1, "column": mark.column + 1}
        if mark is not None
        else _("unbekannte Stelle")
    )
    if getattr(error, "problem", None) == "alias":
        return _("Aliase (*name) sind in einer publiccode.yml nicht erlaubt (%(where)s).") % {
            "where": where
        }
    if getattr(error, "problem", None) == "depth":
        return _(
            "Die Datei ist tiefer verschachtelt, als eine publiccode.yml sein kann (%(where)s)."
        ) % {"where": where}
    return _(
        "Die Datei ist kein gültiges YAML (%(where)s). Prüfen Sie Einrückung, Doppelpunkte "
        "und Anführungszeichen."
    ) % {"where": where}


def schema_problems(document: dict[str, Any]) -> list[str]:
    """What the publiccode.yml schema finds wrong with ``document``, in German (empty: valid)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    # The schema may find one gap twice (e.g. through allOf); say each once.
    return list(dict.fromkeys(_schema_message(error) for error in errors))


_TYPES = {
    "string": gettext_lazy("ein Text"),
    "array": gettext_lazy("eine Liste"),
    "object": gettext_lazy("ein Abschnitt mit Schlüsseln"),
    "boolean": gettext_lazy("true oder false"),
    "number": gettext_lazy("eine Zahl"),
}


def _schema_message(error: SchemaError) -> str:
    key = ".".join(str(part) for part in error.absolute_path) or _("(oberste Ebene)")
    validator = error.validator
    if validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return _("„%(key)s“: es fehlt der Schlüssel „%(missing)s“.") % {
            "key": key,
            "missing": ", ".join(missing),
        }
    if validator == "enum":
        allowed = [str(value) for value in error.validator_value]
        shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
        return _("„%(key)s“: „%(value)s“ ist nicht erlaubt. Erlaubt sind: %(allowed)s.") % {
            "key": key,
            "value": error.instance,
            "allowed": shown,
        }
    if validator == "type":
        expected = error.validator_value
        types = expected if isinstance(expected, list) else [expected]
        names = [str(_TYPES.get(str(t), t)) for t in types]
        return _("„%(key)s“ muss %(type)s sein.") % {"key": key, "type": _(" oder ").join(names)}
    if validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        unknown = sorted(str(k) for k in error.instance if k not in known)
        return _("„%(key)s“: unbekannter Schlüssel „%(unknown)s“.") % {
            "key": key,
            "unknown": ", ".join(unknown),
        }
    if validator == "maxLength":
        return _("„%(key)s“ ist zu lang: höchstens %(limit)d Zeichen.") % {
            "key": key,
            "limit": error.validator_value,
        }
    if validator == "format":
        return _("„%(key)s“: „%(value)s“ ist kein gültiger Wert im Format %(format)s.") % {
            "key": key,
            "value": error.instance,
            "format": "JJJJ-MM-TT" if error.validator_value == "date" else error.validator_value,
        }
    return _("„%(key)s“ entspricht nicht dem Standard: %(detail)s") % {
        "key": key,
        "detail": error.message,
    }


def dump_publiccode(document: dict[str, Any]) -> str:
    """``document`` as YAML, keys in the given order, umlauts as they are."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


# --- a register entry as publiccode.yml, and back -------------------------------------------

# The standard asks for at least this long a longDescription; a shorter one is left out.
LONG_DESCRIPTION_MIN = 150


def export_problems(component: Component) -> list[str]:
    """Why the component has no publiccode.yml yet (empty: it has one)."""
    problems = []
    if not component.repository_url:
        problems.append(_("Es ist kein öffentliches Repository eingetragen."))
    if not component.licence:
        problems.append(_("Es ist keine Lizenz eingetragen."))
    return problems


def component_document(component: Component) -> dict[str, Any]:
    """The register entry as a publiccode.yml document (see ``export_problems`` first)."""
    text: dict[str, Any] = {"shortDescription": component.short_description}
    if len(component.description) >= LONG_DESCRIPTION_MIN:
        text["longDescription"] = component.description
    maintenance: dict[str, Any] = {"type": component.maintenance}
    if component.maintenance == Maintenance.CONTRACT and component.maintained_until:
        maintenance["contractors"] = [
            {"name": component.maintainer, "until": component.maintained_until.isoformat()}
        ]
    elif component.maintenance != Maintenance.NONE and component.maintainer:
        maintenance["contacts"] = [{"name": component.maintainer}]
    document: dict[str, Any] = {
        "publiccodeYmlVersion": PUBLICCODE_YML_VERSION,
        "name": component.name,
        "url": component.repository_url,
    }
    if component.software_version:
        document["softwareVersion"] = component.software_version
    if component.release_date:
        document["releaseDate"] = component.release_date.isoformat()
    document |= {
        "platforms": list(component.platforms),
        "developmentStatus": component.development_status,
        "softwareType": component.software_type,
        "description": {"de": text},
        "legal": {"license": component.licence},
        "maintenance": maintenance,
        "localisation": {
            "localisationReady": len(component.languages) > 1,
            "availableLanguages": list(component.languages),
        },
    }
    return document


def component_fields(document: dict[str, Any]) -> dict[str, Any]:
    """The register's fields that a valid publiccode.yml ``document`` fills."""
    descriptions: dict[str, Any] = document["description"]
    language = next((lang for lang in ("de", "en") if lang in descriptions), None)
    text = descriptions[language] if language else next(iter(descriptions.values()), {})
    try:
        licence = parse_licence(document["legal"]["license"])
    except LicenceError as error:
        raise PubliccodeError([_("„legal.license“: %(error)s") % {"error": error}]) from None
    maintenance = document["maintenance"]
    people = maintenance.get("contractors") or maintenance.get("contacts") or [{}]
    until = maintenance.get("contractors", [{}])[0].get("until")
    fields: dict[str, Any] = {
        "name": document["name"],
        "repository_url": document["url"],
        "software_version": str(document.get("softwareVersion", "")),
        "release_date": date.fromisoformat(document["releaseDate"])
        if document.get("releaseDate")
        else None,
        "platforms": document["platforms"],
        "development_status": document["developmentStatus"],
        "software_type": document["softwareType"],
        "short_description": text.get("shortDescription", "").strip(),
        "licence": licence,
        "maintenance": maintenance["type"],
        "maintainer": people[0].get("name", ""),
        "maintained_until": date.fromisoformat(until) if until else None,
        "languages": document["localisation"]["availableLanguages"],
    }
    if text.get("longDescription"):
        fields["description"] = text["longDescription"]
    return fields
