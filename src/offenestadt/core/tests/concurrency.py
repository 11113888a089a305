"""Running work truly at once in tests: threads that start together behind a barrier, each
with its own database connection (use with ``transactional_db``, so they see each other)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections


def in_parallel(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run every task at once (a barrier lets them go together), each thread with its own
    connection; returns each task's result or the exception it raised."""
    barrier = threading.Barrier(len(tasks))

    def run(task: Callable[[], Any]) -> Any:
        try:
            barrier.wait()
            return task()
        except Exception as error:  # the outcome is what the test looks at
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


def skip_without_parallel_writers() -> None:
    """Skip the calling test on SQLite: its test database lives in memory with a shared
    cache, where a second writer fails at once ("database table is locked") instead of
    waiting for the first, as the file database of an embedded installation does. So it
    cannot show what parallel transactions do; PostgreSQL (CI, production) can."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "parallel writers need PostgreSQL (set DATABASE_URL): SQLite's in-memory test "
            "database refuses a second writer instead of letting it wait. CI runs it."
        )
