"""The audit trail: one entry per change, chained with SHA-256, and tampering is found."""

import hashlib
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, ChainHead, Checkpoint
from offenestadt.audit.services import checkpoint_create
from offenestadt.audit.verification import verify_chain
from offenestadt.registry import services
from offenestadt.registry.models import Project, ProjectStatus


def _edit(project: Project, actor: User, **changes: Any) -> None:
    fields: dict[str, Any] = {
        "title": project.title,
        "summary": project.summary,
        "plain_language_summary": project.plain_language_summary,
        "internal_note": project.internal_note,
    }
    services.project_update(actor=actor, project=project, **(fields | changes))


@pytest.fixture
def history(editor: User, office: Office) -> Project:
    """A project created, edited, published and moved on: five entries."""
    project = services.project_create(
        actor=editor, office=office, title="Sensoren im Park", summary="Bodenfeuchte messen."
    )
    _edit(project, editor, summary="Bodenfeuchte in drei Parks messen.")
    services.project_publish(actor=editor, project=project)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.PLANNING)
    _edit(project, editor, internal_note="Vergabe im Mai.")
    return project


def _seq(project: Project, number: int) -> int:
    """The chain position of the project's ``number``-th entry (1-based); entries of the
    platform's own register come before it in every installation."""
    return AuditEntry.objects.for_record(project).order_by("seq")[number - 1].seq


def _disable_append_only_guard() -> None:
    """What someone with database owner rights can do; the hash chain still tells."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")


def test_every_change_writes_one_entry_with_before_and_after(history: Project) -> None:
    entries = list(AuditEntry.objects.for_record(history))
    # Publishing and moving to consultation are both transitions of the project's state.
    assert [e.action for e in entries] == [
        "create",
        "update",
        "transition",
        "transition",
        "update",
    ]
    assert {e.actor_role for e in entries} == {"editor"}
    assert entries[0].changes["title"] == [None, "Sensoren im Park"]
    assert entries[1].changes == {
        "summary": ["Bodenfeuchte messen.", "Bodenfeuchte in drei Parks messen."]
    }
    assert entries[3].changes == {"status": ["idea", "planning"]}
    # An internal field is named, its value is not.
    assert entries[4].changes == {"internal_note": None}
    assert "Vergabe im Mai" not in json.dumps([e.payload() for e in entries])


def test_entries_before_publication_are_internal(history: Project) -> None:
    public = [e.is_public for e in AuditEntry.objects.for_record(history)]
    assert public == [False, False, True, True, True]


def test_an_unchanged_save_writes_nothing(history: Project, editor: User) -> None:
    count = AuditEntry.objects.count()
    _edit(history, editor)
    assert AuditEntry.objects.count() == count


def test_the_chain_verifies_and_the_head_matches(history: Project) -> None:
    report = verify_chain()
    head = ChainHead.objects.get()
    assert report.ok
    assert (report.entries, report.head_hash) == (_seq(history, 5), head.entry_hash)


def test_the_database_refuses_to_change_an_entry(history: Project) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_role = 'admin' WHERE seq = %s", [_seq(history, 2)]
        )
    assert AuditEntry.objects.get(seq=_seq(history, 2)).actor_role == "editor"


def test_a_tampered_entry_is_named_by_verify(history: Project) -> None:
    second = _seq(history, 2)
    _disable_append_only_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET object_label = 'Etwas anderes' WHERE seq = %s",
            [second],
        )
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.entries) == (False, second, second - 1)
    with pytest.raises(CommandError, match=f"broken at entry {second}: its content was changed"):
        call_command("audit", "verify")


def test_a_deleted_entry_is_found(history: Project) -> None:
    _disable_append_only_guard()
    third = _seq(history, 3)
    AuditEntry.objects.filter(seq=third)._raw_delete(connection.alias)
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, third + 1)
    assert report.problem == f"entry {third} is missing"


def test_a_rewritten_history_is_caught_by_a_saved_checkpoint(history: Project) -> None:
    second, fifth = _seq(history, 2), _seq(history, 5)
    saved = (fifth, ChainHead.objects.get().entry_hash)
    _disable_append_only_guard()
    # A careful forger changes an entry and recomputes every hash after it, and the head.
    prev_hash = AuditEntry.objects.get(seq=second - 1).entry_hash
    for entry in AuditEntry.objects.filter(seq__gte=second).order_by("seq"):
        if entry.seq == second:
            entry.changes = {"summary": ["Bodenfeuchte messen.", "Etwas anderes"]}
        entry.prev_hash = prev_hash
        entry.payload_digest = entry.compute_payload_digest()
        entry.entry_hash = AuditEntry.chain_hash(prev_hash, entry.payload_digest)
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=entry.changes,
            prev_hash=entry.prev_hash,
            payload_digest=entry.payload_digest,
            entry_hash=entry.entry_hash,
        )
        prev_hash = entry.entry_hash
    ChainHead.objects.update(entry_hash=prev_hash)

    assert verify_chain().ok, "without a checkpoint the forgery is self-consistent"
    report = verify_chain(checkpoints=[saved])
    assert (report.ok, report.broken_seq) == (False, fifth)
    assert report.problem == "differs from a published checkpoint"
    with pytest.raises(CommandError, match=f"broken at entry {fifth}"):
        call_command("audit", "verify", "--checkpoint", f"{saved[0]}:{saved[1]}")


def test_cutting_off_the_newest_entries_is_caught_by_a_published_checkpoint(
    history: Project,
) -> None:
    checkpoint_create()
    _disable_append_only_guard()
    third = _seq(history, 3)
    AuditEntry.objects.filter(seq__gt=third)._raw_delete(connection.alias)
    entry_3 = AuditEntry.objects.get(seq=third)
    ChainHead.objects.update(seq=third, entry_hash=entry_3.entry_hash)
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, third + 2)
    assert report.problem == "a checkpoint names an entry that no longer exists"


def test_checkpoint_command_publishes_the_head(history: Project, client_for) -> None:
    call_command("audit", "checkpoint")
    checkpoint = Checkpoint.objects.get()
    head = ChainHead.objects.get()
    assert (checkpoint.seq, checkpoint.entry_hash) == (head.seq, head.entry_hash)
    published = client_for(None).get("/audit/checkpoints?format=json").json()
    assert published["head"] == {"seq": _seq(history, 5), "hash": head.entry_hash}
    assert published["checkpoints"][0]["hash"] == head.entry_hash
    assert head.entry_hash in client_for(None).get("/audit/checkpoints").content.decode()


def test_an_outsider_can_recompute_the_chain_from_the_public_export(
    history: Project,
    client_for,
) -> None:
    """Independent of our code: plain hashlib over /audit/entries.json."""
    exported = client_for(None).get("/audit/entries.json").json()["entries"]
    prev_hash = "0" * 64
    for row in exported:
        assert row["prev_hash"] == prev_hash
        if row["payload"] is not None:
            canonical = json.dumps(
                row["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
            )
            assert hashlib.sha256(canonical.encode()).hexdigest() == row["payload_digest"]
        prev_hash = hashlib.sha256((prev_hash + row["payload_digest"]).encode()).hexdigest()
        assert prev_hash == row["entry_hash"]
    assert (
        prev_hash == client_for(None).get("/audit/checkpoints?format=json").json()["head"]["hash"]
    )
    # Entries from the draft stage are chained but their content stays internal.
    # (The project's five entries come last in the chain.)
    assert [row["payload"] is None for row in exported[-5:]] == [True, True, False, False, False]
