"""`offenestadt voting codes`: issue one-time voting codes, the only time they exist as text."""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from offenestadt.voting.letters import codes_csv, letters_pdf
from offenestadt.voting.models import Vote
from offenestadt.voting.services import codes_issue


def _create_private(path: Path) -> int:
    """Open a new file only its owner can read; never overwrite (it may hold other codes)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(
            _("%(file)s gibt es schon; Codes werden nie über eine Datei geschrieben.")
            % {"file": path}
        ) from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


class Command(BaseCommand):
    help = "Issue one-time voting codes for a vote: a CSV list and, with --pdf, letters."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        codes = sub.add_parser(
            "codes",
            help="Make new codes for a vote. Only their salted hashes are stored: the CSV "
            "(and the PDF) written now are the only copy of the codes.",
        )
        codes.add_argument("--vote", type=int, required=True, help="The vote's id.")
        codes.add_argument("--count", type=int, required=True, help="How many codes.")
        codes.add_argument(
            "--out", type=Path, required=True, help="New CSV file: number,code,vote,batch."
        )
        codes.add_argument("--pdf", type=Path, help="New PDF file: one letter per code.")
        codes.add_argument(
            "--note", default="", help="What the codes are for (public), e.g. a district."
        )
        codes.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The site's address, printed on the letters (default: SITE_URL).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        vote = Vote.objects.select_related("procedure").filter(pk=options["vote"]).first()
        if vote is None:
            raise CommandError(_("Es gibt keine Abstimmung %(id)s.") % {"id": options["vote"]})
        out: Path = options["out"]
        pdf: Path | None = options["pdf"]
        if pdf is not None and pdf.resolve() == out.resolve():
            raise CommandError(_("CSV und PDF brauchen zwei verschiedene Dateien."))
        for path in [out] if pdf is None else [out, pdf]:
            if path.exists():
                raise CommandError(
                    _("%(file)s gibt es schon; Codes werden nie über eine Datei geschrieben.")
                    % {"file": path}
                )
        created: list[Path] = []
        try:
            # Files and codes together: if writing fails, no code is stored that nobody has.
            with transaction.atomic():
                batch, codes = codes_issue(vote=vote, count=options["count"], note=options["note"])
                url = f"{options['site_url'].rstrip('/')}{vote.get_absolute_url()}"
                contents = {out: codes_csv(batch=batch, codes=codes).encode()}
                if pdf is not None:
                    contents[pdf] = letters_pdf(batch=batch, codes=codes, url=url)
                for path, content in contents.items():
                    descriptor = _create_private(path)
                    created.append(path)
                    with os.fdopen(descriptor, "wb") as file:
                        file.write(content)
        except ValidationError as error:
            self._remove(created)
            raise CommandError(" ".join(error.messages)) from None
        except BaseException:
            self._remove(created)
            raise
        self.stdout.write(
            _("%(count)s Codes für „%(vote)s“ (Ausgabe %(batch)s) nach %(files)s geschrieben.")
            % {
                "count": len(codes),
                "vote": vote.title,
                "batch": batch.pk,
                "files": ", ".join(str(path) for path in created),
            }
        )

    @staticmethod
    def _remove(paths: list[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
