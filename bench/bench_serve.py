"""The application server: requests per second of `offenestadt serve` (granian) against
gunicorn (gthread) with the same workers and threads, for the home page and a static file.

The load comes from wrk (Debian: `apt-get install wrk`), BENCH_SERVE_CONNECTIONS (64)
connections for BENCH_SERVE_SECONDS (10) per measure; without wrk, or without gunicorn
(a development dependency), that part is skipped. The servers get BENCH_SERVE_WORKERS
processes (default: one per core) of BENCH_SERVE_THREADS threads (8). This comparison
chose granian (see README, "Serve").
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from run import Figure

BENCHMARK = "serve"
PATHS = {"home page": "/", "static file": "/static/offenestadt/site.css"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _commands(port: int, workers: int, threads: int) -> dict[str, list[str]]:
    commands = {
        "granian": [
            sys.executable, "-m", "offenestadt", "serve", "--port", str(port),
            "--workers", str(workers), "--threads", str(threads),
        ],
    }  # fmt: skip
    if importlib.util.find_spec("gunicorn") is not None:
        commands["gunicorn"] = [
            sys.executable, "-m", "gunicorn", "offenestadt.wsgi",
            "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
            "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
        ]  # fmt: skip
    return commands


@contextlib.contextmanager
def running(command: list[str], port: int, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """The server started by ``command`` (with ``env`` added to the environment), once it
    answers /healthz on ``port``."""
    process = subprocess.Popen(command, env={**os.environ, "LOG_LEVEL": "WARNING", **env})  # noqa: S603
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[2]} did not start")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def _requests_per_second(wrk: str, url: str, connections: int, seconds: int) -> float:
    output = subprocess.run(  # noqa: S603 - wrk from PATH
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", output)
    if errors and any(int(count) for count in errors.groups()):
        print(f"serve bench: connection errors at {url}: {errors.group(0)}", file=sys.stderr)
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def run() -> list[Figure]:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("serve bench skipped: wrk is not installed", file=sys.stderr)
        return []
    workers = int(os.environ.get("BENCH_SERVE_WORKERS", os.cpu_count() or 1))
    threads = int(os.environ.get("BENCH_SERVE_THREADS", "8"))
    connections = int(os.environ.get("BENCH_SERVE_CONNECTIONS", "64"))
    seconds = int(os.environ.get("BENCH_SERVE_SECONDS", "10"))
    port = free_port()
    figures = []
    for server, command in _commands(port, workers, threads).items():
        with running(command, port):
            # Warm up: templates compiled, connections opened.
            _requests_per_second(wrk, f"http://127.0.0.1:{port}/", 8, 2)
            for name, path in PATHS.items():
                rate = _requests_per_second(
                    wrk, f"http://127.0.0.1:{port}{path}", connections, seconds
                )
                figures.append(
                    Figure(BENCHMARK, f"{server}, {name}, {workers}x{threads}", rate, "req/s")
                )
    return figures
