"""The production application server (granian), for `offenestadt serve` and the demo.

Granian was measured against gunicorn (gthread) on the demo with the same workers and
threads: see bench/bench_serve.py and the README. Each worker process holds its own
threads; the connections waiting for a thread queue in granian, not in the kernel's
listen backlog, so a burst of requests waits instead of being reset.
"""

import argparse
import importlib
import logging
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

from offenestadt.core.pool import use_connection_pool

WSGI_TARGET = "offenestadt.wsgi:application"
DEFAULT_THREADS = 8
# Seconds a worker may take to finish its requests after SIGTERM/SIGINT before it is killed.
SHUTDOWN_TIMEOUT = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `offenestadt serve`, which the demo shares."""
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
    parser.add_argument("--port", default=8000, type=_port, help="Port to listen on.")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        help="Worker processes (default: one per core, here %(default)s).",
    )
    parser.add_argument(
        "--threads",
        type=_positive,
        default=DEFAULT_THREADS,
        help="Threads per worker process (default: %(default)s).",
    )


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1 to 65535)")
    return int(value)


def _check_address(host: str, port: int) -> None:
    """Say in one line why the server could not listen there (granian ends in a traceback)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(
            f"cannot listen on {host} port {port} ({reason}): stop what listens there, or "
            "choose another --host or --port",
            returncode=2,
        ) from None


def serve(host: str, port: int, *, workers: int, threads: int) -> None:
    """Serve the application until SIGTERM or SIGINT, then finish the running requests."""
    _check_address(host, port)
    # Each worker starts as a fresh interpreter rather than a fork of this process, so it
    # inherits none of what this process did before: its database connections, or the
    # thread pool of the table library (polars) after the demo has read tables with it,
    # which does not survive a fork and hung a worker's first upload.
    multiprocessing.set_start_method("spawn", force=True)
    # This process only supervises the workers: it keeps no connection open meanwhile.
    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
    json_handler = {"class": "logging.StreamHandler", "formatter": "json"}
    log_config: dict[str, Any] = {
        # Granian's own messages as JSON lines too; its access log stays off, since the
        # request log middleware writes one line a request (without addresses).
        "formatters": settings.LOGGING["formatters"],
        "handlers": {"console": json_handler, "access": json_handler},
    }
    server = Server(
        WSGI_TARGET,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_level=LogLevels(logging.getLevelName(logging.getLogger().level).lower()),
        log_dictconfig=log_config,
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=SHUTDOWN_TIMEOUT,
        # `backpressure` (granian's limit of connections a worker accepts) stays at its
        # default, far above the threads: it counts connections, not requests, so a limit
        # of 8 would let 8 idle keep-alive connections (nginx keeps 32) block all others.
        # Hence granian's warning that 8 threads are many for few cores, which stands.
    )
    server.serve(target_loader=_load_in_worker)


def _load_in_worker(target: str) -> Callable[..., Any]:
    """The WSGI application, loaded in each worker process, which leaves SIGINT to the
    master: Ctrl+C in a terminal reaches the whole process group, and the master then
    stops each worker with SIGTERM. A granian worker (2.8.9) that gets SIGINT and SIGTERM
    at once often never finishes stopping and is killed after SHUTDOWN_TIMEOUT; a single
    signal (or the same one twice, as a service manager's SIGTERM to all) stops it at
    once. Blocked here, before granian installs its handlers and starts its threads
    (which inherit the mask), SIGINT stays pending and unseen. The request threads start
    no programs, which would inherit the mask too."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    module, _, name = target.partition(":")
    application: Callable[..., Any] = getattr(importlib.import_module(module), name)
    use_connection_pool()
    return application
