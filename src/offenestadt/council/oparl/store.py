"""Writing imported objects: compare first, write only what changed, count what happened.

A second import of the same data writes nothing. An object reported deleted is marked
`deleted`, never erased.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from offenestadt.council.models import OParlObject

# What happened to an object, by outcome; each a count per OParl type.
OUTCOMES = ("created", "updated", "deleted", "unchanged", "skipped")


@dataclass
class Summary:
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {outcome: Counter() for outcome in OUTCOMES}
    )
    errors: Counter[str] = field(default_factory=Counter)
    incomplete: list[str] = field(default_factory=list)
    ignores_since: bool = False

    def count(self, outcome: str, model: type[models.Model]) -> None:
        self.counts[outcome][model.__name__] += 1

    def total(self, outcome: str) -> int:
        return sum(self.counts[outcome].values())

    @property
    def changed(self) -> int:
        return sum(self.total(outcome) for outcome in ("created", "updated", "deleted"))

    def lines(self) -> list[str]:
        lines = []
        for outcome in OUTCOMES:
            detail = ", ".join(f"{name} {n}" for name, n in sorted(self.counts[outcome].items()))
            lines.append(f"{outcome}: {self.total(outcome)}" + (f" ({detail})" if detail else ""))
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(self.errors.items()))
        lines.append(f"errors: {sum(self.errors.values())}" + (f" ({errors})" if errors else ""))
        if self.ignores_since:
            lines.append("the server ignores modified_since: every list was read in full")
        if self.incomplete:
            lines.append("incomplete, a rerun resumes: " + ", ".join(self.incomplete))
        return lines


def as_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value[:10])
        parsed = datetime(day.year, day.month, day.day) if day else None  # noqa: DTZ001
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def as_date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_date(value[:10])
    except ValueError:
        return None


def as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(part) for part in value if part)
    return str(value).strip() if value is not None else ""


def clipped(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Values cut to their columns' lengths: one overlong title must not stop an import."""
    for name, value in values.items():
        column = model._meta.get_field(name.removesuffix("_id"))
        limit = getattr(column, "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            values[name] = value[:limit]
    return values


class Store:
    def __init__(self, summary: Summary) -> None:
        self.summary = summary

    def save[M: OParlObject](
        self,
        model: type[M],
        item: dict[str, Any],
        values: dict[str, Any],
        related: dict[str, set[int]] | None = None,
        initial: dict[str, Any] | None = None,
    ) -> M:
        """Create or update the record of ``item``; ``values`` use column names (`body_id`).

        ``initial`` values are set only when the record is created.
        """
        values = clipped(
            model, {**values, "modified": as_datetime(item.get("modified")), "deleted": False}
        )
        record = find(model, item["id"])
        if record is None:
            record = model(oparl_id=item["id"], **values, **(initial or {}))
            record.save()  # unaudited: a mirror of the council information system
            for name, pks in (related or {}).items():
                getattr(record, name).set(pks)
            self.summary.count("created", model)
            return record
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, values[name])
        if changed:
            record.save(update_fields=changed)  # unaudited: a mirror of the council system
        for name, pks in (related or {}).items():
            manager = getattr(record, name)
            if set(manager.values_list("pk", flat=True)) != pks:
                manager.set(pks)
                changed.append(name)
        self.summary.count("updated" if changed else "unchanged", model)
        return record

    def mark_deleted(self, model: type[OParlObject], item: dict[str, Any]) -> None:
        """`{"id": …, "deleted": true}`: mark the record, keep it."""
        records = model._default_manager.filter(oparl_id=item["id"])
        updated = records.filter(deleted=False).update(
            deleted=True, modified=as_datetime(item.get("modified")) or timezone.now()
        )  # unaudited: a mirror of the council information system
        if updated:
            self.summary.count("deleted", model)
        else:
            # Deleted before, or never imported: nothing to mark.
            self.summary.count("unchanged" if records.exists() else "skipped", model)

    def retire(self, queryset: models.QuerySet[Any], kept: set[str]) -> None:
        """Mark the embedded objects a parent no longer lists (an agenda item taken off)."""
        gone = queryset.filter(deleted=False).exclude(oparl_id__in=kept)
        for record in gone:
            record.deleted = True
            record.save(update_fields=["deleted"])  # unaudited: a mirror of the council system
            self.summary.count("deleted", type(record))


def pks(model: type[OParlObject], ids: Any) -> set[int]:
    """The local records of the OParl ids in ``ids`` (a list of URLs), those imported."""
    wanted = [value for value in ids if isinstance(value, str)] if isinstance(ids, list) else []
    return set(model._default_manager.filter(oparl_id__in=wanted).values_list("pk", flat=True))


def pk_of(model: type[OParlObject], ref: Any) -> int | None:
    if isinstance(ref, dict):
        ref = ref.get("id")
    if not isinstance(ref, str):
        return None
    pks = model._default_manager.filter(oparl_id=ref).values_list("pk", flat=True)
    return next(iter(pks), None)


def find[M: OParlObject](model: type[M], oparl_id: str) -> M | None:
    # get() on the unique id: first() would sort, which costs a sixth of an import's time.
    try:
        record: M = model._default_manager.get(oparl_id=oparl_id)
    except model.DoesNotExist:
        return None
    return record
