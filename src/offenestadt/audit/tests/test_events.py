"""Every entry names its event in the city's terms; entries from before events still verify."""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, AuditEvent, ChainSeal
from offenestadt.audit.services import delete_record, save_record
from offenestadt.audit.verification import audited_models, verify_chain
from offenestadt.contracts.models import Vendor
from offenestadt.registry import services
from offenestadt.registry.models import Project, ProjectStatus

ClientFor = Callable[[User | None], Client]


def _old_digest(payload: dict[str, object]) -> str:
    """The digest as it was computed before events: nine keys, canonical JSON."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _old_payload(seq: int, created_at: datetime, vendor: Vendor) -> dict[str, object]:
    return {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(),
        "action": "create",
        "actor_role": "system",
        "object_type": "contracts.vendor",
        "object_id": str(vendor.pk),
        "object_label": vendor.legal_name,
        "changes": {"legal_name": [None, vendor.legal_name], "country": [None, vendor.country]},
        "is_public": True,
    }


@pytest.fixture
def published(editor: User, office: Office) -> Project:
    project = services.project_create(
        actor=editor, office=office, title="Offenes WLAN", summary="Freies Netz."
    )
    services.project_publish(actor=editor, project=project)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.PLANNING)
    return project


def test_each_entry_names_its_event_and_its_digest_covers_it(published: Project) -> None:
    entries = list(AuditEntry.objects.for_record(published))
    assert [(e.action, e.event) for e in entries] == [
        ("create", AuditEvent.CREATED),
        ("transition", AuditEvent.PUBLISHED),
        ("transition", AuditEvent.STATUS_CHANGED),
    ]
    assert entries[1].payload()["event"] == "published"
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_entry_without_an_event_keeps_its_digest() -> None:
    """Entries written before events existed hash exactly as they did then."""
    vendor = Vendor(pk=7, legal_name="Stadtwerke", country="DE")
    moment = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)
    old = AuditEntry(
        seq=3,
        created_at=moment,
        action="create",
        actor_role="system",
        object_type="contracts.vendor",
        object_id="7",
        object_label="Stadtwerke",
        changes={"legal_name": [None, "Stadtwerke"], "country": [None, "DE"]},
        is_public=True,
    )
    assert old.event == ""
    assert "event" not in old.payload()
    assert old.compute_payload_digest() == _old_digest(_old_payload(3, moment, vendor))
    assert old.what_happened() == "angelegt"
    # With an event, the event is hashed too: it cannot be changed unnoticed.
    old.event = AuditEvent.CREATED
    assert old.compute_payload_digest() != _old_digest(_old_payload(3, moment, vendor))


def test_the_public_history_feed_and_export_name_the_event(
    published: Project, client_for: ClientFor
) -> None:
    anonymous = client_for(None)
    page = anonymous.get(published.get_absolute_url()).content.decode()
    assert "<strong>veröffentlicht</strong>" in page
    assert "<strong>Statuswechsel</strong>" in page
    english = anonymous.get("/en/audit/").content.decode()
    assert "<strong>published</strong>" in english
    feed = anonymous.get("/audit/feed.atom").content.decode()
    assert "Offenes WLAN: veröffentlicht" in feed
    exported = anonymous.get("/audit/entries.json").json()["entries"]
    assert [row["payload"]["event"] for row in exported if row["payload"]][-2:] == [
        "published",
        "status_changed",
    ]


@pytest.mark.django_db
def test_a_save_refuses_a_deletion_event_and_a_deletion_a_save_event(editor: User) -> None:
    vendor = Vendor(legal_name="Stadtwerke", country="DE")
    with pytest.raises(ValueError, match="delete_record"):
        save_record(record=vendor, actor=editor, event=AuditEvent.DELETED)
    save_record(record=vendor, actor=editor, event=AuditEvent.CREATED)
    with pytest.raises(ValueError, match="created again"):
        save_record(record=vendor, actor=editor, event=AuditEvent.CREATED)
    with pytest.raises(ValueError, match="save_record"):
        delete_record(record=vendor, actor=editor, event=AuditEvent.HIDDEN)
    entry = delete_record(record=vendor, actor=editor, event=AuditEvent.DELETED)
    assert (entry.action, entry.event) == ("delete", "deleted")


def _start_without_history() -> None:
    """An installation from before events: no audited record and no entry written since
    (the platform's own register, entered after every migration, is cleared)."""
    for model in audited_models():
        model._base_manager.all().delete()
    tables = ["audit_auditentry", "audit_chainhead", "audit_chainseal", "audit_checkpoint"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def test_an_old_database_upgraded_still_verifies(transactional_db: None) -> None:
    """Entries written before the event column keep their digests through the migration;
    the database still refuses to change them and still seals each new one."""
    _start_without_history()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    # Back to before the event column: the migrations that build on it go back too.
    executor.migrate([("audit", "0003_chain_seal")])
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    old_state = [
        key
        for key in applied
        if not any(child.key in applied for child in loader.graph.node_map[key].children)
    ]
    old = loader.project_state(old_state).apps
    entries, heads = old.get_model("audit", "AuditEntry"), old.get_model("audit", "ChainHead")
    head = heads.objects.get_or_create(pk=1)[0]
    vendor = old.get_model("contracts", "Vendor").objects.create(
        legal_name="Stadtwerke", country="DE"
    )
    moment = timezone.now()
    digest = _old_digest(_old_payload(head.seq + 1, moment, vendor))
    entry_hash = hashlib.sha256((head.entry_hash + digest).encode()).hexdigest()
    entries.objects.create(
        seq=head.seq + 1,
        created_at=moment,
        action="create",
        actor_role="system",
        object_type="contracts.vendor",
        object_id=str(vendor.pk),
        object_label=vendor.legal_name,
        changes={"legal_name": [None, vendor.legal_name], "country": [None, vendor.country]},
        is_public=True,
        payload_digest=digest,
        prev_hash=head.entry_hash,
        entry_hash=entry_hash,
    )
    heads.objects.filter(pk=1).update(seq=head.seq + 1, entry_hash=entry_hash)

    MigrationExecutor(connection).migrate(leaves)

    upgraded = AuditEntry.objects.get(entry_hash=entry_hash)
    assert upgraded.event == ""
    assert upgraded.compute_payload_digest() == digest
    report = verify_chain()
    assert report.ok, report.problems
    # The triggers survived the new column: entries stay append-only, appends are sealed.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=upgraded.pk).update(event=AuditEvent.CREATED)
    renamed = Vendor.objects.get(pk=vendor.pk)
    renamed.legal_name = "Stadtwerke GmbH"
    newest = save_record(record=renamed, actor=None, event=AuditEvent.CHANGED)
    assert newest is not None
    assert ChainSeal.objects.get(pk=1).entry_hash == newest.entry_hash
    assert verify_chain().ok
