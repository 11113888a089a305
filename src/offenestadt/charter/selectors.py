"""Reading the charter: the version in force, for the pages of other registers, and the
records that complete the minimum days in public it asks for."""

from datetime import date, timedelta

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import ParameterDeclaration, parameter_value


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


def published_long_enough_between[M: models.Model](
    records: QuerySet[M],
    charter: CharterVersion | None,
    min_public_days: ParameterDeclaration[int],
    first: date,
    last: date,
) -> QuerySet[M]:
    """Those published ``records`` that complete the charter's ``min_public_days`` in public
    between ``first`` and ``last``, the oldest first."""
    days = timedelta(days=parameter_value(charter, min_public_days))
    return records.filter(published_at__date__range=(first - days, last - days)).order_by(
        "published_at"
    )


def public_days_reached_on[M: models.Model](
    records: QuerySet[M], charter: CharterVersion | None, min_public_days: ParameterDeclaration[int]
) -> list[tuple[M, date]]:
    """Each record with the day it completes the charter's ``min_public_days`` in public."""
    days = timedelta(days=parameter_value(charter, min_public_days))
    # Every record a charter counts days in public for has published_at.
    return [
        (record, timezone.localdate(record.published_at) + days)  # type: ignore[attr-defined]
        for record in records
    ]
