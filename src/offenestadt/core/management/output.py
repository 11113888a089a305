"""What the commands that write a report or an export share: the German answer to an
unknown --format, and writing the bytes to the chosen file or to standard output."""

import sys
from collections.abc import Collection
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def output_format(given: str, known: Collection[str]) -> str:
    """The format asked for, in lower case, if the command knows it."""
    chosen = given.lower()
    if chosen not in known:
        raise CommandError(
            _("Unbekanntes Format „%(format)s“: möglich sind %(formats)s.")
            % {"format": given, "formats": ", ".join(known)}
        )
    return chosen


def output_write(content: bytes, path: Path | None) -> bool:
    """Writes to the file, or to standard output without one; True where a file was written.

    Binary, so a PDF and a CSV's byte order mark pass unchanged."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return False
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None
    return True
