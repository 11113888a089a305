"""A PostgreSQL streaming replica of the local primary, made with Debian's cluster tools, for
the tests that read from a replica (and `make test-cluster`).

``streaming_replica()`` creates the cluster ``<version>/offenestadt_replica_<process id>`` on a
free port of 127.0.0.1 (``pg_createcluster``), replaces its data with ``pg_basebackup -R`` of
the primary, starts it and waits until it is in recovery and streaming; afterwards it stops and
drops the cluster (``pg_dropcluster``). Runs at the same time get clusters of their own;
starting also removes the clusters of runs whose process is gone (interrupted).
The primary needs ``wal_level`` replica (PostgreSQL's default) and ``max_wal_senders`` above
0; if its pg_hba.conf lets no replication connection in from 127.0.0.1, a marked ``trust`` line
like its others is added for the duration and taken out again (a reload, never a restart).
It runs as root (``.ci/run``) or as the postgres user; the replica uses no replication slot,
so nothing stays behind on the primary.

    python -m offenestadt.core.tests.replica_cluster up     # prints the replica's port
    python -m offenestadt.core.tests.replica_cluster down
"""

import contextlib
import fcntl
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

from offenestadt.core.replica import REPLICA

PREFIX = "offenestadt_replica_"
CLI_NAME = f"{PREFIX}cli"
HBA_MARK = "# offenestadt replica test"


@dataclass(frozen=True)
class Replica:
    name: str
    version: str
    port: int
    data_directory: Path


def missing_requirement(primary_port: int = 5432) -> str | None:
    """Why no replica can be made here, or None."""
    if shutil.which("pg_createcluster") is None:
        return "pg_createcluster is missing (Debian's postgresql-common)"
    if os.geteuid() != 0 and _user() != "postgres":
        return "creating a PostgreSQL cluster needs root or the postgres user"
    try:
        with _connect(primary_port) as primary:
            wal_level = primary.execute("SHOW wal_level").fetchone()
            senders = primary.execute("SHOW max_wal_senders").fetchone()
            superuser = primary.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as error:
        return f"no PostgreSQL primary on 127.0.0.1:{primary_port} ({error})"
    if not (superuser and superuser[0]):
        return "the primary's user postgres must be a superuser"
    if wal_level is None or wal_level[0] not in {"replica", "logical"}:
        return "the primary's wal_level must be replica (its default)"
    if senders is None or int(senders[0]) < 1:
        return "the primary's max_wal_senders must be above 0 (its default is 10)"
    return None


@contextlib.contextmanager
def streaming_replica(primary_port: int = 5432) -> Iterator[Replica]:
    """A replica streaming from the primary for the duration of the block."""
    replica = start(primary_port)
    try:
        yield replica
    finally:
        stop(primary_port)


def own_name() -> str:
    return f"{PREFIX}{os.getpid()}"


def start(primary_port: int = 5432, name: str = "") -> Replica:
    """Make the replica ``name`` (default: this process's) and wait until it streams."""
    name = name or own_name()
    stop(primary_port, name)
    for abandoned in _abandoned():
        stop(primary_port, abandoned)
    with _connect(primary_port) as primary:
        row = primary.execute("SHOW server_version_num").fetchone()
        assert row is not None
        version = str(int(row[0]) // 10000)
    _allow_replication(primary_port, name)
    # Runs at the same time take turns between choosing a port and claiming it (a lock on
    # the clusters' configuration folder: no file of its own to leave behind).
    lock = os.open("/etc/postgresql", os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        port = _free_port()
        _run(["pg_createcluster", version, name, "--port", str(port), "--", "--auth=trust"])
    finally:
        os.close(lock)
    data = _data_directory(version, name)
    # A replica made for a test is thrown away after it: no need to wait for the disk.
    (Path("/etc/postgresql") / version / name / "conf.d" / "offenestadt-test.conf").write_text(
        "fsync = off\n"
    )
    for entry in data.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    basebackup = Path(f"/usr/lib/postgresql/{version}/bin/pg_basebackup")
    _run(
        [
            *_as_postgres(),
            str(basebackup),
            "--host=127.0.0.1",
            f"--port={primary_port}",
            "--username=postgres",
            f"--pgdata={data}",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        ]
    )
    starting = subprocess.Popen(
        _pg_ctlcluster(version, name, "start"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    replica = Replica(name=name, version=version, port=port, data_directory=data)
    _wait_until_streaming(replica, primary_port)
    _, errors = starting.communicate()
    if starting.returncode != 0:
        raise RuntimeError(f"pg_ctlcluster start failed: {errors.strip()}")
    return replica


def stop(primary_port: int = 5432, name: str = "") -> None:
    """Stop and drop the replica ``name`` (default: this process's) and take out the line
    added for it (if any)."""
    name = name or own_name()
    for version in [line.split()[0] for line in _clusters() if line.split()[1] == name]:
        # Immediately: nothing of a test's replica needs keeping (stopped already: fine).
        subprocess.run(
            _pg_ctlcluster(version, name, "stop", "-m", "immediate"),
            capture_output=True,
            check=False,
        )
        _run(["pg_dropcluster", version, name])
    with contextlib.suppress(psycopg.Error), _connect(primary_port) as primary:
        row = primary.execute("SHOW hba_file").fetchone()
        if row is None:
            return
        hba = Path(row[0])
        lines = hba.read_text().splitlines(keepends=True)
        kept = [line for line in lines if not line.rstrip().endswith(f"{HBA_MARK} {name}")]
        if kept != lines:
            hba.write_text("".join(kept))
            primary.execute("SELECT pg_reload_conf()")


@contextlib.contextmanager
def replay_paused(replica: Replica) -> Iterator[None]:
    """The replica receives WAL but applies none of it: it falls behind on purpose."""
    with _connect(replica.port) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with _connect(replica.port) as standby:
            standby.execute("SELECT pg_wal_replay_resume()")


def stop_server(replica: Replica) -> None:
    """Stop the replica's server (it stays created until ``stop``)."""
    _run(_pg_ctlcluster(replica.version, replica.name, "stop", "-m", "immediate"))


def commits(replica: Replica, database: str) -> int:
    """Transactions the replica's own statistics count for ``database`` (its readers')."""
    with _connect(replica.port) as standby:
        row = standby.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [database]
        ).fetchone()
    return int(row[0]) if row else 0


@contextlib.contextmanager
def replica_alias(**overrides: object) -> Iterator[None]:
    """A ``replica`` database alias for the duration of the block, as DATABASE_REPLICA_URL
    makes one (the settings were read before any test): the test database's settings with
    ``overrides`` (HOST, PORT of a real replica), marked as a test mirror so that nothing
    creates or empties it. Request it before the test's database fixture (module scope)."""
    primary = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[REPLICA] = {
        **primary,
        **overrides,
        "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _connect(port: int, *, replication: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
    conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres connect_timeout=5"
    if replication:
        conninfo += " replication=true"
    return psycopg.connect(conninfo, autocommit=True)


def _replication_allowed(port: int) -> bool:
    try:
        with _connect(port, replication=True):
            return True
    except psycopg.OperationalError:
        return False


def _allow_replication(port: int, name: str) -> None:
    if _replication_allowed(port):
        return
    with _connect(port) as primary:
        row = primary.execute("SHOW hba_file").fetchone()
        assert row is not None
        hba = Path(str(row[0]))
        # First match wins in pg_hba.conf: the line goes first.
        hba.write_text(
            f"host replication all 127.0.0.1/32 trust {HBA_MARK} {name}\n" + hba.read_text()
        )
        primary.execute("SELECT pg_reload_conf()")
    for _ in range(50):
        if _replication_allowed(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the primary still refuses replication connections (see {hba})")


def _free_port() -> int:
    taken = {int(line.split()[2]) for line in _clusters()}
    for port in range(5433, 5533):
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port for the replica between 5433 and 5532")


def _clusters() -> list[str]:
    output = subprocess.run(
        ["pg_lsclusters", "--no-header"],  # noqa: S607 - Debian's tools, from PATH
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in output.splitlines() if line.strip()]


def _abandoned() -> list[str]:
    """Replicas of runs whose process is gone (an interrupted test)."""
    names = []
    for line in _clusters():
        name = line.split()[1]
        pid = name.removeprefix(PREFIX)
        if name.startswith(PREFIX) and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            names.append(name)
    return names


def _data_directory(version: str, name: str) -> Path:
    for line in _clusters():
        fields = line.split()
        if fields[:2] == [version, name]:
            return Path(fields[5])
    raise RuntimeError(f"pg_createcluster made no cluster {version}/{name}")


def _wait_until_streaming(replica: Replica, primary_port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    problem = "not started"
    while time.monotonic() < deadline:
        # A standby opens for reads once it has seen which transactions run on the primary;
        # a checkpoint writes that at once (otherwise it comes every 15 seconds).
        with _connect(primary_port) as primary:
            primary.execute("CHECKPOINT")
        try:
            with _connect(replica.port) as standby:
                own = standby.execute("SHOW cluster_name").fetchone()
                if own != (f"{replica.version}/{replica.name}",):
                    raise RuntimeError(f"port {replica.port} is taken by the cluster {own}")
                recovery = standby.execute("SELECT pg_is_in_recovery()").fetchone()
                receiver = standby.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
            if recovery and recovery[0] and receiver and receiver[0] == "streaming":
                return
            problem = f"in recovery: {recovery}, WAL receiver: {receiver}"
        except psycopg.OperationalError as error:
            problem = str(error).strip()
        time.sleep(0.5)
    raise RuntimeError(f"the replica on port {replica.port} is not streaming: {problem}")


def _user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg_ctlcluster(version: str, name: str, *action: str) -> list[str]:
    # Straight to pg_ctl: CI containers run no systemd.
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, *action]


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")


def main(argv: list[str]) -> int:
    if argv not in (["up"], ["down"]):
        print("usage: python -m offenestadt.core.tests.replica_cluster up|down", file=sys.stderr)
        return 2
    if argv == ["down"]:
        stop(name=CLI_NAME)
        return 0
    if (reason := missing_requirement()) is not None:
        print(f"cannot make a replica: {reason}", file=sys.stderr)
        return 2
    print(start(name=CLI_NAME).port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
