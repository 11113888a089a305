"""Public pages at city scale, as residents and harvesters read them (issue 18, point 2).

A live `offenestadt serve` on the benchmark's database, filled with the scale data set
(:func:`run.scale_data_set`). For each kind of page, wrk keeps BENCH_PAGES_CONNECTIONS (50)
connections busy for BENCH_PAGES_SECONDS (10) seconds; record pages rotate over up to
BENCH_PAGES_RECORDS (100) published records of their kind, so the figure is not one
record's page served again and again; every request says it accepts gzip, as browsers do.
The static file from the same server, measured in the same run, is the baseline: the goal
is every public page at 50 % or more of its requests per second with p95 under 50 ms.

Before the load each path is requested once, as the first visitor after a change would:
the median of those first answers is the page's cost when nothing is cached.
At the end, the peak resident memory (VmHWM) of each server process: the goal is under
250 MB. Needs wrk (Debian: `apt-get install wrk`); without it the benchmark is skipped.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_serve import free_port, running
from django.db import models
from run import Figure, scale_data_set

from offenestadt.contracts.models import Contract
from offenestadt.opendata.models import Dataset
from offenestadt.participation.models import Procedure
from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry.models import Project

BENCHMARK = "public pages"
STATIC = "/static/offenestadt/site.css"
SHARE_GOAL = 50.0  # per cent of the static file's requests per second
P95_GOAL_MS = 50.0
RSS_GOAL_MB = 250.0

# wrk runs this in each of its threads: rotate over the paths in BENCH_PAGES_PATHS, and
# print the p95 latency and the count of failed answers, which wrk's own summary lacks.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PAGES_PATHS")) do paths[#paths + 1] = line end
local next_path = math.random(#paths)
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("p95_us %d\\n", latency:percentile(95)))
  io.write(string.format("failed %d\\n", errors.status + errors.connect + errors.read
    + errors.write + errors.timeout))
end
"""


def _record_paths(model: type[models.Model], limit: int) -> Callable[[], list[str]]:
    def paths() -> list[str]:
        records = model._default_manager.filter(published_at__isnull=False).order_by("pk")
        return [record.get_absolute_url() for record in records[:limit]]  # type: ignore[attr-defined]

    return paths


def _pages(limit: int) -> dict[str, Callable[[], list[str]]]:
    return {
        "home page": lambda: ["/"],
        "project list": lambda: ["/projekte/"],
        "project page": _record_paths(Project, limit),
        "contract list": lambda: ["/vertraege/"],
        "contract page": _record_paths(Contract, limit),
        "processing list": lambda: ["/verarbeitungen/"],
        "processing page": _record_paths(ProcessingActivity, limit),
        "dataset list": lambda: ["/daten/"],
        "dataset page": _record_paths(Dataset, limit),
        "procedure page": _record_paths(Procedure, limit),
        "audit trail": lambda: ["/audit/"],
        "projects API": lambda: ["/api/v1/projects"],
    }


def _first_answers(port: int, paths: list[str]) -> list[float]:
    """Request each path once; the seconds each took. Every public page must answer 200."""
    times = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}, not 200")
    connection.close()
    return times


def _load(wrk: str, script: Path, port: int, paths: list[str], *, connections: int,
          seconds: int) -> tuple[float, float]:  # fmt: skip
    """Requests per second and p95 latency in ms under ``connections`` clients."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        output = subprocess.run(  # noqa: S603 - wrk from PATH
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
             "-H", "Accept-Encoding: gzip, deflate, br",
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
            env={**os.environ, "BENCH_PAGES_PATHS": listing.name},
        ).stdout  # fmt: skip
    failed = sum(int(n) for n in re.findall(r"^failed (\d+)$", output, re.MULTILINE))
    if failed:
        print(f"pages bench: {failed} failed answers from {paths[0]} …", file=sys.stderr)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p95s = [int(n) for n in re.findall(r"^p95_us (\d+)$", output, re.MULTILINE)]
    assert rate and p95s, output
    return float(rate.group(1)), max(p95s) / 1000


def _process_tree(pid: int) -> list[int]:
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            tree += _process_tree(int(child))
    return tree


def _peak_rss_mb(pid: int) -> float:
    """The largest peak resident memory of the server's processes, in MB."""
    peaks = []
    for process in _process_tree(pid):
        status = Path(f"/proc/{process}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks)


def run() -> list[Figure]:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("public pages bench skipped: wrk is not installed", file=sys.stderr)
        return []
    scale_data_set()
    connections = int(os.environ.get("BENCH_PAGES_CONNECTIONS", "50"))
    seconds = int(os.environ.get("BENCH_PAGES_SECONDS", "10"))
    limit = int(os.environ.get("BENCH_PAGES_RECORDS", "100"))
    workers = os.cpu_count() or 1
    port = free_port()
    command = [
        sys.executable, "-m", "offenestadt", "serve", "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    pages = {name: paths() for name, paths in _pages(limit).items()}
    figures = []
    with (
        tempfile.TemporaryDirectory() as folder,
        running(command, port, PAGE_CACHE="true") as server,
    ):
        script = Path(folder) / "rotate.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        _first_answers(port, [STATIC] * 20)
        static_rate, static_p95 = _load(
            wrk, script, port, [STATIC], connections=connections, seconds=seconds
        )
        figures += [
            Figure(BENCHMARK, f"static file, {connections} clients", static_rate, "req/s"),
            Figure(BENCHMARK, "static file p95", static_p95, "ms"),
        ]
        for name, paths in pages.items():
            if not paths:
                print(f"pages bench: no published records for {name}", file=sys.stderr)
                continue
            first = statistics.median(_first_answers(port, paths)) * 1000
            rate, p95_ms = _load(wrk, script, port, paths, connections=connections, seconds=seconds)
            share = 100 * rate / static_rate
            figures += [
                Figure(BENCHMARK, f"{name}, first answer", first, "ms"),
                Figure(BENCHMARK, f"{name}, {connections} clients", rate, "req/s"),
                Figure(BENCHMARK, f"{name}, share of static file", share, "%",
                       goal=f"≥ {SHARE_GOAL:g}", met=share >= SHARE_GOAL),
                Figure(BENCHMARK, f"{name}, p95", p95_ms, "ms",
                       goal=f"< {P95_GOAL_MS:g}", met=p95_ms < P95_GOAL_MS),
            ]  # fmt: skip
        rss = _peak_rss_mb(server.pid)
    figures.append(
        Figure("memory", f"peak RSS of a server process ({workers} workers)", rss, "MB",
               goal=f"< {RSS_GOAL_MB:g}", met=rss < RSS_GOAL_MB)
    )  # fmt: skip
    return figures
