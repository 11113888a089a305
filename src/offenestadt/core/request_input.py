"""What a request may carry, read the same way by every page, the API and the standard
endpoints: text without characters no database column can hold, whole numbers within a
range a database can count to, and finite amounts."""

import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# The highest offset or page number anyone may ask for: far beyond any list the city
# keeps, and far below the 64-bit integers databases count with (2**63 - 1), so that
# offset + limit still fits.
MAX_OFFSET = 2**31 - 1
# The largest id a record can have (a 64-bit database integer).
MAX_RECORD_ID = 2**63 - 1

# NUL cannot be stored in PostgreSQL text (psycopg refuses it), and a lone surrogate cannot
# be encoded as UTF-8 at all: no record holds either, so no filter or identifier may.
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


# The longest value a query parameter or a string in a JSON body may have: a search of
# 2,000 words fits, and SQLite's limit on a LIKE pattern (50,000 bytes, reached by a
# 12,500-character value of four-byte characters) does not.
MAX_VALUE_LENGTH = 10_000


class InputError(ValueError):
    """A value from a request that cannot be used; the message says what to send instead."""


def is_unreadable(text: str) -> bool:
    """Whether the text holds a character that no stored text can hold."""
    return _UNREADABLE.search(text) is not None


def _texts_in(value: object) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included (without recursion: JSON may
    nest deeper than Python's call stack)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(str(key) for key in item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def unreadable_part(request: HttpRequest) -> str | None:
    """Which part of the request carries unreadable text (None if none does).

    Read: the path, the query string, a form body (urlencoded) and a JSON body. A
    multipart body is left to the forms, which already refuse such text field by field
    (Django's ProhibitNullCharactersValidator), so an upload is not read twice.
    """
    if is_unreadable(request.path):
        return _("die Adresse")
    for key, values in request.GET.lists():
        if is_unreadable(key) or any(is_unreadable(value) for value in values):
            return _("der Parameter „%(name)s“") % {"name": _printable(key)}
    if request.method != "POST":
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        for key, values in request.POST.lists():
            if is_unreadable(key) or any(is_unreadable(value) for value in values):
                return _("das Formularfeld „%(name)s“") % {"name": _printable(key)}
    elif request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            return None  # the view answers what is wrong with the JSON itself
        if any(is_unreadable(text) for text in _texts_in(body)):
            return _("der JSON-Inhalt")
    return None


def overlong_part(request: HttpRequest) -> str | None:
    """Which part of the request carries a value longer than MAX_VALUE_LENGTH: a query
    parameter (name or value) or a string in a JSON body. Forms keep their own limits."""
    for key, values in request.GET.lists():
        if len(key) > MAX_VALUE_LENGTH or any(len(value) > MAX_VALUE_LENGTH for value in values):
            return _("der Parameter „%(name)s“") % {"name": _printable(key)}
    if request.method == "POST" and request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            return None  # the view answers what is wrong with the JSON itself
        if any(len(text) > MAX_VALUE_LENGTH for text in _texts_in(body)):
            return _("der JSON-Inhalt")
    return None


def overlong_message(part: str) -> str:
    """What to tell whoever sent a value longer than any search or filter needs."""
    return _(
        "%(part)s ist länger als %(maximum)s Zeichen; kein Suchbegriff und kein Filter braucht "
        "so viel. Bitte kürzer senden."
    ) % {
        "part": part[:1].upper() + part[1:],
        "maximum": number_format(MAX_VALUE_LENGTH, force_grouping=True),
    }


def unreadable_message(part: str) -> str:
    """What to tell whoever sent unreadable text in ``part`` of a request."""
    return _(
        "%(part)s enthält ein Nullzeichen oder ein ungültiges Unicode-Zeichen; solche Zeichen "
        "kommen in keinem Eintrag vor. Bitte ohne sie erneut senden."
    ) % {"part": part[:1].upper() + part[1:]}


def _printable(name: str) -> str:
    """A parameter's name fit to be named in a message."""
    return _UNREADABLE.sub("\N{REPLACEMENT CHARACTER}", name)[:50]


def bounded_int(value: object, *, name: str, minimum: int = 0, maximum: int = MAX_OFFSET) -> int:
    """A whole number from a request (text, or a number from JSON) within the bounds.

    Refuses what is not a whole number (including NaN, infinity and 1e400), and numbers
    outside ``minimum``..``maximum``, with a message that names the parameter.
    """
    refusal = InputError(
        _("%(name)s muss eine ganze Zahl von %(minimum)d bis %(maximum)d sein.")
        % {"name": name, "minimum": minimum, "maximum": maximum}
    )
    if isinstance(value, bool):
        raise refusal
    if isinstance(value, float):
        if not value.is_integer():  # NaN and infinity too
            raise refusal
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # ASCII digits only: int() would also read other scripts' digits and "1_000".
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
            raise refusal
        number = int(text)
    if not minimum <= number <= maximum:
        raise refusal
    return number


def page_number(requested: str | None) -> int:
    """A page number from a query string, read as Django's Paginator.get_page reads it:
    anything but a number is the first page, a number past the end (however large) is
    the last page, once the caller clamps it to the number of pages."""
    text = (requested or "").strip()
    if not re.fullmatch(r"[0-9]+", text):
        return 1
    digits = text.lstrip("0")
    if len(digits) > len(str(MAX_OFFSET)):
        return MAX_OFFSET
    return max(1, min(int(digits or "0"), MAX_OFFSET))


def finite_decimal(text: str, *, name: str, max_digits: int = 30) -> Decimal:
    """An amount from a request as written in German (dots group thousands, the comma
    separates the cents: ``1.234,50``); refuses NaN, infinity, exponents and absurdly long
    numbers."""
    cleaned = text.strip().replace(" ", "").replace(".", "").replace(",", ".")
    refusal = InputError(
        _("%(name)s muss ein Betrag sein, zum Beispiel 1000 oder 1.234,50.") % {"name": name}
    )
    if not re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+", cleaned) or len(cleaned) > max_digits:
        raise refusal
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise refusal from None
