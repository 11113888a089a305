"""What people may read of the audit trail: a record's history, and the public changes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEntry, AuditEntryQuerySet, AuditEvent, ReadableChange
from offenestadt.audit.rules import can_read_internal_entries


def history_for(
    record: models.Model, user: Actor, *, parts: Iterable[models.Model] = ()
) -> AuditEntryQuerySet:
    """The record's history as ``user`` may see it, newest first.

    The public sees public entries only; the city's staff, who read internal records,
    see the internal ones (a draft's changes) too. ``parts`` are records shown as part
    of this one (a procedure's phases, a dataset's distributions): their history is
    the record's.
    """
    history = AuditEntry.objects.for_record(record)
    ids_by_type: defaultdict[str, list[str]] = defaultdict(list)
    for part in parts:
        ids_by_type[part._meta.label_lower].append(str(part.pk))
    if ids_by_type:
        history = AuditEntry.objects.filter(
            Q(object_type=record._meta.label_lower, object_id=str(record.pk)) | _any_of(ids_by_type)
        )
    if not can_read_internal_entries(user):
        history = history.public()
    return history.order_by("-seq")


@dataclass(frozen=True)
class RecordChanges:
    """What changed in one record over several entries: the value then and the value now."""

    kind: str | Promise
    label: str
    changes: list[ReadableChange]


def changes_since(
    record: models.Model, user: Actor, event: AuditEvent, *, parts: Iterable[models.Model] = ()
) -> list[RecordChanges] | None:
    """What changed in ``record`` and its ``parts`` since the record's last entry naming
    ``event`` (say, since the DPO returned it), record by record, field by field as people
    read them. None when the record never had that event.

    Only content counts: state fields (``audit_state_fields``) and fields whose values are
    withheld are left out, and so is a field changed and changed back. A part added since
    shows its values as new. Built from the stored diffs of the entries ``user`` may read.
    """
    parts = list(parts)
    history = list(history_for(record, user, parts=parts))
    own = (record._meta.label_lower, str(record.pk))
    marks = [i for i, e in enumerate(history) if e.event == event and _key(e) == own]
    if not marks:
        return None
    since = marks[0]
    state_fields = {
        (r._meta.label_lower, str(r.pk)): set(getattr(r, "audit_state_fields", ()))
        for r in (record, *parts)
    }
    combined: dict[tuple[str, str], dict[str, list[object]]] = {own: {}}
    labels: dict[tuple[str, str], str] = {}
    for entry in reversed(history[:since]):  # oldest first
        key = _key(entry)
        labels[key] = entry.object_label
        fields = combined.setdefault(key, {})
        for name, values in entry.changes.items():
            if values is not None and name not in state_fields.get(key, ()):
                fields.setdefault(name, [values[0], None])[1] = values[1]
    return [
        _record_changes(key, labels.get(key, str(record)), fields)
        for key, fields in combined.items()
        if any(then != now for then, now in fields.values())
    ]


def _key(entry: AuditEntry) -> tuple[str, str]:
    return (entry.object_type, entry.object_id)


def _record_changes(
    key: tuple[str, str], label: str, fields: dict[str, list[object]]
) -> RecordChanges:
    changed = {name: values for name, values in fields.items() if values[0] != values[1]}
    summary = AuditEntry(object_type=key[0], changes=changed)
    model = apps.get_model(key[0])
    return RecordChanges(model._meta.verbose_name, label, summary.readable_changes())


def _any_of(ids_by_type: dict[str, list[str]]) -> Q:
    condition = Q()
    for object_type, ids in ids_by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition


def public_changes() -> AuditEntryQuerySet:
    """Every record's public changes, newest first: the changes page and its feed."""
    return AuditEntry.objects.public().order_by("-seq")


@dataclass(frozen=True)
class ChangesPage:
    """One page of the public changes, newest first, and where the next pages start.

    Pages are cut by entry number, not by position: an entry appended while someone reads
    page after page shifts nothing, so no entry is shown twice or skipped.
    """

    entries: list[AuditEntry]
    # Older entries start below this number (the last one shown); None on the last page.
    older: int | None
    # Newer entries start above this number (the first one shown); None on the first page.
    newer: int | None


def public_changes_page(
    *, before: int | None = None, after: int | None = None, size: int = 50
) -> ChangesPage:
    """The ``size`` public changes just below entry ``before`` (older ones), or just above
    entry ``after`` (newer ones), or the newest. Each bound is one index range: no counting,
    no skipping over the entries before it, however long the trail."""
    changes = public_changes()
    if after is not None:
        rows = list(changes.filter(seq__gt=after).order_by("seq")[: size + 1])
        if len(rows) > size:
            shown = rows[:size][::-1]
            older = shown[-1].seq if changes.filter(seq__lt=shown[-1].seq).exists() else None
            return ChangesPage(shown, older, shown[0].seq)
        # Fewer than a page above it: that is the newest page.
        before = None
    if before is not None:
        changes = changes.filter(seq__lt=before)
    rows = list(changes[: size + 1])
    shown = rows[:size]
    older = shown[-1].seq if len(rows) > size else None
    newer = None
    if before is not None:
        # Above the first entry shown (or, past the oldest entry, from ``before`` on).
        top = shown[0].seq if shown else before - 1
        newer = top if public_changes().filter(seq__gt=top).exists() else None
    return ChangesPage(shown, older, newer)
