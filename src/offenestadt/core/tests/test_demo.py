"""The demo: loads the fictional programme once, however often it runs, and serves it."""

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, Checkpoint
from offenestadt.audit.verification import verify_chain
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.mail import site_url
from offenestadt.registry.models import Project


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing() -> None:
    notes = load_demo_content()
    counts = [m.objects.count() for m in (Office, User, Project, AuditEntry, Checkpoint)]
    assert counts[2] >= 3
    assert any("redaktion" in line for line in notes)
    load_demo_content()
    assert [m.objects.count() for m in (Office, User, Project, AuditEntry, Checkpoint)] == counts
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_demo_is_labelled_and_keeps_drafts_internal() -> None:
    load_demo_content()
    page = Client().get("/projekte/").content.decode()
    published = Project.objects.published()
    assert all("(Demo)" in project.title for project in Project.objects.all())
    assert all(project.title in page for project in published)
    for draft in Project.objects.filter(published_at__isnull=True):
        assert draft.title not in page


@pytest.mark.django_db
def test_the_demos_mails_link_to_the_port_it_serves(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """`offenestadt demo --port 8123` prints e-mails whose links lead to port 8123, not to the
    default port 8000 (where another demo may run); a SITE_URL that is set still wins."""
    monkeypatch.delenv("SITE_URL", raising=False)
    call_command("demo", "--no-serve", "--port", "8123")
    assert site_url("/beteiligung/") == "http://127.0.0.1:8123/beteiligung/"

    monkeypatch.setenv("SITE_URL", "https://stadt.example.org")
    settings.SITE_URL = "https://stadt.example.org"
    call_command("demo", "--no-serve", "--port", "8124")
    assert site_url("/beteiligung/") == "https://stadt.example.org/beteiligung/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "offenestadt", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server started as ``process`` answers ``url``/healthz with 200.

    A slow start on a loaded machine is waited for (up to five minutes); a server that
    exits, or answers anything but 200, fails at once with its output."""
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                assert response.status == 200, log.read_text()
                return
        except urllib.error.HTTPError as error:
            raise AssertionError(f"/healthz answered {error.code}:\n{log.read_text()}") from error
        except OSError:
            assert process.poll() is None, f"the server exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no answer after 300 s:\n{log.read_text()}"
            time.sleep(0.5)


def _concurrent_gets(url: str, paths: list[str]) -> list[int | str]:
    """Request every path at once, each on its own connection: the statuses, or the
    connection errors."""
    start = threading.Barrier(len(paths))

    def get(path: str) -> int | str:
        start.wait()
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=120) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError as error:
            return repr(error)

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(get, paths))


def _health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        return json.load(response)  # type: ignore[no-any-return]


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, and theirs (Linux: from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name in parentheses may hold spaces: the fields follow its end.
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    return ""


def _left_behind(pids: set[int]) -> list[int]:
    """Those of ``pids`` still running a few seconds after the demo ended. The workers'
    resource tracker (Python's, for processes started afresh) ends only once the server has
    ended and closed its end of the pipe: a moment after, not at once."""
    deadline = time.monotonic() + 5
    while (running := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _demo_env(folder: Path) -> dict[str, str]:
    """A user's shell for a demo on an SQLite file in ``folder``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "SECURE_HTTPS", "SERVE_STATIC_FROM_APPS"}
    }
    return env | {
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "OFFENESTADT_DATA_DIR": str(folder),
    }


def _start_demo(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`offenestadt demo` with two server workers, its output in ``log``; and its address.

    It runs in a process group of its own, as in a terminal, where Ctrl+C signals the
    whole group."""
    port = _free_port()
    with log.open("wb") as output:
        demo = subprocess.Popen(
            [sys.executable, "-m", "offenestadt", "demo", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return demo, f"http://127.0.0.1:{port}"


def _worker_reported(url: str, log: Path) -> dict[str, Any]:
    """/healthz once the demo's task worker has reported and the queue is empty."""
    deadline = time.monotonic() + 180
    while (health := _health(url))["worker"]["state"] != "ok" or health["tasks"]["waiting"]:
        assert time.monotonic() < deadline, f"{health}\n{log.read_text()}"
        time.sleep(1)
    return health


def test_demo_serves_pages_and_audit_verify_catches_a_tampered_row(tmp_path: Path) -> None:
    """End to end on an embedded SQLite file, as `make demo` runs it: the production
    server answers 64 requests at once without a connection error; the task worker runs
    beside it, works off the queue and reports to /healthz; Ctrl+C (SIGINT to the whole
    process group) stops everything within seconds, not after the 30 s kill timeout."""
    database = tmp_path / "demo.sqlite3"
    env = _demo_env(tmp_path)
    log = tmp_path / "demo.log"
    server, url = _start_demo(env, log)
    try:
        _serving(url, server, log)
        with urllib.request.urlopen(f"{url}/projekte/") as response:
            assert "(Demo)" in response.read().decode()
        with urllib.request.urlopen(f"{url}/static/offenestadt/site.css") as response:
            assert response.status == 200
        statuses = _concurrent_gets(url, ["/abstimmungen/1/", "/", "/projekte/", "/healthz"] * 16)
        assert statuses == [200] * 64

        # Loading the demo queued the checks of its files: the worker works them off.
        assert _worker_reported(url, log)["tasks"]["failed_last_day"] == 0
        started = _descendants(server.pid)
        assert len(started) >= 3, "two server workers and the task worker"
        # The server's workers start as fresh interpreters, not as forks of the demo, which
        # has read tables by then: a fork inherited the table library's thread pool, and a
        # worker's first upload hung, holding the database's lock.
        spawned = [pid for pid in started if "spawn_main" in _command_line(pid)]
        assert len(spawned) == 2, [_command_line(pid) for pid in started]
    finally:
        stopping = time.monotonic()
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=90)
    output = log.read_text()
    assert not _left_behind(started), f"left behind:\n{output}"
    assert time.monotonic() - stopping < 10, f"Ctrl+C took long:\n{output}"
    assert "redaktion / " in output, "the demo prints the staff sign-in"

    # The demo marked its data folder: no OFFENESTADT_DEMO or SECRET_KEY needed beside it.
    verified = _cli("audit", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "audit chain ok" in verified.stdout

    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER audit_entry_append_only")
        db.execute("UPDATE audit_auditentry SET actor_role = 'admin' WHERE seq = 2")
    tampered = _cli("audit", "verify", env=env)
    assert tampered.returncode == 1
    assert "audit chain broken at entry 2" in tampered.stderr

    # Emptying the audit tables leaves a consistent chain of 0 entries: the records tell.
    with sqlite3.connect(database) as db:
        for table in ("audit_auditentry", "audit_chainhead", "audit_chainseal", "audit_checkpoint"):
            db.execute(f"DELETE FROM {table}")
    emptied = _cli("audit", "verify", env=env)
    assert emptied.returncode == 1
    assert "audit trail incomplete" in emptied.stderr
    assert "records without an entry in the chain" in emptied.stderr
    # The first of them by model and key (which models come first follows the apps' order).
    assert re.search(r"in the chain \(\d+; .*\): [a-z_]+\.[a-z_]+ \d+", emptied.stderr)


def test_a_demo_stopped_by_sigterm_leaves_no_process_behind(tmp_path: Path) -> None:
    """As a service manager stops it: the server's workers and the task worker end too."""
    log = tmp_path / "demo.log"
    demo, url = _start_demo(_demo_env(tmp_path), log)
    try:
        _serving(url, demo, log)
        _worker_reported(url, log)
        started = _descendants(demo.pid)
        assert len(started) >= 3, "two server workers and the task worker"
    finally:
        demo.terminate()
        demo.wait(timeout=90)
    assert demo.returncode == 0, log.read_text()
    assert not _left_behind(started), log.read_text()
