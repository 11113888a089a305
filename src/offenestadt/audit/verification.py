"""Recompute the audit chain and say where, if anywhere, it was rewritten or cut.

Three witnesses must agree, none of them kept outside the database:

- the chain: every entry's digest and link, from the first entry to the last;
- the seal (:class:`ChainSeal`): a copy of the head that the database writes itself on
  every appended entry, which the application's role cannot change;
- the records: every audited record has its creation entry, its public values are the
  ones its newest entries end with, and every record the chain says exists still does.

Emptying the audit tables or cutting off the newest entries therefore leaves records the
chain does not explain, or a seal ahead of the chain, and verify names them. Someone with
owner rights who also deletes or rewinds the records and rewrites the seal could still
produce a consistent, shorter history: that is what published checkpoints, saved outside
the platform, are for.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from offenestadt.audit.models import (
    GENESIS_HASH,
    PAYLOAD_COLUMNS,
    Action,
    AuditEntry,
    ChainHead,
    ChainSeal,
    Checkpoint,
    canonical_json,
    entry_payload,
    sha256_hex,
)

# Entries read per round trip while verifying.
CHUNK = 5000
_ENTRY_COLUMNS = (*PAYLOAD_COLUMNS, "payload_digest", "prev_hash", "entry_hash")
# Positions in an entry's payload columns after its number.
ACTION, OBJECT_TYPE, OBJECT_ID, CHANGES = (
    PAYLOAD_COLUMNS.index(name) - 1 for name in ("action", "object_type", "object_id", "changes")
)
# How many records a problem names before it says "and N more".
NAMED_RECORDS = 10
_ABSENT = object()


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    # Every problem found; the first is ``problem``.
    problems: tuple[str, ...] = ()
    # Audited records compared with the chain.
    records: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problem


def audited_models() -> list[type[models.Model]]:
    """Every model whose rows are written through audit.services (they name audit_fields)."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "audit_fields") and not model._meta.proxy
    ]


def _compared_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The public fields whose newest value the chain must hold.

    Relations are left out: an entry holds the related record's name, which changes
    when that record is renamed, without an entry for this one.
    """
    compared = {}
    for name in getattr(model, "audit_fields", ()):
        field = model._meta.get_field(name)
        if isinstance(field, models.Field) and field.concrete and not field.is_relation:
            compared[name] = field
    return compared


def _as_json(value: Any) -> Any:
    """A database value as save_record stores it in an entry."""
    if value is None or type(value) in _JSON_AS_IS:
        return value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# Values that JSON writes and reads back unchanged (most of a city's fields, a million times).
_JSON_AS_IS = frozenset({str, int, bool})
# Field classes whose text values are compared as they are (no date or number form).
_PLAIN_TEXT: dict[type[models.Field[Any, Any]], bool] = {}


def _comparable(field: models.Field[Any, Any], value: Any) -> str | bytes | None:
    """A value in one form whether read from an entry or from the record."""
    if value is None or value == "":
        return None
    kind = type(field)
    plain = _PLAIN_TEXT.get(kind)
    if plain is None:
        plain = _PLAIN_TEXT[kind] = not isinstance(field, models.DateField | models.DecimalField)
    text = value if plain and type(value) is str else _general_comparable(field, value)
    if len(text) > 64:
        # Long texts are compared by digest: the states of a whole city stay small.
        return hashlib.sha256(text.encode()).digest()
    return text


def _general_comparable(field: models.Field[Any, Any], value: Any) -> str:
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            # The entry's JSON keeps milliseconds.
            text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
        elif isinstance(field, models.DateField):
            text = str(value)[:10]
        elif isinstance(field, models.DecimalField):
            # As the database stores it: rounded to the field's places.
            places = Decimal(1).scaleb(-(field.decimal_places or 0))
            number = Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)
            text = format(number.normalize(), "f")
        elif isinstance(value, str):
            text = value
        else:
            text = canonical_json(value)
    except (TypeError, ValueError, InvalidOperation):
        text = canonical_json(str(value))
    return text


# What the chain says of a record's compared fields, in their order: a value's comparable
# form, or _ABSENT where no entry set it.
_State = list[object]


class _RecordStates:
    """What the chain says each audited record holds now, built entry by entry.

    Kept small, since a city has hundreds of thousands of records: per model a dict by
    record id, per record a list with one slot per compared field, long texts as the 32
    bytes of their digest.
    """

    def __init__(self, compared_fields: dict[str, dict[str, models.Field[Any, Any]]]) -> None:
        self.compared_fields = compared_fields
        self.states: dict[str, dict[str, _State]] = {label: {} for label in compared_fields}
        self.without_creation: set[tuple[str, str]] = set()
        # By model label, each compared field's slot and field.
        self.slots = {
            label: {name: (slot, field_) for slot, (name, field_) in enumerate(compared.items())}
            for label, compared in compared_fields.items()
        }

    def apply(self, object_type: str, object_id: str, action: str, changes: Any) -> None:
        slots = self.slots.get(object_type)
        if slots is None:
            return
        states = self.states[object_type]
        if action == Action.DELETE:
            states.pop(object_id, None)
            self.without_creation.discard((object_type, object_id))
            return
        state = None if action == Action.CREATE else states.get(object_id)
        if state is None:
            state = states[object_id] = [_ABSENT] * len(slots)
            if action == Action.CREATE:
                self.without_creation.discard((object_type, object_id))
            else:
                self.without_creation.add((object_type, object_id))
        if not isinstance(changes, dict):
            return
        for name, values in changes.items():
            slot = slots.get(name)
            if slot is not None and isinstance(values, list) and len(values) == 2:
                state[slot[0]] = _comparable(slot[1], values[1])


def _named(keys: list[str]) -> str:
    named = ", ".join(keys[:NAMED_RECORDS])
    more = len(keys) - NAMED_RECORDS
    return f"{named} and {more} more" if more > 0 else named


def _changed_fields(
    compared: dict[str, models.Field[Any, Any]],
    defaults: dict[str, Any],
    state: _State,
    values: list[Any],
) -> list[str]:
    """The fields whose stored value is not the one the record's newest entries end with."""
    changed = []
    for (name, field_), value, expected in zip(compared.items(), values, state, strict=True):
        current = _comparable(field_, _as_json(value))
        if expected is _ABSENT:
            # Never set in the chain: empty when created, or a field added since.
            if current not in (None, defaults[name]):
                changed.append(name)
        elif expected != current:
            changed.append(name)
    return changed


def _check_records(chain: _RecordStates) -> tuple[int, list[str]]:
    """Compare every audited record with its entries: one query per model, streamed."""
    missing: list[str] = []
    no_creation: list[str] = []
    differing: list[str] = []
    checked = 0
    for label, compared in chain.compared_fields.items():
        model = apps.get_model(label)
        defaults = {
            name: _comparable(field_, _as_json(field_.get_default()))
            for name, field_ in compared.items()
        }
        states = chain.states[label]
        rows = model._base_manager.order_by("pk").values_list("pk", *compared)
        for pk, *values in rows.iterator(chunk_size=2000):
            checked += 1
            state = states.pop(str(pk), None)
            if state is None:
                missing.append(f"{label} {pk}")
                continue
            if (label, str(pk)) in chain.without_creation:
                no_creation.append(f"{label} {pk}")
            if changed := _changed_fields(compared, defaults, state, values):
                differing.append(f"{label} {pk} ({', '.join(changed)})")
    gone = [
        f"{label} {object_id}" for label, states in chain.states.items() for object_id in states
    ]
    findings = (
        (
            missing,
            "records without an entry in the chain ({n}; emptied or cut off, "
            "or written around the audit trail): {named}. Records stored before an upgrade "
            "that audits their model are taken in with `offenestadt audit backfill APP.MODEL`",
        ),
        (
            differing,
            "records that differ from their newest entry ({n}; their newest "
            "entries were removed, or they were changed around the audit trail): {named}",
        ),
        (no_creation, "records without a creation entry ({n}): {named}"),
        (
            gone,
            "records gone without a deletion entry ({n}; the chain says they exist): {named}",
        ),
    )
    problems = [text.format(n=len(keys), named=_named(keys)) for keys, text in findings if keys]
    return checked, problems


def _check_seal(count: int, last_hash: str) -> str:
    seal = ChainSeal.objects.filter(pk=1).first()
    if seal is None:
        return "" if count == 0 else "the database's seal of the chain is missing"
    if seal.seq > count:
        first = count + 1
        removed = f"entry {first}" if seal.seq == first else f"entries {first} to {seal.seq}"
        return (
            f"the chain ends at entry {count}, the database's seal at entry {seal.seq}: "
            f"removed {removed}"
        )
    if (seal.seq, seal.entry_hash) != (count, last_hash):
        return f"the database's seal (entry {seal.seq}) does not match the chain's end"
    if seal.appended != seal.seq:
        return (
            f"the database counted {seal.appended} appended entries, "
            f"its seal says {seal.seq}: the seal was rewritten"
        )
    return ""


def verify_chain(*, checkpoints: list[tuple[int, str]] | None = None) -> ChainReport:
    """Check every entry's payload digest and link, then the head, the checkpoints, the
    database's seal and every audited record against the chain.

    ``checkpoints`` are (seq, hash) pairs someone saved earlier; the stored, published
    checkpoints are always checked as well.
    """
    expected: dict[int, str] = dict(Checkpoint.objects.values_list("seq", "entry_hash"))
    expected.update(checkpoints or [])
    chain = _RecordStates(
        {model._meta.label_lower: _compared_fields(model) for model in audited_models()}
    )
    walked = _walk(expected, chain)
    if isinstance(walked, ChainReport):
        return walked
    count, prev_hash = walked
    problems: list[str] = []
    broken_seq = None
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (count, prev_hash):
        problems.append(f"the chain ends at entry {count}, its head says {head_seq}")
    beyond = [seq for seq in expected if seq > count]
    if beyond:
        broken_seq = min(beyond)
        problems.append("a checkpoint names an entry that no longer exists")
    if seal_problem := _check_seal(count, prev_hash):
        problems.append(seal_problem)
    records, record_problems = _check_records(chain)
    problems += record_problems
    return ChainReport(
        count,
        prev_hash,
        broken_seq,
        problems[0] if problems else "",
        tuple(problems),
        records,
    )


def _walk(expected: dict[int, str], chain: _RecordStates) -> ChainReport | tuple[int, str]:
    """Recompute every entry's digest and link from its stored content, in chain order;
    the number of entries and the last hash, or the report of the first break.

    Streamed in chunks (a server-side cursor on PostgreSQL): memory stays the same however
    long the chain. Nothing stored is trusted: each digest is computed from the entry's
    columns as :func:`entry_payload` defines them, each link from the hash before.
    """
    prev_hash, count = GENESIS_HASH, 0
    decode = json.loads if connection.vendor == "postgresql" else _decoded
    for row in _entry_rows():
        seq, *columns, payload_digest, linked, entry_hash = row
        count += 1
        if seq != count:
            return _broken(count - 1, prev_hash, seq, f"entry {count} is missing")
        if linked != prev_hash:
            return _broken(count - 1, prev_hash, seq, "does not link to the entry before")
        columns[CHANGES] = changes = decode(columns[CHANGES])
        if sha256_hex(canonical_json(entry_payload(seq, *columns))) != payload_digest:
            return _broken(count - 1, prev_hash, seq, "its content was changed")
        if AuditEntry.chain_hash(prev_hash, payload_digest) != entry_hash:
            return _broken(count - 1, prev_hash, seq, "its hash was changed")
        if seq in expected and expected[seq] != entry_hash:
            return _broken(count - 1, prev_hash, seq, "differs from a published checkpoint")
        chain.apply(columns[OBJECT_TYPE], columns[OBJECT_ID], columns[ACTION], changes)
        prev_hash = entry_hash
    return count, prev_hash


def _decoded(value: Any) -> Any:
    return value


def _entry_rows() -> Iterator[tuple[Any, ...]]:
    """Every entry's payload columns, digest, link and hash, in chain order.

    On PostgreSQL a server-side cursor read in chunks, ``changes`` as its JSON text, without
    a model instance or field converters per row (those took half of verify's time over a
    million entries); elsewhere the ORM's chunked iterator.
    """
    if connection.vendor != "postgresql":
        rows = AuditEntry.objects.order_by("seq").values_list(*_ENTRY_COLUMNS)
        yield from rows.iterator(chunk_size=CHUNK)
        return
    columns = ", ".join(f"{name}::text" if name == "changes" else name for name in _ENTRY_COLUMNS)
    with connection.chunked_cursor() as cursor:
        cursor.cursor.itersize = CHUNK
        cursor.execute(f"SELECT {columns} FROM {AuditEntry._meta.db_table} ORDER BY seq")  # noqa: S608 - column and table names from the model
        yield from cursor


def _broken(entries: int, head_hash: str, seq: int, problem: str) -> ChainReport:
    return ChainReport(entries, head_hash, seq, problem, (problem,))
