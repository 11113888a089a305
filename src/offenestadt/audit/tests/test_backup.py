"""The restore drill: a backup restored into an empty database verifies, matches its
manifest and the published checkpoint, and serves the city's pages and files.

On PostgreSQL with the real pg_dump and pg_restore (skipped when they are missing), on
SQLite with its online backup. The restored database is a new one beside the test
database (a new PostgreSQL database, or a new SQLite file), dropped afterwards.
"""

import hashlib
import io
import json
import secrets
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from offenestadt.accounts.models import Role, User
from offenestadt.audit.backup import MANIFEST
from offenestadt.audit.models import ChainHead, Checkpoint
from offenestadt.audit.services import checkpoint_create
from offenestadt.audit.verification import verify_chain
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.opendata.models import Distribution
from offenestadt.registry import services
from offenestadt.registry.models import Project

POSTGRESQL = connection.vendor == "postgresql"

pytestmark = pytest.mark.skipif(
    POSTGRESQL and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not installed (Debian: postgresql-client)",
)


def _admin_connection() -> psycopg.Connection[Any]:
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def empty_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The name of a new, empty database (PostgreSQL) or SQLite file to restore into."""
    if not POSTGRESQL:
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
    with _admin_connection() as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with _admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def connected_to(name: str, *, user: str | None = None) -> Iterator[None]:
    """The platform's own connection, to database ``name`` (as ``user``); afterwards back
    to the test database, whose open connection is kept (SQLite's lives in memory)."""
    database = connection.settings_dict
    saved = database["NAME"], database["USER"], connection.connection
    connection.connection = None
    database["NAME"] = name
    database["USER"] = user or database["USER"]
    try:
        yield
    finally:
        connection.close()
        database["NAME"], database["USER"], connection.connection = saved


@contextmanager
def media_in(folder: Path) -> Iterator[None]:
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder)},
            },
        }
    ):
        yield


def _backup(out: Path) -> tuple[Path, dict[str, Any]]:
    output = io.StringIO()
    call_command("backup", "--out", str(out), stdout=output)
    archive = next(out.glob("*.tar"))
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MANIFEST)
        assert member is not None
        manifest = json.loads(member.read())
    assert str(archive) in output.getvalue()
    return archive, manifest


def _rewrite(archive: Path, change: dict[str, bytes], *, fix_manifest: bool = False) -> Path:
    """A copy of the archive with files replaced; the manifest is left as it was unless
    ``fix_manifest`` (then only the archive's content is wrong, not its checksums)."""
    copy = archive.with_name("changed.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        members = source.getmembers()
        contents = {m.name: source.extractfile(m).read() for m in members}  # type: ignore[union-attr]
        contents.update(change)
        if fix_manifest:
            manifest = json.loads(contents[MANIFEST])
            for name, data in change.items():
                manifest["files"][name] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
            contents[MANIFEST] = json.dumps(manifest).encode()
        for member in members:
            data = contents[member.name]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def _tables(name: str) -> int:
    with connected_to(name):
        return len(connection.introspection.table_names())


@pytest.fixture
def app_role(transactional_db: None) -> Iterator[str | None]:
    """PostgreSQL: a login role of its own for the restored application (roles are
    cluster-wide), dropped after the restored database."""
    if not POSTGRESQL:
        yield None
        return
    role = f"os_app_{secrets.token_hex(6)}"
    with _admin_connection() as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        with _admin_connection() as admin:
            admin.execute(f"DROP ROLE {role}")


def test_a_restored_backup_verifies_and_serves_the_city(
    temporary_storage: Path, app_role: str | None, empty_database: str, tmp_path: Path
) -> None:
    load_demo_content()
    storages["private"].save("raw/teilnehmende.csv", ContentFile(b"name\nErika Muster\n"))
    checkpoint = checkpoint_create()
    backups = tmp_path / "backups"
    backups.mkdir()

    archive, manifest = _backup(backups)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    database_file = "database.dump" if POSTGRESQL else "database.sqlite3"
    assert set(names) == {database_file, MANIFEST, *manifest["files"]}
    media = sorted(name for name in names if name.startswith("media/"))
    assert media == ["media/opendata/bodenfeuchte.csv", "media/opendata/wlan-standorte.csv"]
    assert not any("teilnehmende" in name for name in names)
    assert manifest["audit"]["seq"] == checkpoint.seq
    assert manifest["audit"]["head"] == checkpoint.entry_hash
    assert manifest["database"]["engine"] == connection.vendor
    assert "0003_chain_seal" in manifest["migrations"]["audit"]
    project = Project.objects.filter(published_at__isnull=False).first()
    assert project is not None
    distribution = Distribution.objects.filter(dataset__name="bodenfeuchte-parks").get()
    download = reverse(
        "opendata:distribution_download",
        args=[distribution.dataset.name, distribution.identifier],
    )
    restored_media = tmp_path / "restored-media"

    # As the owner, like the migrations; PostgreSQL grants the application's role again.
    granted = ["--app-role", app_role] if app_role else []
    with connected_to(empty_database), media_in(restored_media):
        output = io.StringIO()
        call_command("restore", str(archive), *granted, stdout=output)
        assert "audit chain ok: " in output.getvalue()
        assert "migrations: as in this version" in output.getvalue()
        verified = io.StringIO()
        call_command(
            "audit",
            "verify",
            "--checkpoint",
            f"{checkpoint.seq}:{checkpoint.entry_hash}",
            stdout=verified,
        )
        assert f"head {checkpoint.entry_hash}" in verified.getvalue()
        head = ChainHead.objects.get(pk=1)
        assert (head.seq, head.entry_hash) == (manifest["audit"]["seq"], manifest["audit"]["head"])

    # The application, as its own role: pages and files served, the chain appended to and
    # sealed by the restored triggers, and still not rewritable.
    with connected_to(empty_database, user=app_role), media_in(restored_media):
        assert Client().get(f"/projekte/{project.slug}/").status_code == 200
        served = Client().get(download)
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == distribution.file.read()  # type: ignore[attr-defined]
        editor = User.objects.filter(role=Role.EDITOR, office__isnull=False).first()
        assert editor is not None and editor.office is not None
        services.project_create(
            actor=editor, office=editor.office, title="Nach der Wiederherstellung", summary="."
        )
        after = verify_chain()
        assert after.ok, after.problem
        assert after.entries == manifest["audit"]["entries"] + 1
        if app_role:
            with connection.cursor() as cursor, pytest.raises(Exception, match="permission"):
                cursor.execute("DELETE FROM audit_auditentry")

    assert sorted(p.name for p in (restored_media / "opendata").iterdir()) == [
        "bodenfeuchte.csv",
        "wlan-standorte.csv",
    ]
    assert not any(restored_media.rglob("teilnehmende*"))


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    temporary_storage: Path, empty_database: str, tmp_path: Path
) -> None:
    storages["default"].save("opendata/wlan-standorte.csv", ContentFile(b"standort\nNord\n"))
    archive, _ = _backup(tmp_path)
    damaged = _rewrite(archive, {"media/opendata/wlan-standorte.csv": b"standort\nanders\n"})
    restored_media = tmp_path / "restored-media"

    with (
        connected_to(empty_database),
        media_in(restored_media),
        pytest.raises(CommandError) as refused,
    ):
        call_command("restore", str(damaged))
    assert refused.value.returncode == 2
    assert "media/opendata/wlan-standorte.csv is damaged" in str(refused.value)
    assert _tables(empty_database) == 0
    assert not restored_media.exists()


def test_a_restore_never_writes_into_a_database_that_holds_data(
    temporary_storage: Path, tmp_path: Path, transactional_db: None
) -> None:
    checkpoint_create()
    archive, _ = _backup(tmp_path)

    with media_in(tmp_path / "restored-media"), pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert refused.value.returncode == 2
    assert "is not empty" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert Checkpoint.objects.count() == 1


@pytest.mark.skipif(not POSTGRESQL, reason="pg_restore runs on PostgreSQL only")
def test_a_failing_pg_restore_leaves_the_database_empty(
    temporary_storage: Path, empty_database: str, tmp_path: Path
) -> None:
    storages["default"].save("opendata/wlan-standorte.csv", ContentFile(b"standort\nNord\n"))
    archive, _ = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        member = tar.extractfile("database.dump")
        assert member is not None
        dump = member.read()
    # Cut off in the last table's data: every table was created when pg_restore fails.
    cut = _rewrite(archive, {"database.dump": dump[:-64]}, fix_manifest=True)
    restored_media = tmp_path / "restored-media"

    with (
        connected_to(empty_database),
        media_in(restored_media),
        pytest.raises(CommandError) as failed,
    ):
        call_command("restore", str(cut))
    assert failed.value.returncode == 1
    assert "nothing was restored, the database is still empty" in str(failed.value)
    assert _tables(empty_database) == 0
    assert not restored_media.exists()
    assert not list(tmp_path.glob(".offenestadt-restore-*"))


def test_the_command_refuses_a_missing_archive_in_one_line() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "offenestadt", "restore", "keine-sicherung.tar"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr.strip().splitlines() == [
        "CommandError: keine-sicherung.tar: no such file"
    ]


@pytest.mark.django_db
def test_a_backup_never_goes_into_the_folder_it_backs_up(temporary_storage: Path) -> None:
    inside = temporary_storage / "public" / "sicherungen"
    inside.mkdir(parents=True)
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--out", str(inside))
    assert refused.value.returncode == 2
    assert "inside MEDIA_ROOT" in str(refused.value)
    assert not any(inside.iterdir())
