"""Charter documents: the human-editable TOML file a city adopts, read and written back.

The document holds a ``[charter]`` table (title, city, version, adoption date, council
decision, ``format = 2``), an array ``[[principles]]`` and a ``[procedures]`` table. Each
principle has an id of the city's choosing, its texts, ``gate`` (``false`` makes its findings
advisory: they do not hold a record back), the ids of the checks it binds
(``checks = ["free-training", …]``, see ``offenestadt charter checks``) and, in its
``[principles.parameters]`` table, the values of those checks' parameters for this binding.
``[procedures]`` sets the parameters no check reads (a contract's waiting periods). Each
parameter is declared with its type in :mod:`offenestadt.charter.parameters`.

Reading checks everything and reports every mistake with its line; writing gives a file that
reads back to the same content. A document of format 1 (without ``format``: each check's
principle fixed in code, parameters in ``[[parameters]]``) is read and converted
(:mod:`offenestadt.charter.legacy`).
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from typing import Any

import tomlkit
from django.utils.translation import gettext as _

from offenestadt.charter.engine import parameters_read, registered_rule
from offenestadt.charter.legacy import CURRENT_FORMAT, upgraded
from offenestadt.charter.parameters import DECLARED

LANGUAGES = ("de", "en")
LOCALISED_PRINCIPLE_FIELDS = ("title", "description", "plain")
HEADER_FIELDS = ("title", "city", "version", "adopted_on", "council_decision")
# The ids a city gives its principles: "P1", "L2", "teilhabe".
PRINCIPLE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
PARAMETER_KEY = re.compile(r"[a-z][a-z0-9_]*")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

type Path = tuple[str | int, ...]


@dataclass(frozen=True)
class CharterProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Zeile %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class CharterFileError(ValueError):
    def __init__(self, problems: list[CharterProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _field_name(path: Path) -> str:
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


class _LineFinder:
    """Finds the line of a field in the file, to point the reader at it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, path: Path) -> int:
        section, *rest = path
        index: int | None = None
        if rest and isinstance(rest[0], int):
            index = rest.pop(0)  # type: ignore[assignment]  # an int, checked just above
        header = f"[[{section}]]" if index is not None else f"[{section}]"
        start = self._nth_header(header, index or 0)
        if start is None:
            return 1
        if not rest:
            return start + 1
        key, *inner = (str(part) if not isinstance(part, int) else part for part in rest)
        dotted = ".".join(str(part) for part in rest if not isinstance(part, int))
        sub_table = f"[{section}.{key}]"
        in_sub_table = False
        for number in range(start + 1, len(self.lines)):
            stripped = self.lines[number].strip()
            if stripped.replace(" ", "") == sub_table:
                in_sub_table = True
                continue
            if stripped.startswith("["):
                break
            names = [re.escape(dotted), re.escape(str(key))]
            if in_sub_table and inner and not isinstance(inner[0], int):
                names = [re.escape(str(inner[0]))]
            elif in_sub_table:
                continue
            if re.match(rf"({'|'.join(names)})\s*[=.]", stripped):
                if inner and isinstance(inner[0], int):
                    return self._nth_string(number, inner[0]) + 1
                return number + 1
        return start + 1

    def _nth_string(self, start: int, index: int) -> int:
        """The line of the ``index``-th quoted text of the array that begins on ``start``."""
        seen = -1
        for number in range(start, len(self.lines)):
            line = self.lines[number].split("=", 1)[1] if number == start else self.lines[number]
            seen += len(re.findall(r'"[^"]*"', line))
            if seen >= index or "]" in line:
                return number
        return start

    def _nth_header(self, header: str, index: int) -> int | None:
        seen = -1
        for number, line in enumerate(self.lines):
            if line.strip().replace(" ", "") == header:
                seen += 1
                if seen == index:
                    return number
        return None


class _Checker:
    def __init__(self, text: str) -> None:
        self.finder = _LineFinder(text)
        self.problems: list[CharterProblem] = []

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(CharterProblem(self.finder.line_of(path), _field_name(path), message))

    def table(self, data: dict[str, Any], path: Path, allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                (*path, key), _("unbekanntes Feld; erlaubt sind: %s") % ", ".join(sorted(allowed))
            )

    def text(self, data: dict[str, Any], path: Path, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), _("fehlt; erwartet wird ein Text"))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem((*path, key), _("erwartet wird ein nicht leerer Text"))
            return ""
        if not self.printable((*path, key), value):
            return ""
        return value.strip()

    def printable(self, path: Path, value: str) -> bool:
        """Whether a text holds no control character (line breaks and tabs aside): the
        register could not store a NUL, and no charter needs one."""
        if found := CONTROL_CHARACTER.search(value):
            self.problem(
                path,
                _("enthält das Steuerzeichen U+%04X; entfernen Sie es") % ord(found.group()),
            )
            return False
        return True

    def localised(self, data: dict[str, Any], path: Path, key: str) -> dict[str, str]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problem(
                (*path, key),
                _("erwartet werden Texte auf Deutsch und Englisch (%(key)s.de, %(key)s.en)")
                % {"key": key},
            )
            return dict.fromkeys(LANGUAGES, "")
        self.table(value, (*path, key), set(LANGUAGES))
        return {language: self.text(value, (*path, key), language) for language in LANGUAGES}


def problem_at(text: str, path: Path, message: str) -> CharterProblem:
    """A problem with a field of a document that parsed, found by its path."""
    return CharterProblem(_LineFinder(text).line_of(path), _field_name(path), message)


def parse_charter(text: str) -> dict[str, Any]:
    """Read and check a charter document; return its content as plain data (today's format).

    Raises CharterFileError listing every problem with its line.
    """
    try:
        data = tomllib.loads(text)
    except RecursionError:
        # Arrays or tables nested a thousand deep: no charter needs more than a few levels.
        raise CharterFileError(
            [CharterProblem(1, _("Datei"), _("zu tief verschachtelt; so ist keine Charta gebaut"))]
        ) from None
    except tomllib.TOMLDecodeError as error:
        # "Illegal character '\n' (at line 3, column 18)": the position ends the message.
        where = re.search(r"\(at line (\d+), column \d+\)$", str(error))
        reason = str(error)[: where.start()].strip() if where else str(error)
        raise CharterFileError(
            [
                CharterProblem(
                    int(where[1]) if where else 1,
                    _("Datei"),
                    _("kein gültiges TOML: %s") % reason,
                )
            ]
        ) from None
    check = _Checker(text)
    header = data.get("charter")
    if not isinstance(header, dict):
        check.problem(("charter",), _("der Abschnitt [charter] fehlt"))
        header = {}
    document_format = header.get("format", 1)
    if isinstance(document_format, bool) or document_format not in (1, CURRENT_FORMAT):
        check.problem(("charter", "format"), _("erwartet wird format = 2"))
        document_format = CURRENT_FORMAT  # read as today's, to report what else is wrong
    legacy = document_format == 1
    if legacy and ("procedures" in data or _binds_checks(data.get("principles"))):
        check.problem(
            ("charter", "format"),
            _("eine Charta, deren Prinzipien Prüfungen binden, braucht format = 2"),
        )
        legacy = False  # read as meant, to report what else is wrong
    check.table(data, (), {"charter", "principles", "parameters" if legacy else "procedures"})
    check.table(
        header,
        ("charter",),
        {*HEADER_FIELDS, "format"},
    )
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.problem(("charter", "version"), _("erwartet wird eine ganze Zahl ab 1"))
    adopted_on = header.get("adopted_on")
    if not isinstance(adopted_on, date):
        check.problem(
            ("charter", "adopted_on"),
            _("erwartet wird ein Datum wie 2021-03-25 (ohne Anführungszeichen)"),
        )
    content: dict[str, Any] = {
        "format": CURRENT_FORMAT,
        "charter": {
            "title": check.text(header, ("charter",), "title"),
            "city": check.text(header, ("charter",), "city"),
            "version": version,
            "adopted_on": adopted_on.isoformat() if isinstance(adopted_on, date) else None,
            "council_decision": check.text(header, ("charter",), "council_decision"),
        },
        "principles": _principles(check, data.get("principles"), legacy=legacy),
        "procedures": {},
    }
    if legacy:
        principle_ids = {
            principle["id"]
            for principle in content["principles"]
            if isinstance(principle["id"], str) and PRINCIPLE_ID.fullmatch(principle["id"])
        }
        parameters = _parameters(check, data.get("parameters", []), principle_ids)
        if not check.problems:
            old = {**content, "parameters": parameters}
            del old["format"]
            content = upgraded(old, parameters_read())
    else:
        content["procedures"] = _procedures(check, data.get("procedures", {}))
    if check.problems:
        raise CharterFileError(sorted(check.problems, key=lambda problem: problem.line))
    return content


def _binds_checks(items: Any) -> bool:
    return isinstance(items, list) and any(
        isinstance(item, dict) and ("checks" in item or "parameters" in item) for item in items
    )


def _principles(check: _Checker, items: Any, *, legacy: bool) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        check.problem(("principles",), _("mindestens ein Prinzip [[principles]] wird gebraucht"))
        return []
    principles, seen = [], set()
    for index, item in enumerate(items):
        path: Path = ("principles", index)
        if not isinstance(item, dict):
            check.problem(path, _("erwartet wird ein Abschnitt [[principles]]"))
            continue
        bindings = set() if legacy else {"checks", "parameters"}
        check.table(item, path, {"id", "gate", *LOCALISED_PRINCIPLE_FIELDS, *bindings})
        principle_id = item.get("id")
        if not isinstance(principle_id, str) or not PRINCIPLE_ID.fullmatch(principle_id):
            check.problem(
                (*path, "id"),
                _('erwartet wird eine Kennung aus Buchstaben, Ziffern, - und _ wie "P1"'),
            )
        elif principle_id in seen:
            check.problem((*path, "id"), _("die Kennung %s kommt doppelt vor") % principle_id)
        seen.add(principle_id)
        gate = item.get("gate", True)
        if not isinstance(gate, bool):
            check.problem((*path, "gate"), _("erwartet wird true oder false"))
        principle = {"id": principle_id, "gate": gate} | {
            field: check.localised(item, path, field) for field in LOCALISED_PRINCIPLE_FIELDS
        }
        if not legacy:
            checks = _checks(check, item.get("checks", []), path)
            principle["checks"] = checks
            principle["parameters"] = _binding_parameters(
                check, item.get("parameters", {}), path, checks
            )
        principles.append(principle)
    return principles


def _checks(check: _Checker, items: Any, path: Path) -> list[str]:
    if not isinstance(items, list):
        check.problem((*path, "checks"), _('erwartet wird eine Liste wie ["free-training"]'))
        return []
    checks: list[str] = []
    for index, check_id in enumerate(items):
        where = (*path, "checks", index)
        if not isinstance(check_id, str) or registered_rule(check_id) is None:
            check.problem(
                where,
                _("keine Prüfung %(id)s im Katalog (offenestadt charter checks listet sie)")
                % {"id": check_id},
            )
        elif check_id in checks:
            check.problem(where, _("das Prinzip bindet %s schon") % check_id)
        else:
            checks.append(check_id)
    return checks


def _binding_parameters(
    check: _Checker, values: Any, path: Path, checks: list[str]
) -> dict[str, Any]:
    """The principle's values for the parameters of the checks it binds."""
    if not isinstance(values, dict):
        check.problem((*path, "parameters"), _("erwartet wird ein Abschnitt mit Werten"))
        return {}
    read = {
        declaration.key: declaration
        for check_id in checks
        for declaration in registered_rule(check_id).parameters  # type: ignore[union-attr]
    }
    parameters = {}
    for key, value in values.items():
        where = (*path, "parameters", key)
        if key not in read:
            check.problem(
                where,
                _(
                    "keine der Prüfungen dieses Prinzips hat einen Parameter %(key)s; "
                    "ihre Parameter: %(known)s"
                )
                % {"key": key, "known": ", ".join(sorted(read)) or _("keine")},
            )
        elif _typed(check, where, read[key], value):
            parameters[key] = value
    return parameters


def _procedures(check: _Checker, values: Any) -> dict[str, Any]:
    """The values of parameters no check reads (the platform's procedures read them)."""
    if not isinstance(values, dict):
        check.problem(("procedures",), _("erwartet wird ein Abschnitt [procedures]"))
        return {}
    read_by_checks = set().union(*parameters_read().values())
    procedures = {}
    for key, value in values.items():
        where = ("procedures", key)
        if key not in DECLARED:
            check.problem(
                where,
                _("die Plattform kennt keinen Parameter %(key)s; bekannt sind: %(known)s")
                % {"key": key, "known": ", ".join(sorted(set(DECLARED) - read_by_checks))},
            )
        elif key in read_by_checks:
            check.problem(
                where,
                _(
                    "%s lesen Prüfungen: setzen Sie ihn unter [principles.parameters] eines "
                    "Prinzips, das sie bindet"
                )
                % key,
            )
        elif _typed(check, where, DECLARED[key], value):
            procedures[key] = value
    return procedures


def _typed(check: _Checker, where: Path, declaration: Any, value: Any) -> bool:
    if declaration.accepts(value):
        return not isinstance(value, str) or check.printable(where, value)
    check.problem(
        where,
        _("der Parameter %(key)s erwartet %(expected)s")
        % {"key": declaration.key, "expected": _expected(declaration.kind)},
    )
    return False


def _parameters(check: _Checker, items: Any, principle_ids: set[str]) -> list[dict[str, Any]]:
    """The ``[[parameters]]`` of a document of format 1, each naming its principle."""
    if not isinstance(items, list):
        check.problem(("parameters",), _("erwartet wird eine Liste [[parameters]]"))
        return []
    parameters, seen = [], set()
    for index, item in enumerate(items):
        path: Path = ("parameters", index)
        if not isinstance(item, dict):
            check.problem(path, _("erwartet wird ein Abschnitt [[parameters]]"))
            continue
        check.table(item, path, {"key", "value", "unit", "principle", "description"})
        key = item.get("key")
        if not isinstance(key, str) or not PARAMETER_KEY.fullmatch(key):
            check.problem((*path, "key"), _("erwartet wird ein Name aus Kleinbuchstaben und _"))
        elif key in seen:
            check.problem((*path, "key"), _("der Parameter %s kommt doppelt vor") % key)
        elif key not in DECLARED:
            check.problem(
                (*path, "key"),
                _("die Regeln kennen keinen Parameter %(key)s; bekannt sind: %(known)s")
                % {"key": key, "known": ", ".join(sorted(DECLARED))},
            )
        seen.add(key)
        value = item.get("value")
        declaration = DECLARED.get(key) if isinstance(key, str) else None
        if not isinstance(value, bool | int | float | str):
            check.problem(
                (*path, "value"), _("erwartet wird eine Zahl, ja/nein (true/false) oder ein Text")
            )
        elif declaration is not None and not declaration.accepts(value):
            check.problem(
                (*path, "value"),
                _("der Parameter %(key)s erwartet %(expected)s")
                % {"key": key, "expected": _expected(declaration.kind)},
            )
        principle = item.get("principle")
        # Without any valid principle the problem is already reported there.
        if principle_ids and principle not in principle_ids:
            check.problem(
                (*path, "principle"),
                _("erwartet wird die Kennung eines Prinzips dieser Charta (%s)")
                % ", ".join(sorted(principle_ids)),
            )
        parameters.append(
            {
                "key": key,
                "value": value,
                "unit": check.text(item, path, "unit", required=False),
                "principle": principle,
                "description": check.localised(item, path, "description"),
            }
        )
    return parameters


def _expected(kind: type) -> str:
    """How a parameter's type is named to the person who wrote the document."""
    if kind is bool:
        return _("ja/nein (true/false)")
    if kind is int:
        return _("eine ganze Zahl")
    return _("einen Text")


def _declared_order(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """Parameter values in the order of their declarations: the same file whatever order
    the content came in (PostgreSQL's jsonb keeps an object's keys in an order of its own)."""
    order = list(DECLARED)
    return sorted(values.items(), key=lambda item: order.index(item[0]))


def write_charter(content: dict[str, Any]) -> str:
    """The charter document for checked content in today's format;
    parse_charter(write_charter(c)) == c."""
    document = tomlkit.document()
    header = tomlkit.table()
    for key in HEADER_FIELDS:
        value = content["charter"][key]
        header.add(key, date.fromisoformat(value) if key == "adopted_on" else _string(value))
    header.add("format", content["format"])
    document.add("charter", header)
    principles = tomlkit.aot()
    for principle in content["principles"]:
        table = tomlkit.table()
        table.add("id", principle["id"])
        table.add("gate", principle["gate"])
        for field in LOCALISED_PRINCIPLE_FIELDS:
            _add_localised(table, field, principle[field])
        checks = tomlkit.array()
        checks.extend(principle["checks"])
        table.add("checks", checks.multiline(len(principle["checks"]) > 1))
        if principle["parameters"]:
            parameters = tomlkit.table()
            for key, value in _declared_order(principle["parameters"]):
                parameters.add(key, _string(value))
            table.add("parameters", parameters)
        principles.append(table)
    document.add("principles", principles)
    if content["procedures"]:
        procedures = tomlkit.table()
        for key, value in _declared_order(content["procedures"]):
            procedures.add(key, _string(value))
        document.add("procedures", procedures)
    return tomlkit.dumps(document)


def _string(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def _add_localised(table: Any, field: str, texts: dict[str, str]) -> None:
    for language in LANGUAGES:
        table.add(tomlkit.key([field, language]), _string(texts[language]))
