"""The one path by which public records are created, changed and deleted.

Domain services check permissions, then call :func:`save_record` or
:func:`delete_record` with the :class:`AuditEvent` that says what happened; these write
the record and its audit entry in one transaction, so there is no change without an
entry and no entry without a change.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Protocol, cast

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import (
    DELETION_EVENTS,
    Action,
    AuditEntry,
    AuditEvent,
    ChainHead,
    Checkpoint,
)
from offenestadt.audit.signals import record_saved
from offenestadt.core.gate_dates import refuse_deleting_history, refuse_rewritten_dates


class AuditedRecord(Protocol):
    """What a model offers to be audited (see registry.models.Project)."""

    pk: Any
    # Fields whose before/after values are shown in the public history.
    audit_fields: ClassVar[tuple[str, ...]]
    # Fields whose change is a transition of the record's state (lifecycle, publication).
    audit_state_fields: ClassVar[tuple[str, ...]]

    def is_public_record(self) -> bool: ...

    def save(self, *args: Any, **kwargs: Any) -> None: ...

    def delete(self, *args: Any, **kwargs: Any) -> Any: ...


def _snapshot(record: AuditedRecord) -> dict[str, Any]:
    values = {name: _field_value(record, name) for name in record.audit_fields}
    # Normalise to what JSON gives back, so the stored entry hashes the same after a reload.
    normalised: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return normalised


def record_snapshot(record: AuditedRecord) -> dict[str, Any]:
    """The record's public values as its audit entries hold them (for bulk loaders that
    write entries themselves, such as the scale data set)."""
    return _snapshot(record)


def _field_value(record: AuditedRecord, name: str) -> Any:
    field = record._meta.get_field(name)  # type: ignore[attr-defined]
    if isinstance(field, models.ForeignKey):
        related = getattr(record, name)
        return None if related is None else str(related)
    if isinstance(field, models.FileField):
        # The file's name stands for it; the content is not part of the history.
        return getattr(record, name).name or None
    value = getattr(record, name)
    if value is None:
        return None
    # As the column stores it: a budget of 95000 saved as 95000.00 is no change.
    value = field.to_python(value)
    if isinstance(field, models.DecimalField):
        places = Decimal(1).scaleb(-field.decimal_places)
        return value.quantize(places, rounding=ROUND_HALF_UP)
    return value


def _internal_changes(stored: AuditedRecord, record: AuditedRecord) -> dict[str, None]:
    """Changed fields outside ``audit_fields``: named in the entry, their values withheld."""
    changed: dict[str, None] = {}
    for field in record._meta.concrete_fields:  # type: ignore[attr-defined]
        if (
            field.primary_key
            or field.name in record.audit_fields
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        if field.value_from_object(stored) != field.value_from_object(record):
            changed[field.name] = None
    return changed


def actor_role(actor: Actor | None) -> str:
    """The role recorded for an actor: staff roles by name, anyone else as 'public'."""
    if actor is None:
        return "system"
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return "public"
    return str(actor.role)


def chained_entry(
    *,
    seq: int,
    prev_hash: str,
    created_at: datetime,
    record: AuditedRecord,
    action: Action,
    event: AuditEvent,
    role: str,
    changes: dict[str, Any],
    is_public: bool,
) -> AuditEntry:
    """The entry after ``prev_hash`` about ``record``, its digest and hash computed, unsaved
    (bulk loaders such as the scale data set write many at once)."""
    entry = AuditEntry(
        seq=seq,
        created_at=created_at,
        action=action,
        event=event,
        actor_role=role,
        object_type=record._meta.label_lower,  # type: ignore[attr-defined]
        object_id=str(record.pk),
        object_label=str(record)[:300],
        changes=changes,
        is_public=is_public,
        prev_hash=prev_hash,
    )
    entry.payload_digest = entry.compute_payload_digest()
    entry.entry_hash = AuditEntry.chain_hash(entry.prev_hash, entry.payload_digest)
    return entry


def _append(
    *,
    record: AuditedRecord,
    actor: Actor | None,
    action: Action,
    event: AuditEvent,
    changes: dict[str, list[Any] | None],
    is_public: bool,
) -> AuditEntry:
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    entry = chained_entry(
        seq=head.seq + 1,
        prev_hash=head.entry_hash,
        created_at=timezone.now(),
        record=record,
        action=action,
        event=event,
        role=actor_role(actor),
        changes=changes,
        is_public=is_public,
    )
    entry.save()
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    head.save(update_fields=["seq", "entry_hash"])
    return entry


@transaction.atomic
def records_backfill(*, model: type[models.Model]) -> int:
    """Take the records of an audited model that have no entry at all into the trail.

    For an upgrade in which a model becomes audited: its records stored before have no
    creation entry, and verification names them. Each gets one, with its values as they
    are now and the event "recorded" (recorded afterwards, by the system), so history says
    when it was taken in, not that it was created then. Records with any entry are left
    alone; so a second backfill adds nothing. Returns how many were taken in.
    """
    if not getattr(model, "audit_fields", None):
        raise ValueError(f"{model._meta.label_lower} is not an audited model")
    label = model._meta.label_lower
    known = set(AuditEntry.objects.filter(object_type=label).values_list("object_id", flat=True))
    ChainHead.objects.select_for_update().get_or_create(pk=1)  # one backfill at a time
    taken = 0
    for record in model._default_manager.order_by("pk").iterator(chunk_size=2000):
        if str(record.pk) in known:
            continue
        audited = cast(AuditedRecord, record)
        after = _snapshot(audited)
        _append(
            record=audited,
            actor=None,
            action=Action.CREATE,
            event=AuditEvent.RECORDED,
            changes={
                name: [None, value] for name, value in after.items() if value not in ("", None)
            },
            is_public=audited.is_public_record(),
        )
        taken += 1
    return taken


def created_or_changed(record: AuditedRecord) -> AuditEvent:
    """The event of a plain save: created for a new record, changed for a stored one."""
    adding: bool = record._state.adding  # type: ignore[attr-defined]
    return AuditEvent.CREATED if adding else AuditEvent.CHANGED


# The records a many-to-many field of a record is to link to, by the field's name.
Links = Mapping[str, Iterable[models.Model]]


@transaction.atomic
def save_record(
    *, record: AuditedRecord, actor: Actor | None, event: AuditEvent, links: Links | None = None
) -> AuditEntry | None:
    """Save a new or changed record and append its audit entry, naming ``event``.

    Values of ``audit_fields`` are recorded before and after; other changed fields are
    named with their values withheld. ``links`` sets many-to-many fields (a project's
    council papers) in the same step: the records linked before and after are recorded by
    name, as lists. Returns None when nothing changed: then nothing is written, so a
    repeated save leaves the record and its history as they were.

    Dates the charter's gates read are never rewritten into the past (core.gate_dates):
    such a write is refused with a ValidationError naming the field.

    An appended entry is announced with ``audit.signals.record_saved``, in the transaction.
    """
    if event in DELETION_EVENTS:
        raise ValueError(f"{event} is a deletion: use delete_record")
    model = type(record)
    adding = record._state.adding  # type: ignore[attr-defined]
    if event == AuditEvent.CREATED and not adding:
        raise ValueError("a stored record cannot be created again")
    stored = None if adding else model._default_manager.select_for_update().get(pk=record.pk)  # type: ignore[attr-defined]
    refuse_rewritten_dates(record=record, stored=stored)
    entry: AuditEntry | None
    linked = {name: list(related) for name, related in (links or {}).items()}
    if stored is None:
        entry = _append_created(record, actor, event, linked)
    else:
        entry = _append_changed(record, stored, actor, event, linked)
    if entry is not None:
        record_saved.send(sender=model, record=record, actor=actor, entry=entry)
    return entry


def _link_names(related: Iterable[models.Model]) -> list[str]:
    return sorted(str(linked) for linked in related)


def _link_changes(
    record: AuditedRecord, linked: dict[str, list[models.Model]]
) -> dict[str, list[Any] | None]:
    """The many-to-many fields in ``linked`` whose records differ from those stored, each
    as the names before and after."""
    changes: dict[str, list[Any] | None] = {}
    for name, related in linked.items():
        stored = list(getattr(record, name).all()) if record.pk is not None else []
        if {linked.pk for linked in stored} != {linked.pk for linked in related}:
            changes[name] = [_link_names(stored) or None, _link_names(related) or None]
    return changes


def _set_links(record: AuditedRecord, linked: dict[str, list[models.Model]]) -> None:
    for name, related in linked.items():
        getattr(record, name).set(related)


def _append_created(
    record: AuditedRecord,
    actor: Actor | None,
    event: AuditEvent,
    linked: dict[str, list[models.Model]],
) -> AuditEntry:
    record.save()
    after = _snapshot(record)
    changes: dict[str, list[Any] | None] = {
        name: [None, value] for name, value in after.items() if value not in ("", None)
    }
    changes |= _link_changes(record, linked)
    _set_links(record, linked)
    return _append(
        record=record,
        actor=actor,
        action=Action.CREATE,
        event=event,
        changes=changes,
        is_public=record.is_public_record(),
    )


def _append_changed(
    record: AuditedRecord,
    stored: AuditedRecord,
    actor: Actor | None,
    event: AuditEvent,
    linked: dict[str, list[models.Model]],
) -> AuditEntry | None:
    before, after = _snapshot(stored), _snapshot(record)
    changes: dict[str, list[Any] | None] = {
        name: [before[name], after[name]] for name in after if before[name] != after[name]
    }
    changes.update(_internal_changes(stored, record))
    link_changes = _link_changes(stored, linked)
    if not changes and not link_changes:
        return None
    record.save()
    _set_links(record, linked)
    # As stored: saving can change a value (a file's final name in the storage).
    after = _snapshot(record)
    changes = (
        {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        | _internal_changes(stored, record)
        | link_changes
    )
    transition = any(name in changes for name in record.audit_state_fields)
    action = Action.TRANSITION if transition else Action.UPDATE
    return _append(
        record=record,
        actor=actor,
        action=action,
        event=event,
        changes=changes,
        is_public=record.is_public_record() or stored.is_public_record(),
    )


def _taken_along(record: AuditedRecord) -> list[AuditedRecord]:
    """Audited records that deleting ``record`` removes with it (cascades)."""
    instance = cast(models.Model, record)
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    taken: list[Any] = []
    for model, instances in collector.data.items():
        if hasattr(model, "audit_fields"):
            taken += [
                i for i in instances if not (type(i) is type(instance) and i.pk == instance.pk)
            ]
    for objs in collector.fast_deletes:
        if hasattr(objs.model, "audit_fields"):
            taken += list(objs)
    return taken


@transaction.atomic
def delete_record(*, record: AuditedRecord, actor: Actor | None, event: AuditEvent) -> AuditEntry:
    """Delete a record; its entry names ``event`` (deleted, or erased when its retention
    ended) and keeps the last public values.

    Audited records the deletion takes along (a paragraph's comments) get their own
    deletion entry first, so the chain never names a record that is silently gone.
    A public record that has begun (a phase, a meeting) is history: deleting it, or
    anything that takes it along, is refused (core.gate_dates).
    """
    if event not in DELETION_EVENTS:
        raise ValueError(f"{event} is not a deletion: use save_record")
    taken_along = _taken_along(record)
    for kept in (record, *taken_along):
        refuse_deleting_history(kept)
    for taken in taken_along:
        _append(
            record=taken,
            actor=actor,
            action=Action.DELETE,
            event=event,
            changes={name: [value, None] for name, value in _snapshot(taken).items()},
            is_public=taken.is_public_record(),
        )
    before = _snapshot(record)
    was_public = record.is_public_record()
    entry = _append(
        record=record,
        actor=actor,
        action=Action.DELETE,
        event=event,
        changes={name: [value, None] for name, value in before.items()},
        is_public=was_public,
    )
    record.delete()
    return entry


@transaction.atomic
def checkpoint_create() -> Checkpoint:
    """Publish the current head of the chain (run daily by the scheduler)."""
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    return Checkpoint.objects.create(seq=head.seq, entry_hash=head.entry_hash)
