"""Dates the charter's gates read cannot be rewritten after the fact.

A gate asks whether a procedure has ended, how long a contract has been public, when the
council meets. If those dates could be moved into the past once the public has seen them,
every gate could be opened at once. A model names its gate dates in ``gate_dates``;
``audit.services.save_record`` and ``delete_record`` — the one path every public record is
written through — ask :func:`refuse_rewritten_dates` and :func:`refuse_deleting_history`
before each write, so a form, a service, a command and any later path obey the same rule:

* a *recorded* moment (published, signed, the result report out) is the time something
  happened: it is never set in the past and never moved earlier;
* a *start* (a phase, a meeting, a council session) is fixed once it is reached; before
  that it may be postponed, and brought forward only with a public reason and never
  before today;
* an *end* of a period never shortens the period once it has started; before that it may
  be postponed, and brought forward only with a public reason and never before today.

Starts and ends bind once the record is public; a draft's plans are free. The reason is a
field of the record (``gate_dates_reason``): it is written to the audit trail with the
change and shown on the record's page, and a new earlier date needs a new reason.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# A recorded moment is set by the service to "now" just before it is saved.
RECORDED_TOLERANCE = timedelta(minutes=5)


class DateRole(StrEnum):
    RECORDED = "recorded"
    START = "start"
    END = "end"


@dataclass(frozen=True)
class GateDate:
    """A date field a gate reads, and its role. ``start`` names the field where the
    period of an END begins; without it the period counts as begun (a withdrawal period
    runs from publication)."""

    field: str
    role: DateRole
    start: str = ""


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _shown(value: date | datetime) -> str:
    """The day for a message, as readers of its language write it (19.10.2026)."""
    return date_format(_day(value), "SHORT_DATE_FORMAT")


def _reached(value: date | datetime) -> bool:
    """A day counts from its start; a moment from itself."""
    if isinstance(value, datetime):
        return value <= timezone.now()
    return value <= timezone.localdate()


def _before_today(value: date | datetime) -> bool:
    """Announced for a day before today: the public could not have known."""
    return _day(value) < timezone.localdate()


def _label(record: models.Model, name: str) -> str:
    return str(record._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _reason(record: Any, stored: Any) -> str:
    """The record's reason for an earlier date, if it gives a new one with this change."""
    field = getattr(record, "gate_dates_reason", "")
    if not field:
        return ""
    given = str(getattr(record, field) or "").strip()
    if stored is not None and given == str(getattr(stored, field) or "").strip():
        return ""
    return given


def _started(record: Any, gate_date: GateDate) -> bool:
    if not gate_date.start:
        return True
    start = getattr(record, gate_date.start)
    return start is not None and _reached(start)


def _recorded_problem(old: Any, new: Any, label: str) -> str | None:
    if new is None:
        return None
    if isinstance(new, datetime):
        in_past = new < timezone.now() - RECORDED_TOLERANCE
    else:
        in_past = new < timezone.localdate()
    if in_past or (old is not None and new < old):
        return _("„%(field)s“ hält fest, wann es geschah: es wird nicht zurückdatiert.") % {
            "field": label
        }
    return None


def _planned_problem(
    *, record: Any, stored: Any, gate_date: GateDate, old: Any, new: Any, label: str
) -> str | None:
    """A start or an end on a public record."""
    not_before_today = _("„%(field)s“ darf nicht vor heute liegen: der Eintrag ist öffentlich.")
    if new is None:
        if old is not None and gate_date.role == DateRole.START and _reached(old):
            return _("„%(field)s“ ist erreicht und steht fest.") % {"field": label}
        return None
    if old is None:
        return not_before_today % {"field": label} if _before_today(new) else None
    if gate_date.role == DateRole.START and _reached(old):
        return _("„%(field)s“ ist erreicht (%(date)s) und kann nicht mehr verschoben werden.") % {
            "field": label,
            "date": _shown(old),
        }
    if new >= old:
        return None
    if gate_date.role == DateRole.END and _started(stored, gate_date):
        return _(
            "Der Zeitraum läuft schon: „%(field)s“ kann nur verlängert werden, nicht verkürzt "
            "(bisher %(date)s)."
        ) % {"field": label, "date": _shown(old)}
    if _before_today(new):
        return not_before_today % {"field": label}
    if not _reason(record, stored):
        if getattr(record, "gate_dates_reason", ""):
            return _("„%(field)s“ rückt nach vorn: nennen Sie dafür einen öffentlichen Grund.") % {
                "field": label
            }
        return _("„%(field)s“ kann nur auf später verschoben werden.") % {"field": label}
    return None


def rewritten_date_problems(*, record: Any, stored: Any) -> dict[str, str]:
    """What a write would rewrite among ``record``'s gate dates, by field.

    ``stored`` is the record as it is in the database (None when it is new).
    """
    gate_dates: tuple[GateDate, ...] = getattr(record, "gate_dates", ())
    if not gate_dates:
        return {}
    public = (stored if stored is not None else record).is_public_record()
    problems: dict[str, str] = {}
    for gate_date in gate_dates:
        old = getattr(stored, gate_date.field) if stored is not None else None
        new = getattr(record, gate_date.field)
        if old == new:
            continue
        label = _label(record, gate_date.field)
        if gate_date.role == DateRole.RECORDED:
            problem = _recorded_problem(old, new, label)
        elif public:
            problem = _planned_problem(
                record=record,
                stored=stored,
                gate_date=gate_date,
                old=old,
                new=new,
                label=label,
            )
        else:
            problem = None
        if problem:
            problems[gate_date.field] = problem
    return problems


def refuse_rewritten_dates(*, record: Any, stored: Any) -> None:
    """Raise a ValidationError naming each gate date the write would rewrite."""
    problems = rewritten_date_problems(record=record, stored=stored)
    if problems:
        raise ValidationError(problems)


def refuse_deleting_history(record: Any) -> None:
    """A public record whose start has been reached is part of the history: it stays."""
    if not record.is_public_record():
        return
    for gate_date in getattr(record, "gate_dates", ()):
        value = getattr(record, gate_date.field)
        if gate_date.role == DateRole.START and value is not None and _reached(value):
            raise ValidationError(
                _(
                    "„%(record)s“ hat am %(date)s begonnen und ist öffentlich: es bleibt "
                    "in der Geschichte und wird nicht gelöscht."
                )
                % {"record": record, "date": _shown(value)}
            )
