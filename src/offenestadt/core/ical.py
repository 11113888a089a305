"""iCalendar (RFC 5545) for the platform's calendars: events in UTC, text escaped, lines folded
at 75 octets and ended by CRLF, as calendar programs expect."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

MEDIA_TYPE = "text/calendar; charset=utf-8"
# What TEXT may not hold (RFC 5545 3.3.11: CONTROL but HTAB).
_CONTROL = re.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f]")
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    summary: str
    end: datetime | None = None
    location: str = ""
    url: str = ""
    cancelled: bool = False
    modified: datetime | None = None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped.
    Every line break (also vertical tab, form feed, NEL, U+2028/2029, which programs that
    split with Python's ``splitlines`` see as one) becomes ``\\n``, and other control
    characters, which TEXT may not hold, are dropped: a title never starts a property."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines = escaped.replace("\r\n", "\n").splitlines()
    return "\\n".join(_CONTROL.sub("", line) for line in lines)


def _fold(line: str) -> str:
    """The line in pieces of at most 75 octets, never splitting a character (RFC 5545 3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def _event_lines(event: Event, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(event.uid)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(event.start)}",
    ]
    if event.end is not None and event.end > event.start:
        lines.append(f"DTEND:{_utc(event.end)}")
    lines.append(f"SUMMARY:{_text(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.modified is not None:
        lines.append(f"LAST-MODIFIED:{_utc(event.modified)}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, product: str, name: str) -> str:
    """The calendar holding the events, as one iCalendar object."""
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(product)}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
