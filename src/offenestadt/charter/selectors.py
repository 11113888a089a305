"""Reading the charter: the version in force, for the pages of other registers."""

from datetime import date

from offenestadt.charter.models import CharterVersion


def charter_in_force(on: date | None = None) -> CharterVersion | None:
    """The version adopted most recently on or before the given day (default: today)."""
    return CharterVersion.objects.in_force(on)
