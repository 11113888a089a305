"""Audit entries, the head of their hash chain, and published checkpoints.

Each entry's payload (what happened) is hashed on its own; the chain links entries by
``entry_hash = sha256(prev_hash + payload_digest)``. So the chain of an internal
entry (a draft's change) can be published and checked without showing its content.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Role
from offenestadt.core.display import display_value

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    CREATE = "create", _("angelegt")
    UPDATE = "update", _("geändert")
    TRANSITION = "transition", _("Statuswechsel")
    DELETE = "delete", _("gelöscht")


class AuditEvent(models.TextChoices):
    """What happened to a record, in the city's terms: shown in every public history.

    The :class:`Action` (create, update, transition, delete) says what the database saw
    and is what verification replays; the event says why, as a resident reads it.
    Entries written before events existed have none and show their action instead.
    """

    CREATED = "created", _("angelegt")
    CHANGED = "changed", _("geändert")
    STATUS_CHANGED = "status_changed", _("Statuswechsel")
    PUBLISHED = "published", _("veröffentlicht")
    SUBMITTED = "submitted", _("eingereicht")
    APPROVED = "approved", _("freigegeben")
    RETURNED = "returned", _("zurückgegeben")
    REOPENED = "reopened", _("wieder in Bearbeitung")
    ANSWERED = "answered", _("beantwortet")
    HIDDEN = "hidden", _("ausgeblendet")
    KEPT = "kept", _("nach Meldung belassen")
    WITHDRAWN = "withdrawn", _("zurückgezogen")
    ADOPTED = "adopted", _("beschlossen")
    CODES_ISSUED = "codes_issued", _("Abstimmungscodes ausgegeben")
    SCANNED = "scanned", _("auf personenbezogene Daten geprüft")
    QUEUED = "queued", _("zur Anonymisierung eingereiht")
    PROCESSING_STARTED = "processing_started", _("Anonymisierung begonnen")
    PROCESSING_FAILED = "processing_failed", _("Anonymisierung fehlgeschlagen")
    DELETED = "deleted", _("gelöscht")
    ERASED = "erased", _("nach Ablauf der Aufbewahrungsfrist gelöscht")
    # A record stored before its model was audited, taken into the trail by
    # `offenestadt audit backfill` after an upgrade.
    RECORDED = "recorded", _("nachträglich in die Änderungshistorie aufgenommen")


# The events of a deletion (delete_record); every other event is a save (save_record).
DELETION_EVENTS = frozenset({AuditEvent.DELETED, AuditEvent.ERASED})


# Who acted, in words: the staff roles, the public (no account) and the platform itself.
ACTOR_LABELS: dict[str, str | Promise] = {
    **dict(Role.choices),
    "public": _("Öffentlichkeit"),
    "system": _("System"),
}


@dataclass(frozen=True)
class ReadableChange:
    field: str | Promise
    before: str | None
    after: str | None
    # False for a field outside the public ones: named, its values withheld.
    public: bool
    # The values' language where it is not the page's: "en" for a record's English text.
    language: str = ""


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """``value`` as JSON in one form: sorted keys, no spaces, text as it is (not escaped)."""
    return _CANONICAL.encode(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# The columns :func:`entry_payload` takes, in its order: what an entry's digest covers.
PAYLOAD_COLUMNS = (
    "seq",
    "created_at",
    "action",
    "event",
    "actor_role",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "is_public",
)


def entry_payload(
    seq: int,
    created_at: datetime,
    action: str,
    event: str,
    actor_role: str,
    object_type: str,
    object_id: str,
    object_label: str,
    changes: Any,
    is_public: bool,
) -> dict[str, Any]:
    """Everything about an entry that its hash covers, in a stable form: the one definition,
    used to write entries and, column by column from a stream, to verify them.

    The event is part of it only when the entry has one: an entry written before
    events existed hashes exactly as it did then.
    """
    payload: dict[str, Any] = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(),
        "action": action,
        "actor_role": actor_role,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "changes": changes,
        "is_public": is_public,
    }
    if event:
        payload["event"] = event
    return payload


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def public(self) -> "AuditEntryQuerySet":
        return self.filter(is_public=True)

    def for_record(self, record: models.Model) -> "AuditEntryQuerySet":
        return self.filter(object_type=record._meta.label_lower, object_id=str(record.pk))


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("Nummer"), unique=True)
    created_at = models.DateTimeField(_("Zeitpunkt"))
    action = models.CharField(_("Vorgang"), max_length=20, choices=Action)
    # Empty on entries written before events existed: their payload has no "event" key,
    # so their digests stay as they were written.
    event = models.CharField(
        _("Ereignis"), max_length=30, choices=AuditEvent, blank=True, default="", db_default=""
    )
    # The acting role, never a resident's identity.
    actor_role = models.CharField(_("Rolle"), max_length=20)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(_("Datensatz"), max_length=300)
    # {field: [before, after]} over the record's public fields.
    changes = models.JSONField(_("Änderungen"), default=dict)
    is_public = models.BooleanField(default=False)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["seq"]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            # The public changes page by page: a page is one range of this index, however
            # many internal entries (drafts' changes) lie between public ones.
            models.Index(
                fields=["seq"], condition=models.Q(is_public=True), name="audit_public_seq"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event or self.action} {self.object_label}"

    def payload(self) -> dict[str, Any]:
        """Everything about the entry that its hash covers, in a stable form."""
        return entry_payload(
            self.seq,
            self.created_at,
            self.action,
            self.event,
            self.actor_role,
            self.object_type,
            self.object_id,
            self.object_label,
            self.changes,
            self.is_public,
        )

    def what_happened(self) -> str | Promise:
        """The event's label; for an entry from before events, its action's."""
        return self.get_event_display() if self.event else self.get_action_display()

    def actor_label(self) -> str | Promise:
        return ACTOR_LABELS.get(self.actor_role, self.actor_role)

    def readable_changes(self) -> list[ReadableChange]:
        """The changes with field names and values as people read them."""
        try:
            model = apps.get_model(self.object_type)
        except LookupError:
            model = None
        readable = []
        for name, values in self.changes.items():
            field = _model_field(model, name)
            label = field.verbose_name if field is not None else name
            if values is None:
                readable.append(ReadableChange(label, None, None, public=False))
            else:
                before, after = (display_value(value, field) for value in values)
                language = "en" if name.endswith("_en") else ""
                readable.append(ReadableChange(label, before, after, True, language))
        return readable

    def compute_payload_digest(self) -> str:
        return sha256_hex(canonical_json(self.payload()))

    @staticmethod
    def chain_hash(prev_hash: str, payload_digest: str) -> str:
        return sha256_hex(prev_hash + payload_digest)


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


class ChainHead(models.Model):
    """One row: the newest entry's number and hash. Locking it serialises appends."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head {self.seq}:{self.entry_hash}"


class ChainSeal(models.Model):
    """One row: a copy of the head that only the database writes.

    A trigger on every appended entry sets it, in the same transaction; the application's
    database role may read it but not change it (see ``offenestadt manage grant_app_role``).
    So cutting entries off the end and fixing :class:`ChainHead` still leaves the seal
    naming the entries that were removed.
    """

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # How many entries were ever appended; equals ``seq`` unless the seal was rewritten.
    appended = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"seal {self.seq}:{self.entry_hash} ({self.appended} appended)"


class Checkpoint(models.Model):
    """A published statement 'the chain had this many entries ending in this hash'."""

    created_at = models.DateTimeField(auto_now_add=True)
    seq = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.seq}:{self.entry_hash}"
