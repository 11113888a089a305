"""Weekly opening and phone hours: read from what editors type, checked, counted and shown.

Hours are intervals on weekdays (Monday 08:00 to 12:00), each within its day; an
interval never crosses midnight (split it over two days) and intervals on one day do not
overlap. They are stored on an access channel as a JSON list of
``{"day": "monday", "opens": "08:00", "closes": "12:00"}`` (``24:00`` closes at midnight),
which is also how the API gives them out. P5 compares the hours per week before and after.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Weekday(models.TextChoices):
    MONDAY = "monday", _("Montag")
    TUESDAY = "tuesday", _("Dienstag")
    WEDNESDAY = "wednesday", _("Mittwoch")
    THURSDAY = "thursday", _("Donnerstag")
    FRIDAY = "friday", _("Freitag")
    SATURDAY = "saturday", _("Samstag")
    SUNDAY = "sunday", _("Sonntag")


# Monday first, as days are counted in intervals (0 = Monday).
WEEKDAYS: tuple[str, ...] = tuple(Weekday.values)
WEEKDAY_LABELS = tuple(Weekday.labels)
MINUTES_PER_DAY = 24 * 60
# More intervals than this on one day are a typing mistake, not opening hours.
MAX_INTERVALS_PER_DAY = 12
EXAMPLE = "08:00–12:00, 13:00–18:00"

# "8", "08:00", "8.30", "8:30 Uhr"; ASCII digits only.
_CLOCK = r"[0-9]{1,2}(?:[:.][0-9]{2})?"
_SPAN = re.compile(
    rf"(?P<opens>{_CLOCK})\s*(?:uhr\s*)?(?:-|–|—|bis)\s*(?P<closes>{_CLOCK})\s*(?:uhr)?",
    re.ASCII | re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:[,;/]|\bund\b)\s*", re.IGNORECASE)
# The stored form is strict: HH:MM.
_STORED_CLOCK = re.compile(r"[0-9]{2}:[0-9]{2}", re.ASCII)


@dataclass(frozen=True, order=True)
class Interval:
    """One opening on one weekday, in minutes after midnight (``closes`` up to 24:00)."""

    day: int
    opens: int
    closes: int

    @property
    def minutes(self) -> int:
        return self.closes - self.opens

    def as_text(self) -> str:
        return f"{clock(self.opens)}–{clock(self.closes)}"


def clock(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    """A time of day as minutes after midnight; 24:00 is the end of the day."""
    hours, _separator, minutes = text.replace(".", ":").partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 24 or int(minutes or 0) > 59 or value > MINUTES_PER_DAY:
        raise ValidationError(
            _("„%(time)s“ ist keine Uhrzeit: Stunden gehen von 0 bis 24, Minuten von 0 bis 59."),
            code="invalid_time",
            params={"time": text},
        )
    return value


def _checked(day: int, intervals: Iterable[Interval]) -> list[Interval]:
    """The day's intervals in order, each ending after it begins, none overlapping."""
    ordered = sorted(intervals)
    if len(ordered) > MAX_INTERVALS_PER_DAY:
        raise ValidationError(
            _("Höchstens %(count)s Zeitspannen an einem Tag."),
            code="too_many",
            params={"count": MAX_INTERVALS_PER_DAY},
        )
    for interval in ordered:
        if interval.closes <= interval.opens:
            raise ValidationError(
                _(
                    "„%(span)s“ endet nicht nach dem Beginn. Zeiten über Mitternacht teilen "
                    "Sie auf zwei Tage auf."
                ),
                code="ends_before_start",
                params={"span": interval.as_text()},
            )
    for earlier, later in pairwise(ordered):
        if later.opens < earlier.closes:
            raise ValidationError(
                _("„%(first)s“ und „%(second)s“ überschneiden sich. Fassen Sie sie zusammen."),
                code="overlap",
                params={"first": earlier.as_text(), "second": later.as_text()},
            )
    return ordered


def parse_day(day: int, text: str) -> list[Interval]:
    """The intervals an editor typed for one weekday, e.g. "08:00–12:00, 13:00–18:00".

    Empty means closed that day. Raises ValidationError with a message saying what to fix.
    """
    text = text.strip()
    if not text:
        return []
    intervals = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        span = _SPAN.fullmatch(part)
        if span is None:
            raise ValidationError(
                _(
                    "„%(text)s“ ist keine Zeitspanne. Schreiben Sie Beginn und Ende, mehrere "
                    "durch Komma getrennt, zum Beispiel: %(example)s"
                ),
                code="invalid",
                params={"text": part[:40], "example": EXAMPLE},
            )
        intervals.append(Interval(day, _minutes(span["opens"]), _minutes(span["closes"])))
    return _checked(day, intervals)


@dataclass(frozen=True)
class WeeklyHours:
    """A channel's hours over the week; empty when none are recorded."""

    intervals: tuple[Interval, ...] = ()

    @classmethod
    def from_days(cls, days: dict[int, list[Interval]]) -> "WeeklyHours":
        return cls(tuple(sorted(i for intervals in days.values() for i in intervals)))

    @classmethod
    def same_on(cls, days: Iterable[int], times: str) -> "WeeklyHours":
        """The same hours on each of ``days`` (0 = Monday), typed as editors type them."""
        return cls.from_days({day: parse_day(day, times) for day in days})

    @classmethod
    def from_json(cls, data: Any) -> "WeeklyHours":
        """Hours as stored (and as the API gives them); ValidationError if they are not."""
        invalid = ValidationError(
            _(
                'Die Zeiten müssen eine Liste von {"day": "monday", "opens": "08:00", '
                '"closes": "12:00"} sein.'
            ),
            code="invalid_hours",
        )
        if not isinstance(data, list):
            raise invalid
        days: dict[int, list[Interval]] = {}
        for item in data:
            if not isinstance(item, dict) or set(item) != {"day", "opens", "closes"}:
                raise invalid
            day, opens, closes = item["day"], item["opens"], item["closes"]
            if day not in WEEKDAYS or not all(
                isinstance(t, str) and _STORED_CLOCK.fullmatch(t) for t in (opens, closes)
            ):
                raise invalid
            index = WEEKDAYS.index(day)
            days.setdefault(index, []).append(Interval(index, _minutes(opens), _minutes(closes)))
        for day, intervals in days.items():
            days[day] = _checked(day, intervals)
        return cls.from_days(days)

    def as_json(self) -> list[dict[str, str]]:
        return [
            {"day": WEEKDAYS[i.day], "opens": clock(i.opens), "closes": clock(i.closes)}
            for i in self.intervals
        ]

    def __bool__(self) -> bool:
        return bool(self.intervals)

    @property
    def minutes_per_week(self) -> int:
        return sum(interval.minutes for interval in self.intervals)

    def on(self, day: int) -> list[Interval]:
        return [interval for interval in self.intervals if interval.day == day]

    def day_text(self, day: int) -> str:
        """One weekday's hours as an editor types them: "08:00–12:00, 13:00–18:00"."""
        return ", ".join(interval.as_text() for interval in self.on(day))

    def lines(self) -> list[tuple[str, str]]:
        """The hours for readers, days with the same hours taken together:
        [("Montag bis Freitag", "8:00 bis 12:00 Uhr und 13:00 bis 18:00 Uhr"), …]."""
        groups: list[tuple[list[int], list[tuple[int, int]]]] = []
        for day in range(len(WEEKDAYS)):
            times = [(i.opens, i.closes) for i in self.on(day)]
            if not times:
                continue
            if groups and groups[-1][1] == times and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], times))
        return [(_days_text(days), _times_text(times)) for days, times in groups]


def _days_text(days: list[int]) -> str:
    first, last = str(WEEKDAY_LABELS[days[0]]), str(WEEKDAY_LABELS[days[-1]])
    if len(days) == 1:
        return first
    if len(days) == 2:
        return gettext("%(first)s und %(last)s") % {"first": first, "last": last}
    return gettext("%(first)s bis %(last)s") % {"first": first, "last": last}


def _reader_clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _times_text(times: list[tuple[int, int]]) -> str:
    return gettext(" und ").join(
        gettext("%(opens)s bis %(closes)s Uhr")
        % {"opens": _reader_clock(opens), "closes": _reader_clock(closes)}
        for opens, closes in times
    )


def per_week_short(minutes: int) -> str:
    """Hours per week for a finding, in the active language: "50 h/Woche"."""
    hours, rest = divmod(minutes, 60)
    if rest:
        return gettext("%(hours)s h %(minutes)s min/Woche") % {"hours": hours, "minutes": rest}
    return gettext("%(hours)s h/Woche") % {"hours": hours}


def per_week_long(minutes: int) -> str:
    """Hours per week for readers, in the active language: "50 Stunden pro Woche"."""
    hours, rest = divmod(minutes, 60)
    text = ngettext("%(hours)s Stunde", "%(hours)s Stunden", hours) % {"hours": hours}
    if rest:
        text += " " + ngettext("%(minutes)s Minute", "%(minutes)s Minuten", rest) % {
            "minutes": rest
        }
    return gettext("%(duration)s pro Woche") % {"duration": text}
