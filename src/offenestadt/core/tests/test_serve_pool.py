"""`offenestadt serve` and the worker keep a bounded number of PostgreSQL connections.

PostgreSQL only (SQLite has no server connections). The server and the worker run as
subprocesses against the test database; each names itself to PostgreSQL (PGAPPNAME), so
pg_stat_activity tells their connections apart from the test's own.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="server connections and their pool exist on PostgreSQL only",
)

WORKERS = 2
THREADS = 8
POOL_MAX_SIZE = 3  # below THREADS: threads wait for a connection rather than open one
REQUESTS = 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{urllib.parse.quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    user = urllib.parse.quote(settings["USER"])
    return (
        f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@contextlib.contextmanager
def _started(name: str, arguments: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL_MAX_SIZE": str(POOL_MAX_SIZE),
        "PGAPPNAME": name,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "offenestadt", *arguments],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=90)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)


class _Sampler:
    """The largest number of connections of each application name seen while it runs."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.most: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        with psycopg.connect(_database_url()) as admin:
            admin.autocommit = True
            while not self._stop.is_set():
                rows = admin.execute(
                    "SELECT application_name, count(*) FROM pg_stat_activity "
                    "WHERE datname = %s GROUP BY application_name",
                    [self.database],
                ).fetchall()
                for name, count in rows:
                    self.most[name] = max(self.most.get(name, 0), count)
                time.sleep(0.02)

    def __enter__(self) -> "_Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _sign_in_form(url: str) -> tuple[str, str]:
    """A CSRF cookie and token for posting the sign-in form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/konto/anmelden/") as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    assert cookie is not None
    return cookie, token.group(1)


def _request(url: str, path: str, csrf: tuple[str, str]) -> int | str:
    """One request: a page, or (path "POST") a failed sign-in, which writes a counter."""
    try:
        if path == "POST":
            cookie, token = csrf
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "username": "niemand", "password": "falsch"}
            ).encode()
            request = urllib.request.Request(
                f"{url}/konto/anmelden/", data=body, headers={"Cookie": f"csrftoken={cookie}"}
            )
        else:
            request = urllib.request.Request(f"{url}{path}")
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return repr(error)


@pytest.mark.django_db(transaction=True)
def test_serve_keeps_its_database_connections_within_the_pool(tmp_path: Path) -> None:
    """200 parallel requests (pages and sign-in attempts) against two server processes with
    a pool of 3 connections each, beside the worker: never more than 2 x 3 connections for
    the server and 3 for the worker, and every request answered."""
    database = connection.settings_dict["NAME"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    serve = ["serve", "--port", str(port), "--workers", str(WORKERS), "--threads", str(THREADS)]
    with (
        _started("os-test-serve", serve, tmp_path / "serve.log") as server,
        _started("os-test-worker", ["worker", "--no-startup-delay"], tmp_path / "worker.log"),
    ):
        _wait_for(url, server, tmp_path / "serve.log")
        csrf = _sign_in_form(url)
        paths = ["/", "/projekte/", "/daten/", "/healthz", "POST"] * (REQUESTS // 5)
        with _Sampler(database) as sampler, ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            answers = list(pool.map(lambda path: _request(url, path, csrf), paths))
            # The worker beats and polls meanwhile.
            time.sleep(2)
        with urllib.request.urlopen(f"{url}/healthz") as response:
            assert b'"state": "ok"' in response.read(), (tmp_path / "worker.log").read_text()
    problems = [answer for answer in answers if not isinstance(answer, int) or answer >= 500]
    assert not problems, (tmp_path / "serve.log").read_text()[-3000:]
    assert 0 < sampler.most.get("os-test-serve", 0) <= WORKERS * POOL_MAX_SIZE, sampler.most
    assert 0 < sampler.most.get("os-test-worker", 0) <= POOL_MAX_SIZE, sampler.most
