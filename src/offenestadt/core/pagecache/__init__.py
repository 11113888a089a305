"""Public pages served from a cache that every write invalidates exactly (see ``middleware``).

Pages also change by themselves when a moment passes (a vote opens or closes, a course
session starts, a meeting begins): the apps name the date-time fields that mark such moments
(``changes_at``), and a page that read one of those tables is stored until the next such
moment at most. Pages that change at midnight (dates, "today", days counted) are keyed by the
date. A view may also say so itself (``valid_until``) or keep its page out (``exclude``).
"""

import datetime

from django.db.models import Min, Model, Q
from django.http import HttpRequest

from offenestadt.core.pagecache.tracking import REWRITES, collecting

# model -> the date-time fields at which its pages change by themselves
_TIMED: dict[type[Model], tuple[str, ...]] = {}


def changes_at(model: type[Model], *fields: str) -> None:
    """Pages that read ``model`` change when the time passes one of these fields' values."""
    _TIMED[model] = fields


def next_change(tables: set[str], now: datetime.datetime) -> datetime.datetime | None:
    """The next moment after ``now`` at which a page that read ``tables`` changes by itself."""
    moments = []
    for model, fields in _TIMED.items():
        if model._meta.db_table in tables:
            found = model._base_manager.aggregate(
                **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in fields}
            )
            moments += [moment for moment in found.values() if moment is not None]
    return min(moments, default=None)


def valid_until(request: HttpRequest, moment: datetime.datetime | None) -> None:
    """This page changes by itself at ``moment``: a stored copy is served until then at most.
    None: nothing changes with time."""
    collector = collecting()
    if collector is None or moment is None:
        return
    if collector.valid_until is None or moment < collector.valid_until:
        collector.valid_until = moment


def rewritten_by(model: type[Model], *sources: type[Model]) -> None:
    """The database rewrites rows of ``model`` when rows of ``sources`` are written (a
    trigger keeps a column derived from them): pages that read ``model``'s table as a whole
    are rendered again after such a write. (A page anchored on one record already depends on
    the rows that point to it.)"""
    for source in sources:
        REWRITES.setdefault(source._meta.db_table, set()).add(model._meta.db_table)


def exclude(request: HttpRequest) -> None:
    """This page must be rendered for each request (it shows the visitor's own state)."""
    collector = collecting()
    if collector is not None:
        collector.excluded = True
