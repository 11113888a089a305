"""Reading the charter: the version in force, for the pages of other registers."""

from datetime import date

from offenestadt.charter.models import CharterVersion


def charter_in_force(on: date | None = None) -> CharterVersion | None:
    """The version adopted most recently on or before the given day (default: today)."""
    return CharterVersion.objects.in_force(on)


def newest_charter() -> CharterVersion | None:
    """The version adopted last, whether or not it is in force yet: what an amendment changes."""
    return CharterVersion.objects.order_by("-number").first()


def first_adopted_on() -> date | None:
    """The day the first charter version was adopted: the programme's beginning."""
    return (
        CharterVersion.objects.order_by("adopted_on").values_list("adopted_on", flat=True).first()
    )
