"""Backups a restore can prove: the database, the public files, and a manifest that holds
the audit chain's head and a checksum of every file.

A backup is one tar archive: ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``)
or ``database.sqlite3`` (SQLite, its online backup), ``media/…`` (the public files when
they are on a filesystem) and ``manifest.json``. The database and the head in the
manifest come from the same snapshot. Raw uploads of the anonymization pipeline (private
storage) are left out: they are personal data with a retention of their own.

A restore checks every checksum before it touches anything, goes only into an empty
database and an empty media folder, restores the database in one transaction (a failure
leaves it empty) and the files through a temporary folder that is renamed at the end,
then verifies the audit chain and compares its head with the manifest.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from offenestadt.audit.app_role import AppRoleError, app_role_grant
from offenestadt.audit.models import AuditEntry, ChainHead
from offenestadt.audit.verification import ChainReport, verify_chain

MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024
# Connection settings Django may carry in OPTIONS, as libpq's environment names them.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}
PRIVATE_FILES_NOTE = (
    "not included: raw uploads of the anonymization pipeline are personal data that are "
    "deleted when their retention ends"
)


class BackupError(Exception):
    """Bad input or configuration: the message says what to fix."""


class BackupRunError(Exception):
    """A backup or restore that ran and failed: the message says what state it left."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int
    # None while migrations differ: verify after `offenestadt migrate`.
    chain: ChainReport | None
    # Migrations of this code the restored database has not run yet, and those it ran
    # that this code does not know (a backup from a newer version).
    pending_migrations: int
    unknown_migrations: int


# --- Backup -----------------------------------------------------------------------


def backup_create(*, out: Path) -> tuple[Path, dict[str, Any]]:
    """Write a backup archive to ``out`` (a folder, or a file name ending in .tar)."""
    engine = _engine()
    target = _archive_path(out)
    media = _media_storage()
    if media is not None and target.parent.resolve().is_relative_to(Path(media.location).resolve()):
        raise BackupError(f"--out {out} is inside MEDIA_ROOT: the archive would back up itself")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".offenestadt-backup-") as work:
        partial = Path(work) / "archive.tar"
        database_file = Path(work) / DATABASE_FILES[engine]
        if engine == "postgresql":
            state = _dump_postgresql(database_file)
        else:
            state = _copy_sqlite(database_file)
        files: dict[str, dict[str, Any]] = {}
        with tarfile.open(partial, "w") as archive:
            files[database_file.name] = _add(archive, database_file, database_file.name)
            if media is not None:
                for path, name in _media_files(media):
                    files[name] = _add(archive, path, name)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "platform": {"name": "offenestadt", "version": version("offenestadt")},
                **state,
                "media": _media_description(media, files),
                "private_files": PRIVATE_FILES_NOTE,
                "files": files,
                "size": sum(entry["size"] for entry in files.values()),
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
            archive.addfile(info, _BytesReader(body))
        # It holds personal data (staff accounts, contact addresses): its owner only.
        partial.chmod(0o600)
        partial.replace(target)
    return target, manifest


def database_label() -> str:
    """The database as messages name it: PostgreSQL's database name, SQLite's file name
    (not the server's folders)."""
    name = str(connection.settings_dict["NAME"])
    return Path(name).name if connection.vendor == "sqlite" else name


def _engine() -> str:
    """The database's kind, once it answers."""
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    try:
        connection.ensure_connection()
    except OperationalError as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise BackupError(
            f"cannot connect to the database {database_label()}: {lines[0]}"
        ) from None
    return connection.vendor


def _archive_path(out: Path) -> Path:
    if out.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return out / f"offenestadt-backup-{stamp}.tar"
    if out.suffix != ".tar":
        raise BackupError(f"--out {out}: give an existing folder or a file name ending in .tar")
    if out.exists():
        raise BackupError(f"--out {out} exists: a backup never overwrites a file")
    if not out.parent.is_dir():
        raise BackupError(f"--out {out}: the folder {out.parent} does not exist")
    return out


def _state(cursor: Any) -> dict[str, Any]:
    """What the manifest records of the database: migrations and the audit chain's head.

    Read through ``cursor`` inside the snapshot that is backed up.
    """
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
        applied = cursor.fetchall()
        cursor.execute(f"SELECT count(*) FROM {AuditEntry._meta.db_table}")  # noqa: S608
        (entries,) = cursor.fetchone()
        cursor.execute(f"SELECT seq, entry_hash FROM {ChainHead._meta.db_table} WHERE id = 1")  # noqa: S608
        head = cursor.fetchone()
    except (DatabaseError, sqlite3.DatabaseError):
        raise BackupError(
            "the database has no tables of the platform yet: run `offenestadt migrate` first"
        ) from None
    migrations: dict[str, list[str]] = {}
    for app, name in applied:
        migrations.setdefault(app, []).append(name)
    seq, head_hash = head if head else (0, "0" * 64)
    return {
        "migrations": migrations,
        "audit": {"entries": entries, "seq": seq, "head": head_hash},
    }


def _dump_postgresql(file: Path) -> dict[str, Any]:
    """pg_dump inside a snapshot that the manifest's head is read from too."""
    pg_dump = _pg_binary("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        state = _state(cursor)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={file}"],
            what="pg_dump",
            work=file.parent,
        )
    return state | {"database": {"engine": "postgresql", **_server()}}


def _copy_sqlite(file: Path) -> dict[str, Any]:
    """SQLite's online backup: a consistent copy while the platform runs."""
    connection.ensure_connection()
    source = connection.connection
    with closing(sqlite3.connect(file)) as copy:
        source.backup(copy)
        with closing(copy.cursor()) as cursor:
            state = _state(cursor)
    return state | {"database": {"engine": "sqlite", "server_version": sqlite3.sqlite_version}}


def _media_storage() -> FileSystemStorage | None:
    """The public files' folder, or None when they are in object storage."""
    storage = storages["default"]
    return storage if isinstance(storage, FileSystemStorage) else None


def _private_folder() -> Path | None:
    storage = storages["private"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _media_files(storage: FileSystemStorage) -> Iterator[tuple[Path, str]]:
    root = Path(storage.location)
    private = _private_folder()
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        # Private storage inside the media folder stays out all the same.
        subfolders[:] = sorted(name for name in subfolders if here / name != private)
        for name in sorted(names):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path, f"{MEDIA}/{path.relative_to(root).as_posix()}"


def _media_description(
    storage: FileSystemStorage | None, files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    if storage is None:
        bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name", "")
        return {
            "storage": "object storage",
            "bucket": bucket,
            "note": "not included: back up the bucket with the provider's versioning",
        }
    count = sum(1 for name in files if name.startswith(f"{MEDIA}/"))
    return {"storage": "filesystem", "files": count}


def _add(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    """Add one file and return its size and checksum, read once."""
    size = path.stat().st_size
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o600
    with path.open("rb") as stream:
        reader = _HashingReader(stream)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": size}


class _HashingReader:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


# --- PostgreSQL's client programs -------------------------------------------------


def _server() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
    return {"server_version": server_version.split()[0]}


def _pg_binary(name: str) -> str:
    """pg_dump or pg_restore of the server's major version or newer (they read older
    servers, not newer ones): Debian's versioned folder first, then PATH."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (number,) = cursor.fetchone()
    server = int(number) // 10000
    candidates = [f"/usr/lib/postgresql/{server}/bin/{name}", shutil.which(name)]
    found = []
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            output = subprocess.run(  # noqa: S603  (our own argument list)
                [candidate, "--version"], capture_output=True, text=True, check=False
            ).stdout
            match = re.search(r"(\d+)(?:\.\d+)?", output)
            if match and int(match.group(1)) >= server:
                return candidate
            found.append(output.strip())
    also = f" (found {'; '.join(found)})" if found else ""
    raise BackupError(
        f"{name} for PostgreSQL {server} not found{also}: install the client programs of "
        f"that version (Debian: apt-get install postgresql-client-{server})"
    )


def _libpq_environment() -> dict[str, str]:
    """The connection for pg_dump and pg_restore, passed in the environment: a password
    never appears on a command line."""
    database = connection.settings_dict
    env = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if database.get(key):
            env[variable] = str(database[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if database.get("OPTIONS", {}).get(option):
            env[variable] = str(database["OPTIONS"][option])
    return env


def _run(command: list[str], *, what: str, work: Path) -> None:
    """Run pg_dump or pg_restore; its complaint names no folder of ours (``work``)."""
    result = subprocess.run(  # noqa: S603  (our own argument list)
        command, env=_libpq_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        stderr = result.stderr.replace(f"{work}{os.sep}", "")
        lines = [line for line in stderr.splitlines() if line.strip()]
        detail = "; ".join(lines[-3:]) or f"exit code {result.returncode}"
        raise BackupRunError(f"{what} failed: {detail}")


# --- Restore ----------------------------------------------------------------------


def restore_archive(*, archive: Path, app_role: str | None = None) -> RestoreResult:
    """Restore ``archive`` into the configured, empty database and media folder, grant
    ``app_role`` the application's rights (PostgreSQL), then verify the audit chain."""
    manifest = _read_manifest(archive)
    engine = _engine()
    recorded = manifest["database"]["engine"]
    if recorded != engine:
        raise BackupError(f"{archive} holds a {recorded} database; DATABASE_URL points to {engine}")
    _refuse_non_empty_database()
    media = _media_storage()
    media_root = Path(media.location) if media is not None else None
    has_media = any(name.startswith(f"{MEDIA}/") for name in manifest["files"])
    if has_media and media_root is None:
        raise BackupError(
            f"{archive} holds media files, but uploads are configured for object storage "
            "(S3_BUCKET): restore into a filesystem MEDIA_ROOT, or copy them to the bucket"
        )
    if media_root is not None and media_root.exists() and any(media_root.iterdir()):
        raise BackupError("MEDIA_ROOT is not empty: a restore never overwrites files")
    staging_parent = media_root.parent if media_root is not None else None
    if staging_parent is not None:
        staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".offenestadt-restore-") as work:
        staging = Path(work)
        _extract(archive, manifest, staging)
        database_file = staging / DATABASE_FILES[engine]
        if engine == "postgresql":
            _restore_postgresql(database_file)
        else:
            _restore_sqlite(database_file)
        media_files = 0
        if has_media and media_root is not None:
            if media_root.exists():
                media_root.rmdir()
            (staging / MEDIA).replace(media_root)
            media_files = sum(1 for name in manifest["files"] if name.startswith(f"{MEDIA}/"))
    connection.close()
    if app_role is not None:
        try:
            with transaction.atomic():
                app_role_grant(app_role)
        except AppRoleError as error:
            raise BackupRunError(
                f"restored, but {app_role} was not granted: {error} "
                "Then run `offenestadt manage grant_app_role`."
            ) from None
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    unknown = len(set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes))
    # The chain is read through this version's models: only when the tables match them.
    chain = verify_chain() if not (pending or unknown) else None
    return RestoreResult(manifest, media_files, chain, pending, unknown)


def _read_manifest(archive: Path) -> dict[str, Any]:
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        with tarfile.open(archive, "r:") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except KeyError:
        raise BackupError(f"{archive}: no {MANIFEST}; not an Offene Stadt backup") from None
    except (tarfile.TarError, EOFError, OSError, ValueError):
        raise BackupError(f"{archive}: not a readable backup archive (damaged?)") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
        or not all(key in manifest for key in ("created_at", "platform", "database", "audit"))
    ):
        raise BackupError(f"{archive}: a backup format this version does not read")
    return manifest


def _extract(archive: Path, manifest: dict[str, Any], staging: Path) -> None:
    """Unpack into ``staging``, checking every file's size and checksum on the way."""
    expected: dict[str, dict[str, Any]] = manifest["files"]
    seen = set()
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                name = member.name
                path = PurePosixPath(name)
                stream = tar.extractfile(member) if member.isfile() else None
                if (
                    name not in expected
                    or stream is None
                    or path.is_absolute()
                    or ".." in path.parts
                ):
                    raise BackupError(f"{archive}: {name} is not in its manifest; refused")
                target = staging.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                entry = expected[name]
                if (digest.hexdigest(), member.size) != (entry["sha256"], entry["size"]):
                    raise BackupError(
                        f"{archive}: {name} is damaged (its checksum differs from the "
                        "manifest); nothing was restored"
                    )
                seen.add(name)
    except (tarfile.TarError, EOFError):
        raise BackupError(f"{archive}: not a readable backup archive (damaged?)") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{archive}: {', '.join(missing[:5])} missing; nothing was restored")


def _refuse_non_empty_database() -> None:
    name = database_label()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'"
            )
            (tables,) = cursor.fetchone()
    else:
        tables = len(connection.introspection.table_names())
    if tables:
        raise BackupError(
            f"the database {name} is not empty ({tables} tables): restore into a new, empty "
            "database; a restore never overwrites data"
        )


def _restore_postgresql(file: Path) -> None:
    """One transaction: if pg_restore fails, the database stays empty.

    Objects belong to the role that restores (run it as the owner, like the migrations);
    the grants of the backed-up installation are left out, the application's role is
    granted again afterwards (grant_app_role).
    """
    pg_restore = _pg_binary("pg_restore")
    command = [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-acl"]
    try:
        _run(
            [*command, f"--dbname={connection.settings_dict['NAME']}", str(file)],
            what="pg_restore",
            work=file.parent,
        )
    except BackupRunError as error:
        raise BackupRunError(
            f"{error}; nothing was restored, the database is still empty"
        ) from None


def _restore_sqlite(file: Path) -> None:
    """SQLite's backup API writes the whole copy into the target in one step."""
    connection.ensure_connection()
    with closing(sqlite3.connect(file)) as source:
        source.backup(connection.connection)
    connection.close()
