"""The audit trail: one entry per change, chained with SHA-256, and tampering is found."""

import hashlib
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, AuditEvent, ChainHead, ChainSeal, Checkpoint
from offenestadt.audit.services import checkpoint_create, delete_record
from offenestadt.audit.verification import audited_models, verify_chain
from offenestadt.registry import services
from offenestadt.registry.models import AccessChannel, Project, ProjectStatus, Service


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


def _forge_from(second: int, **forged: Any) -> str:
    """A careful forger changes entry ``second`` and recomputes every hash after it and the
    head; returns the forged chain's last hash."""
    prev_hash = AuditEntry.objects.get(seq=second - 1).entry_hash
    for entry in AuditEntry.objects.filter(seq__gte=second).order_by("seq"):
        changed = forged if entry.seq == second else {}
        for name, value in changed.items():
            setattr(entry, name, value)
        entry.prev_hash = prev_hash
        entry.payload_digest = entry.compute_payload_digest()
        entry.entry_hash = AuditEntry.chain_hash(prev_hash, entry.payload_digest)
        AuditEntry.objects.filter(pk=entry.pk).update(
            **changed,
            prev_hash=entry.prev_hash,
            payload_digest=entry.payload_digest,
            entry_hash=entry.entry_hash,
        )
        prev_hash = entry.entry_hash
    ChainHead.objects.update(entry_hash=prev_hash)
    return prev_hash


def _rewrite_seal(**values: Any) -> None:
    """What the owner of the tables can do to the database's seal: switch off its guard."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_chainseal DISABLE TRIGGER audit_chain_seal_guard")
    ChainSeal.objects.update(**values)


def test_a_rewritten_history_is_caught_by_a_saved_checkpoint(history: Project) -> None:
    second, fifth = _seq(history, 2), _seq(history, 5)
    saved = (fifth, ChainHead.objects.get().entry_hash)
    _disable_append_only_guard()
    # Who acted is not in the record itself; with the seal rewritten as well, only a
    # checkpoint saved outside the platform can tell.
    forged_hash = _forge_from(second, actor_role="admin")
    _rewrite_seal(entry_hash=forged_hash)

    assert verify_chain().ok, "without a checkpoint the forgery is self-consistent"
    report = verify_chain(checkpoints=[saved])
    assert (report.ok, report.broken_seq) == (False, fifth)
    assert report.problem == "differs from a published checkpoint"
    with pytest.raises(CommandError, match=f"broken at entry {fifth}"):
        call_command("audit", "verify", "--checkpoint", f"{saved[0]}:{saved[1]}")


def test_a_rewritten_value_is_caught_without_a_checkpoint(history: Project) -> None:
    """Rewriting what a record held, hashes recomputed, shows against the record itself
    and against the database's seal."""
    _disable_append_only_guard()
    _forge_from(_seq(history, 2), changes={"summary": ["Bodenfeuchte messen.", "Etwas anderes"]})
    report = verify_chain()
    assert not report.ok
    assert (
        report.problem
        == f"the database's seal (entry {_seq(history, 5)}) does not match the chain's end"
    )
    assert f"registry.project {history.pk} (summary)" in report.problems[1]


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
    # The database's own seal is published beside the head, for anyone to compare.
    fifth = _seq(history, 5)
    assert published["seal"] == {"seq": fifth, "hash": head.entry_hash, "appended": fifth}
    page = client_for(None).get("/audit/checkpoints").content.decode()
    assert head.entry_hash in page
    assert f"Siegel der Datenbank: Eintrag {fifth}" in page


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


# History that cannot be cut quietly: without any checkpoint saved outside, verify finds
# emptied tables, cut-off entries and records written around the audit trail.

AUDIT_TABLES = ("audit_auditentry", "audit_chainhead", "audit_chainseal", "audit_checkpoint")


def _empty_audit_tables() -> None:
    """TRUNCATE as the tables' owner may (SQLite has no TRUNCATE: delete every row)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE audit_auditentry, audit_chainhead, audit_chainseal, audit_checkpoint"
            )
        else:
            for table in AUDIT_TABLES:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def _cut_off_after(seq: int) -> None:
    """Delete the entries after ``seq`` and fix the head to match, as an owner could."""
    _disable_append_only_guard()
    AuditEntry.objects.filter(seq__gt=seq)._raw_delete(connection.alias)
    ChainHead.objects.update(seq=seq, entry_hash=AuditEntry.objects.get(seq=seq).entry_hash)


def test_emptied_audit_tables_are_named_by_verify(history: Project) -> None:
    checkpoint_create()
    _empty_audit_tables()
    report = verify_chain()
    assert not report.ok
    assert report.entries == 0
    assert report.problem.startswith(
        f"records without an entry in the chain ({report.records}; emptied or cut off"
    )
    assert f"registry.project {history.pk}" in report.problem
    with pytest.raises(
        CommandError, match=r"audit trail incomplete: records without an entry in the chain"
    ):
        call_command("audit", "verify")


def test_cutting_off_the_newest_entries_is_named_without_a_checkpoint(history: Project) -> None:
    third, fifth = _seq(history, 3), _seq(history, 5)
    _cut_off_after(third)
    report = verify_chain()
    assert not report.ok
    assert report.problem == (
        f"the chain ends at entry {third}, the database's seal at entry {fifth}: "
        f"removed entries {third + 1} to {fifth}"
    )
    # The project moved on to planning; the chain that is left does not say so.
    assert f"registry.project {history.pk} (status)" in report.problems[1]
    with pytest.raises(CommandError, match=f"removed entries {third + 1} to {fifth}"):
        call_command("audit", "verify")


def test_a_partly_rewritten_seal_is_found(history: Project) -> None:
    third = _seq(history, 3)
    _cut_off_after(third)
    _rewrite_seal(seq=third, entry_hash=AuditEntry.objects.get(seq=third).entry_hash)
    report = verify_chain()
    assert report.problem == (
        f"the database counted {third + 2} appended entries, its seal says {third}: "
        "the seal was rewritten"
    )


def test_a_fully_rewritten_seal_still_leaves_the_records_unexplained(history: Project) -> None:
    third = _seq(history, 3)
    _cut_off_after(third)
    _rewrite_seal(
        seq=third, entry_hash=AuditEntry.objects.get(seq=third).entry_hash, appended=third
    )
    report = verify_chain()
    assert report.problems == (
        "records that differ from their newest entry (1; their newest entries were removed, "
        f"or they were changed around the audit trail): registry.project {history.pk} (status)",
    )


def test_a_record_without_any_entry_is_named(history: Project, office: Office) -> None:
    written_around = Project.objects.create(
        office=office, slug="ohne-eintrag", title="Ohne Eintrag", summary="Am Protokoll vorbei."
    )
    report = verify_chain()
    assert report.problems == (
        "records without an entry in the chain (1; emptied or cut off, or written around the "
        f"audit trail): registry.project {written_around.pk}. Records stored before an upgrade "
        "that audits their model are taken in with `offenestadt audit backfill APP.MODEL`",
    )


def test_a_record_changed_or_deleted_around_the_trail_is_named(
    history: Project, editor: User
) -> None:
    other = services.project_create(
        actor=editor, office=history.office, title="Zweites", summary="Noch eins."
    )
    Project.objects.filter(pk=history.pk).update(summary="Still geändert.")
    other_pk = other.pk
    other.delete()
    problems = verify_chain().problems
    assert problems[0].endswith(f"registry.project {history.pk} (summary)")
    assert problems[1] == (
        "records gone without a deletion entry (1; the chain says they exist): "
        f"registry.project {other_pk}"
    )


def test_a_deletion_writes_an_entry_for_each_audited_record_it_takes_along(
    history: Project, editor: User
) -> None:
    service = Service(project=history, name="Bürgerbüro")
    services.project_part_save(actor=editor, part=service)
    channel = AccessChannel(service=service, phase="before", kind="in_person")
    services.project_part_save(actor=editor, part=channel)
    delete_record(record=service, actor=editor, event=AuditEvent.DELETED)
    assert [e.action for e in AuditEntry.objects.for_record(channel)] == ["create", "delete"]
    assert verify_chain().ok


def test_verify_reads_each_audited_model_once_however_many_records(
    history: Project, editor: User, django_assert_max_num_queries: Any
) -> None:
    """One pass over the entries and one query per audited model, however many records."""
    for number in range(30):
        services.project_create(
            actor=editor, office=history.office, title=f"Projekt {number}", summary="Messen."
        )
    models = len(audited_models())
    with django_assert_max_num_queries(models + 6):
        assert verify_chain().ok
