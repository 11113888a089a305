"""The OParl import of a whole real council system: the Hürtgenwald crawl (about 17,300 objects).

The crawl (`../shared/reference/oparl/crawl-huertgenwald/`, not shipped) is served from the
tests' throw-away server on 127.0.0.1, as the server sent it: it ignores `modified_since`, so
every run walks every page. Figures, on run.py's database:

* the first import into an empty database (median of BENCH_OPARL_RUNS runs, default 1: each
  run starts from an empty council), with objects written per second;
* a second run on the same data: every page read and compared, nothing written;
* a run against a server that honours `modified_since`: only the lists' pages asked again.

Skipped, with a line saying why, where the crawl or zstd is missing. `python
bench/bench_oparl.py --profile` profiles one first import (cProfile, the 25 costliest calls).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import Figure

BENCHMARK = "oparl"


def _empty_council() -> None:
    from offenestadt.council import models as m

    # The body takes its lists, pages and bookmarks with it; places hang on nothing.
    m.Body.objects.all().delete()
    m.Location.objects.all().delete()
    m.File.objects.all().delete()


def _timed_import(system: str) -> tuple[float, int, int]:
    """Seconds, objects written (created, updated or deleted) and objects read of one run."""
    from offenestadt.council.oparl.client import Client
    from offenestadt.council.oparl.importer import run_import

    client = Client(backoff=0)
    started = time.perf_counter()
    summary = run_import(system, client=client)
    seconds = time.perf_counter() - started
    if summary.errors or summary.incomplete:
        raise RuntimeError(f"bench_oparl: the import failed: {summary.lines()}")
    read = sum(summary.total(outcome) for outcome in summary.counts)
    return seconds, summary.changed, read


def measure(crawl: Path) -> list[Figure]:
    from offenestadt.council.tests.oparl_server import serve

    runs = int(os.environ.get("BENCH_OPARL_RUNS") or 1)
    firsts: list[float] = []
    with serve(crawl, honours_since=False) as served:
        for _ in range(runs):
            _empty_council()
            seconds, written, _ = _timed_import(served.system)
            firsts.append(seconds)
        again, changed, read = _timed_import(served.system)
        # The same server, now honouring modified_since: only the lists' pages are read.
        served.honours_since = True
        incremental, _, _ = _timed_import(served.system)
    first = statistics.median(firsts)
    label = f"{written:,} objects" + (f", median of {runs}" if runs > 1 else "")
    return [
        Figure(BENCHMARK, f"first import of the Hürtgenwald crawl ({label})", first, "s"),
        Figure(BENCHMARK, "first import: objects written", written / first, "objects/s"),
        Figure(BENCHMARK, f"second run, nothing changed ({read:,} objects compared)", again, "s"),
        Figure(BENCHMARK, "second run: objects compared", read / again, "objects/s"),
        Figure(BENCHMARK, "second run: objects written", changed, "objects"),
        Figure(BENCHMARK, "next run, server honours modified_since", incremental, "s"),
    ]


def run() -> list[Figure]:
    from offenestadt.council.tests.oparl_server import unpacked_crawl

    with tempfile.TemporaryDirectory() as folder:
        crawl = unpacked_crawl(Path(folder))
        if isinstance(crawl, str):
            print(f"bench_oparl: skipped, {crawl}", file=sys.stderr)
            return []
        return measure(crawl)


def profile() -> None:
    """One first import under cProfile, on run.py's choice of database."""
    import cProfile
    import pstats

    from offenestadt.council.tests.oparl_server import serve, unpacked_crawl

    with tempfile.TemporaryDirectory() as folder:
        crawl = unpacked_crawl(Path(folder))
        if isinstance(crawl, str):
            print(f"bench_oparl: skipped, {crawl}", file=sys.stderr)
            return
        with serve(crawl, honours_since=False) as served:
            profiler = cProfile.Profile()
            profiler.runcall(_timed_import, served.system)
            if "--again" in sys.argv:
                profiler = cProfile.Profile()
                profiler.runcall(_timed_import, served.system)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import setup_django, throwaway_postgres

    with tempfile.TemporaryDirectory() as workdir, throwaway_postgres():
        setup_django(Path(workdir))
        if "--profile" in sys.argv:
            profile()
            return
        from django.db import connection

        print(f"cores: {os.cpu_count()}   database: {connection.vendor}")
        for f in run():
            print(f"{f.benchmark} · {f.measure:<66} {f.value:>12,.1f} {f.unit}")


if __name__ == "__main__":
    main()
