"""What people may read of the audit trail: a record's history, and the public changes."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

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


def changes_since(
    record: models.Model, user: Actor, event: AuditEvent
) -> list[ReadableChange] | None:
    """What changed in ``record`` since its last entry naming ``event`` (say, since the DPO
    returned it), field by field as people read them: the value then and the value now.

    None when the record never had that event. Only the record's content counts: its state
    fields (``audit_state_fields``) and fields whose values are withheld are left out, and
    so is a field changed and changed back. Built from the stored diffs of the entries
    ``user`` may read.
    """
    state_fields = set(getattr(record, "audit_state_fields", ()))
    history = list(history_for(record, user))
    last = next((i for i, entry in enumerate(history) if entry.event == event), None)
    if last is None:
        return None
    combined: dict[str, list[object]] = {}
    for entry in reversed(history[:last]):  # oldest first
        for name, values in entry.changes.items():
            if values is None or name in state_fields:
                continue
            combined.setdefault(name, [values[0], None])[1] = values[1]
    changed: dict[str, object] = {
        name: values for name, values in combined.items() if values[0] != values[1]
    }
    summary = AuditEntry(object_type=record._meta.label_lower, changes=changed)
    return summary.readable_changes()


def _any_of(ids_by_type: dict[str, list[str]]) -> Q:
    condition = Q()
    for object_type, ids in ids_by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition


def public_changes() -> AuditEntryQuerySet:
    """Every record's public changes, newest first: the changes page and its feed."""
    return AuditEntry.objects.public().order_by("-seq")
