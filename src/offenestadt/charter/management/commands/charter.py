import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from offenestadt.charter.catalogue import catalogue
from offenestadt.charter.document import CharterFileError, write_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load


class Command(BaseCommand):
    help = "Load a charter version from a TOML file, export one, or list the checks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Adopt the charter in FILE as a new version.")
        load.add_argument("file", type=Path)
        export = sub.add_parser("export", help="Write a version (default: the newest) as TOML.")
        export.add_argument("--version", type=int, dest="number", help="Version number.")
        export.add_argument("--output", type=Path, help="File to write (default: stdout).")
        checks = sub.add_parser("checks", help="List the catalogue of checks charters can bind.")
        checks.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "load":
            self._load(options["file"])
        elif action == "checks":
            self._checks(options["format"])
        else:
            self._export(options["number"], options["output"])

    def _load(self, file: Path) -> None:
        # Exit code 2 for what is wrong with the file, as the other commands do.
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(
                _("%s: die Datei muss UTF-8-Text sein") % file, returncode=2
            ) from None
        try:
            version, created = charter_load(text=text, actor=None)
        except CharterFileError as error:
            if len(error.problems) == 1:
                raise CommandError(
                    _("%(file)s: %(problem)s – nichts wurde geladen")
                    % {"file": file, "problem": error.problems[0]},
                    returncode=2,
                ) from None
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                _("%(file)s: %(count)s Fehler, nichts wurde geladen")
                % {"file": file, "count": len(error.problems)},
                returncode=2,
            ) from None
        message = (
            _("Charta-Version %(number)s beschlossen: %(title)s")
            if created
            else _("Charta-Version %(number)s ist schon geladen, unverändert: %(title)s")
        )
        self.stdout.write(message % {"number": version.number, "title": version.title})

    def _export(self, number: int | None, output: Path | None) -> None:
        versions = CharterVersion.objects.all()
        version = versions.filter(number=number).first() if number else versions.first()
        if version is None:
            raise CommandError(
                _("Diese Charta-Version gibt es nicht.")
                if number
                else _("Es ist keine Charta geladen.")
            )
        text = write_charter(version.document)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)

    def _checks(self, output_format: str) -> None:
        entries = catalogue()
        if output_format == "json":
            data = [entry.as_data() for entry in entries]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for entry in entries:
            gates = _("kann aufhalten") if entry.gates else _("hält nicht selbst auf")
            self.stdout.write(f"{entry.id}  [{entry.record}; {gates}]")
            self.stdout.write(f"    {entry.description}")
            for parameter in entry.parameters:
                default = json.dumps(parameter.default, ensure_ascii=False)
                unit = f", {parameter.unit}" if parameter.unit else ""
                self.stdout.write(
                    f"    {parameter.key} ({parameter.type}{unit}): "
                    + _("Vorgabe %(default)s") % {"default": default}
                )
