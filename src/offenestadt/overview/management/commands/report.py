"""`offenestadt report --year N --format html|pdf [--output FILE]`: the council's annual report."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from offenestadt.core.management.output import output_format, output_write
from offenestadt.overview.report import annual_report, parse_year, report_html
from offenestadt.overview.report_pdf import report_pdf

FORMATS = ("html", "pdf")


class Command(BaseCommand):
    help = "Write the council's annual report for a year as HTML or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="The year of the report, e.g. 2026.")
        parser.add_argument(
            "--format",
            dest="report_format",
            default="html",
            metavar="html|pdf",
            help="Format of the report (default: html).",
        )
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            self._write(options["year"], options["report_format"].lower(), options["output"])

    def _write(self, year_text: str, report_format: str, output: Path | None) -> None:
        try:
            year = parse_year(year_text)
        except ValueError as error:
            raise CommandError(f"--year: {error}") from None
        report_format = output_format(report_format, FORMATS)
        report = annual_report(year)
        content = report_pdf(report) if report_format == "pdf" else report_html(report).encode()
        if not output_write(content, output):
            return
        self.stdout.write(
            _("Jahresbericht %(year)s als %(format)s nach %(file)s geschrieben.")
            % {"year": year, "format": report_format.upper(), "file": output}
        )
