"""Run every benchmark in this folder (bench_*.py) and print one table of figures.

Each module has ``run() -> list[Figure]``. Django is set up once, on a throw-away
PostgreSQL database on 127.0.0.1:5432 (as production runs) when one answers there, else on
a fresh SQLite file in a temporary folder; DATABASE_URL names another (empty) database.

The city at scale (issue 18): `offenestadt manage seed_scale` fills an empty database with
10,000 projects, 5,000 contracts, 10,000 datasets, 100,000 contributions and 1,000,000 audit
entries in a valid chain (about 2 minutes on 2 cores, 1.3 GB of PostgreSQL). The run seeds
it first (BENCH_SCALE=0.1 gives a tenth for a quick run; BENCH_SCALE=0 none, to measure a
kept database that DATABASE_URL names); BENCH_ONLY=pages,voting runs only those modules.
"""

import contextlib
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One line of the table; ``goal`` says what the issue asks of it, ``met`` whether it holds."""

    benchmark: str
    measure: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None


def timings(action: Callable[[], object], *, repeat: int) -> list[float]:
    """The wall times of ``repeat`` runs of ``action``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def median_seconds(action: Callable[[], object], *, repeat: int = 7) -> float:
    """The median wall time of several runs of ``action``."""
    return statistics.median(timings(action, repeat=repeat))


def p95(times: list[float]) -> float:
    """The time 95 % of the runs stayed within."""
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


_SEEDED: list[float] = []


def scale_data_set() -> None:
    """The scale data set, written once per run (before other benchmarks add records);
    BENCH_SCALE=0 writes none and measures the database as it is (a kept scale data set)."""
    factor = float(os.environ.get("BENCH_SCALE", "1"))
    if _SEEDED or factor <= 0:
        return
    from django.core.management import call_command

    sizes = {
        "--projects": 10_000,
        "--contracts": 5_000,
        "--datasets": 10_000,
        "--contributions": 100_000,
        "--audit-entries": 1_000_000,
    }
    arguments = [str(part) for name, size in sizes.items() for part in (name, int(size * factor))]
    started = time.perf_counter()
    call_command("seed_scale", *arguments, "--force")
    _SEEDED.append(time.perf_counter() - started)


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("SECRET_KEY", "benchmarks-only-" + "x" * 40)
    os.environ.setdefault("SECURE_HTTPS", "false")
    os.environ.setdefault("SERVE_STATIC_FROM_APPS", "true")
    os.environ.setdefault("OFFENESTADT_DATA_DIR", str(workdir))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The benchmarks in this process measure the views themselves, as the first visitor after a
    # change (and a harvester, who reads each page once) finds them; bench_pages measures the
    # page cache, in a server of its own.
    os.environ.setdefault("PAGE_CACHE", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offenestadt.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[None]:
    """A fresh PostgreSQL database for this run, dropped afterwards; nothing if none answers."""
    if "DATABASE_URL" in os.environ:
        yield
        return
    import psycopg

    server = "postgres://postgres@127.0.0.1:5432"
    name = f"offenestadt_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
        try:
            yield
        finally:
            from django.db import connections

            connections.close_all()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _scale_line() -> str:
    from offenestadt.audit.models import AuditEntry
    from offenestadt.contracts.models import Contract
    from offenestadt.opendata.models import Dataset
    from offenestadt.participation.models import Comment, Proposal
    from offenestadt.registry.models import Project

    counts = {
        "projects": Project.objects.count(),
        "contracts": Contract.objects.count(),
        "datasets": Dataset.objects.count(),
        "contributions": Proposal.objects.count() + Comment.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }
    seeded = f", seeded in {_SEEDED[0]:.0f} s" if _SEEDED else ""
    return "data: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + seeded


def print_table(figures: list[Figure]) -> None:
    """One table: every figure, the goal the issue sets for it and whether it is met."""
    if not figures:
        print("no figures (BENCH_ONLY names no benchmark that ran)")
        return
    width = max(len(f"{f.benchmark} · {f.measure}") for f in figures)
    print(f"{'benchmark · measure':<{width}}  {'value':>12}  {'unit':<10}  {'goal':<8}  met")
    for f in figures:
        met = {True: "yes", False: "NO", None: ""}[f.met]
        name = f"{f.benchmark} · {f.measure}"
        print(f"{name:<{width}}  {f.value:>12,.1f}  {f.unit:<10}  {f.goal:<8}  {met}")
    judged = [f for f in figures if f.met is not None]
    if judged:
        print(f"goals met: {sum(bool(f.met) for f in judged)} of {len(judged)}")


def main() -> None:
    """Seed the scale data set (unless BENCH_SCALE=0), run every benchmark, print the table.

    BENCH_ONLY=pages,voting runs only bench_pages.py and bench_voting.py.
    """
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    # The benchmarks import this file as `run`: let them share this module's state (the
    # scale data set is seeded once) instead of loading a second copy.
    sys.modules.setdefault("run", sys.modules[__name__])
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    modules = [p.stem for p in sorted(here.glob("bench_*.py"))]
    modules = [m for m in modules if not only or m.removeprefix("bench_") in only]
    with tempfile.TemporaryDirectory() as workdir, throwaway_postgres():
        setup_django(Path(workdir))
        from django.db import connection

        if float(os.environ.get("BENCH_SCALE", "1")) > 0:
            scale_data_set()
        figures: list[Figure] = []
        for module in modules:
            figures += importlib.import_module(module).run()
        print(f"cores: {os.cpu_count()}   database: {connection.vendor}   {_scale_line()}")
        print_table(figures)


if __name__ == "__main__":
    main()
