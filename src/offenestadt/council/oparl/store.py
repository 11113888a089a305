"""Writing imported objects: compare first, write only what changed, count what happened.

A second import of the same data writes nothing. An object reported deleted is marked
`deleted`, never erased.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.council.models import AgendaItem, Consultation, Meeting, OParlObject, Paper
from offenestadt.council.signals import deliberations_changed

# What happened to an object, by outcome; each a count per OParl type.
OUTCOMES = ("created", "updated", "deleted", "unchanged", "skipped")
OUTCOME_LABELS = {
    "created": gettext_lazy("neu"),
    "updated": gettext_lazy("geändert"),
    "deleted": gettext_lazy("als gelöscht markiert"),
    "unchanged": gettext_lazy("unverändert"),
    "skipped": gettext_lazy("übersprungen"),
}


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
        """The summary for the terminal, in the user's language."""
        lines = []
        for outcome in OUTCOMES:
            counts = sorted((plural(name), n) for name, n in self.counts[outcome].items())
            lines.append(with_detail(str(OUTCOME_LABELS[outcome]), self.total(outcome), counts))
        errors = sorted((_(kind), n) for kind, n in self.errors.items())
        lines.append(with_detail(_("Fehler"), sum(self.errors.values()), errors))
        if self.ignores_since:
            lines.append(
                _("Der Server beachtet modified_since nicht: jede Liste wurde ganz gelesen.")
            )
        if self.incomplete:
            lists = ", ".join(plural(name) for name in self.incomplete)
            lines.append(
                _("Unvollständig, ein neuer Lauf setzt fort bei: %(lists)s") % {"lists": lists}
            )
        return lines


def with_detail(label: str, total: int, counts: list[tuple[str, int]]) -> str:
    """`neu: 12 (Sitzungen 2, Vorlagen 10)`."""
    detail = ", ".join(f"{name} {n}" for name, n in counts)
    return f"{label}: {total}" + (f" ({detail})" if detail else "")


def plural(name: str) -> str:
    """A type's or a list's name (`Paper`, `paper`) as the user reads it (`Vorlagen`)."""
    model = model_of(name[:1].upper() + name[1:])
    return str(model._meta.verbose_name_plural) if model else name


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


# Embedded objects that no other record of their page waits for: they are written together
# when the page is done, instead of one INSERT each.
DEFERRED = frozenset({"File", "Consultation", "Membership", "LegislativeTerm"})
# Keys under which objects name other objects by id, and the type those are.
REFERENCES = {"meeting": "Meeting", "agendaItem": "AgendaItem", "organization": "Organization"}


def model_of(name: str) -> type[OParlObject] | None:
    return next((model for model in OParlObject.__subclasses__() if model.__name__ == name), None)


class Store:
    """Saves a page's objects with a few queries: what the page names is looked up at once
    (`begin`), leaves and retirements are written at its end (`flush`, in its transaction)."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        # This page: the records of the ids it holds, by type, and which ids were looked up.
        self.known: dict[type[OParlObject], dict[str, OParlObject]] = {}
        self.looked_up: dict[type[OParlObject], set[str]] = {}
        self.pending: dict[type[OParlObject], dict[str, OParlObject]] = {}
        self.fresh: set[tuple[type[OParlObject], int]] = set()
        self.retiring: list[tuple[OParlObject, str, set[str]]] = []
        # This page: what may have moved the deliberation of papers (see `touched`).
        self.moved_papers: set[int] = set()
        self.moved_meetings: set[int] = set()
        # The whole run: local keys of OParl ids (records are never erased, keys never change).
        self.keys: dict[type[OParlObject], dict[str, int]] = {}

    def begin(self, items: list[dict[str, Any]]) -> None:
        """Look up at once every object a page holds and every object it refers to."""
        self.forget()
        ids: dict[str, set[str]] = {}
        refs: dict[str, set[str]] = {}
        for value in objects_in(items):
            kind = value.get("type")
            if isinstance(kind, str):
                ids.setdefault(kind.rstrip("/").rsplit("/", 1)[-1], set()).add(value["id"])
            for key, name in REFERENCES.items():
                ref = value.get(key)
                for one in ref if isinstance(ref, list) else [ref]:
                    if isinstance(one, str):
                        refs.setdefault(name, set()).add(one)
        for name, wanted in ids.items():
            model = model_of(name)
            if model is None:
                continue
            found = self.known.setdefault(model, {})
            for record in model._default_manager.filter(oparl_id__in=wanted):
                found[record.oparl_id] = record
                self.keys.setdefault(model, {})[record.oparl_id] = record.pk
            self.looked_up.setdefault(model, set()).update(wanted)
        for name, wanted in refs.items():
            model = model_of(name)
            if model is None:
                continue
            keys = self.keys.setdefault(model, {})
            missing = wanted - keys.keys()
            if missing:
                rows = model._default_manager.filter(oparl_id__in=missing)
                keys.update(rows.values_list("oparl_id", "pk"))

    def flush(self) -> None:
        """Write what the page left for its end; forget the page."""
        for model, records in self.pending.items():
            # unaudited: a mirror of the council information system
            model._default_manager.bulk_create(list(records.values()), batch_size=500)
        self._retire()
        self._tell_moved()
        self.forget()

    def forget(self) -> None:
        self.moved_papers.clear()
        self.moved_meetings.clear()
        self.known.clear()
        self.looked_up.clear()
        self.pending.clear()
        self.fresh.clear()
        self.retiring.clear()

    def touched(self, record: OParlObject) -> None:
        """Note a record created, changed or deleted that `deliberation()` reads."""
        if isinstance(record, Paper):
            self.moved_papers.add(record.pk)
        elif isinstance(record, Consultation):
            self.moved_papers.add(record.paper_id)
        elif isinstance(record, Meeting):
            self.moved_meetings.add(record.pk)
        elif isinstance(record, AgendaItem):
            self.moved_meetings.add(record.meeting_id)

    def _tell_moved(self) -> None:
        """The papers whose deliberation this page may have changed, to the apps above."""
        papers = self.moved_papers
        if self.moved_meetings:
            on_them = Consultation.objects.filter(meeting_id__in=self.moved_meetings)
            papers |= set(on_them.values_list("paper_id", flat=True))
        if papers:
            deliberations_changed.send(sender=Paper, papers=sorted(papers))

    def find[M: OParlObject](self, model: type[M], oparl_id: str) -> M | None:
        for cache in (self.pending, self.known):
            record = cache.get(model, {}).get(oparl_id)
            if record is not None:
                return record  # type: ignore[return-value]
        if oparl_id in self.looked_up.get(model, ()):
            return None
        return find(model, oparl_id)

    def remember(self, record: OParlObject) -> None:
        self.known.setdefault(type(record), {})[record.oparl_id] = record
        if record.pk is not None:
            self.keys.setdefault(type(record), {})[record.oparl_id] = record.pk

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
        record = self.find(model, item["id"])
        if record is None:
            record = model(oparl_id=item["id"], **values, **(initial or {}))
            if model.__name__ in DEFERRED and not related:
                self.pending.setdefault(model, {})[record.oparl_id] = record
            else:
                record.save()  # unaudited: a mirror of the council information system
                for name, pks in (related or {}).items():
                    getattr(record, name).add(*pks)
                self.fresh.add((model, record.pk))
                self.remember(record)
            self.touched(record)
            self.summary.count("created", model)
            return record
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, values[name])
        if changed and record.pk is not None:
            record.save(update_fields=changed)  # unaudited: a mirror of the council system
        for name, pks in (related or {}).items():
            manager = getattr(record, name)
            if set(manager.values_list("pk", flat=True)) != pks:
                manager.set(pks)
                changed.append(name)
        self.remember(record)
        if changed:
            self.touched(record)
        self.summary.count("updated" if changed else "unchanged", model)
        return record

    def mark_deleted(self, model: type[OParlObject], item: dict[str, Any]) -> None:
        """`{"id": …, "deleted": true}`: mark the record, keep it."""
        modified = as_datetime(item.get("modified")) or timezone.now()
        waiting = self.pending.get(model, {}).get(item["id"])
        if waiting is not None:
            if not waiting.deleted:
                waiting.deleted, waiting.modified = True, modified
                self.summary.count("deleted", model)
            return
        records = model._default_manager.filter(oparl_id=item["id"])
        updated = 0
        for record in records.filter(deleted=False):
            record.deleted, record.modified = True, modified
            # unaudited: a mirror of the council information system
            record.save(update_fields=["deleted", "modified"])
            self.touched(record)
            updated += 1
        known = self.known.get(model, {}).get(item["id"])
        if known is not None:
            known.deleted, known.modified = True, modified
        if updated:
            self.summary.count("deleted", model)
        else:
            # Deleted before, or never imported: nothing to mark.
            self.summary.count("unchanged" if records.exists() else "skipped", model)

    def retire(self, parent: OParlObject, relation: str, kept: set[str]) -> None:
        """Mark the embedded objects a parent no longer lists (an agenda item taken off).

        Done when the page is: a record made now has nothing to retire.
        """
        if (type(parent), parent.pk) not in self.fresh:
            self.retiring.append((parent, relation, kept))

    def _retire(self) -> None:
        groups: dict[tuple[type[OParlObject], str], dict[int, set[str]]] = {}
        for parent, relation, kept in self.retiring:
            groups.setdefault((type(parent), relation), {})[parent.pk] = kept
        for (parent_model, relation), kept_by_parent in groups.items():
            field = parent_model._meta.get_field(relation).field  # type: ignore[union-attr]
            model: type[OParlObject] = field.model  # type: ignore[assignment]
            children = model._default_manager.filter(
                **{f"{field.attname}__in": kept_by_parent}, deleted=False
            )
            for record in children:
                if record.oparl_id not in kept_by_parent[getattr(record, field.attname)]:
                    record.deleted = True
                    # unaudited: a mirror of the council information system
                    record.save(update_fields=["deleted"])
                    self.touched(record)
                    self.summary.count("deleted", type(record))

    def pk_of(self, model: type[OParlObject], ref: Any) -> int | None:
        if isinstance(ref, dict):
            ref = ref.get("id")
        if not isinstance(ref, str):
            return None
        known = self.keys.get(model, {}).get(ref)
        if known is not None:
            return known
        pk = pk_of(model, ref)
        if pk is not None:
            self.keys.setdefault(model, {})[ref] = pk
        return pk

    def pks(self, model: type[OParlObject], ids: Any) -> set[int]:
        """The local records of the OParl ids in ``ids`` (a list of URLs), those imported."""
        wanted = [value for value in ids if isinstance(value, str)] if isinstance(ids, list) else []
        found = {pk for ref in wanted if (pk := self.keys.get(model, {}).get(ref)) is not None}
        if len(found) < len(wanted):
            found = pks(model, wanted)
        return found


def objects_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every object with an id in ``value``, embedded ones too."""
    if isinstance(value, list):
        for part in value:
            yield from objects_in(part)
    elif isinstance(value, dict):
        if isinstance(value.get("id"), str):
            yield value
        for part in value.values():
            if isinstance(part, (list, dict)):
                yield from objects_in(part)


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
