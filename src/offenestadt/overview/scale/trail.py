"""The scale data set's audit trail: every record's creation and its history, appended to
the hash chain in bulk, each entry hashed exactly as ``audit.services`` hashes it.

Entries are built by ``audit.services.chained_entry``, the function the application's own
appends use, so digest and link are computed as for any entry; only the writing is bulk (COPY on
PostgreSQL, ``bulk_create`` elsewhere). The database's seal trigger sees every inserted row
as it sees an entry appended by the application; the head moves with every batch.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from django.db import connection, models, transaction

from offenestadt.audit.models import (
    PAYLOAD_COLUMNS,
    Action,
    AuditEntry,
    AuditEvent,
    ChainHead,
    ChainSeal,
)
from offenestadt.audit.services import chained_entry, record_snapshot

BATCH = 500
# Batches between two VACUUMs of the seal on PostgreSQL.
VACUUM_EVERY = 20
COLUMNS = (*PAYLOAD_COLUMNS, "payload_digest", "prev_hash", "entry_hash")


@dataclass
class History:
    """One record's way to its stored state: the values it was created with, then steps.

    ``initial`` overrides stored values in the creation entry (a project created as an idea,
    unpublished); each step names the fields it changes and the values after it, and the
    last value of every field is the stored one, so verification finds record and chain agree.
    """

    record: models.Model
    role: str
    initial: dict[str, Any] = field(default_factory=dict)
    # (event, {field: value after the step}) in order.
    steps: list[tuple[AuditEvent, dict[str, Any]]] = field(default_factory=list)
    # A text field revised ``revisions`` times after the steps: "Entwurf N: …" before.
    revised: str = ""
    revisions: int = 0
    # The revised field's stored text, taken when the creation entry is written.
    final: str = ""


class ChainMovedError(Exception):
    """Someone appended to the chain between two of the seed's batches."""


class Trail:
    """Appends entries to the chain from its current head, one transaction per batch.

    Each batch locks the head, checks that nobody appended since the batch before, writes
    its entries and moves the head: chain and head agree after every batch. Per batch, not
    in one transaction, because the seal trigger updates one row per entry, and PostgreSQL
    walks all of a row's versions from the same transaction on each update.
    """

    def __init__(self, *, start: datetime, end: datetime, total: int) -> None:
        # unaudited: the chain's own head, moved as audit.services moves it
        head, _ = ChainHead.objects.get_or_create(pk=1)
        self.seq, self.prev_hash = head.seq, head.entry_hash
        self.flushed = (self.seq, self.prev_hash)
        self.start, self.step = start, (end - start) / max(total, 1)
        self.written = 0
        self.batch: list[AuditEntry] = []
        self.batches = 0

    def append(
        self,
        *,
        record: models.Model,
        action: Action,
        event: AuditEvent,
        role: str,
        changes: dict[str, Any],
        is_public: bool,
    ) -> None:
        entry = chained_entry(
            seq=self.seq + 1,
            prev_hash=self.prev_hash,
            created_at=self.start + self.step * self.written,
            record=record,  # type: ignore[arg-type]
            action=action,
            event=event,
            role=role,
            changes=changes,
            is_public=is_public,
        )
        self.seq, self.prev_hash = entry.seq, entry.entry_hash
        self.written += 1
        self.batch.append(entry)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        self._write()
        self.batches += 1
        if connection.vendor == "postgresql" and self.batches % VACUUM_EVERY == 0:
            self.vacuum()

    @transaction.atomic
    def _write(self) -> None:
        head = ChainHead.objects.select_for_update().get(pk=1)
        if (head.seq, head.entry_hash) != self.flushed:
            raise ChainMovedError
        if connection.vendor == "postgresql":
            _copy(self.batch)
        else:
            # unaudited: these are the entries, chained as audit.services chains them
            AuditEntry.objects.bulk_create(self.batch)
        head.seq, head.entry_hash = self.flushed = (self.seq, self.prev_hash)
        # unaudited: the chain's own head, moved as audit.services moves it
        head.save(update_fields=["seq", "entry_hash"])
        self.batch = []

    def vacuum(self) -> None:
        """Clear the dead versions of the seal's one row: each entry leaves one, and an
        update that must step over thousands of them slows every later batch."""
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            # unaudited: maintenance of the seal's storage, no record changes
            cursor.execute(f"VACUUM {ChainSeal._meta.db_table}")


def _copy(entries: list[AuditEntry]) -> None:
    """COPY the entries in (psycopg 3): one round trip per batch, the triggers fire per row."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for entry in entries:
                copy.write_row(
                    [
                        *(getattr(entry, name) for name in COLUMNS[:8]),
                        json.dumps(entry.changes, ensure_ascii=False),
                        *(getattr(entry, name) for name in COLUMNS[9:]),
                    ]
                )


def required_entries(histories: list[History]) -> int:
    return len(histories) + sum(len(history.steps) for history in histories)


def spread(histories: list[History], revisions: int, rng: Random) -> None:
    """Share ``revisions`` text revisions among the records that have a revised field, a few
    records with long histories and many with short ones."""
    revisable = [history for history in histories if history.revised]
    if not revisable or revisions <= 0:
        return
    weights = [rng.paretovariate(1.5) for _ in revisable]
    for history in rng.choices(revisable, weights=weights, k=revisions):
        history.revisions += 1


def write(
    trail: Trail, histories: list[History], rng: Random, progress: Callable[[int], None]
) -> None:
    """Every record's creation entry, then their steps and revisions interleaved."""
    for number, history in enumerate(histories, 1):
        _create(trail, history)
        if number % 50_000 == 0:
            progress(trail.written)
    pending = [history for history in histories if history.steps or history.revisions]
    rng.shuffle(pending)
    for entries in _rounds(trail, pending):
        if entries % 50_000 == 0:
            progress(trail.written)
    trail.flush()
    progress(trail.written)


def _public(history: History, values: dict[str, Any]) -> bool:
    record: Any = history.record
    if "published_at" in values:
        return values["published_at"] is not None
    return bool(record.is_public_record())


def _revision(history: History, number: int, final: str) -> str:
    return final if number == history.revisions else f"Entwurf {number + 1}: {final}"


def _create(trail: Trail, history: History) -> None:
    snapshot = record_snapshot(history.record)  # type: ignore[arg-type]
    values = snapshot | history.initial
    if history.revised and history.revisions:
        history.final = snapshot[history.revised]
        values[history.revised] = _revision(history, 0, history.final)
    history.initial = values  # from here on: the values as the chain knows them
    trail.append(
        record=history.record,
        action=Action.CREATE,
        event=AuditEvent.CREATED,
        role=history.role,
        changes={name: [None, value] for name, value in values.items() if value not in ("", None)},
        is_public=_public(history, values),
    )


def _rounds(trail: Trail, pending: list[History]) -> Iterator[int]:
    """Round n appends the n-th change of every record that has one, so histories interleave."""
    number = 0
    while pending:
        still = []
        for history in pending:
            _change(trail, history, number)
            if number + 1 < len(history.steps) + history.revisions:
                still.append(history)
            yield trail.written
        pending = still
        number += 1


def _change(trail: Trail, history: History, number: int) -> None:
    values = history.initial
    was_public = _public(history, values)
    if number < len(history.steps):
        event, after = history.steps[number]
        action = Action.TRANSITION
    else:
        revision = number - len(history.steps) + 1
        text = _revision(history, revision, history.final)
        event, after = AuditEvent.CHANGED, {history.revised: text}
        action = Action.UPDATE
    changes = {name: [values.get(name), value] for name, value in after.items()}
    values.update(after)
    trail.append(
        record=history.record,
        action=action,
        event=event,
        role=history.role,
        changes=changes,
        is_public=was_public or _public(history, values),
    )
