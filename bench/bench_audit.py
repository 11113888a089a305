"""The audit trail at scale: verify over the scale data set's million entries (time, CPU and
peak memory of a fresh process, as `offenestadt audit verify` runs), the public change log's
first page, a deep page and its feed, then how fast changes are appended."""

import json
import os
import statistics
import subprocess
import sys
from functools import partial
from itertools import count

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from run import Figure, median_seconds, p95, scale_data_set, timings

from offenestadt.accounts.models import Office, Role, User
from offenestadt.audit.models import AuditEntry
from offenestadt.registry import services

BATCH = 200
# The goals: verify a million entries in under 30 s; public pages p95 under 50 ms.
VERIFY_SECONDS = 30
PAGE_P95_MS = 50
PAGE_REPEAT = 30

# Run in a fresh interpreter: its peak resident memory is verify's alone. (VmHWM, not
# getrusage: Linux carries ru_maxrss over from the process a child is forked from, here
# one that may hold the scale data set's seeder.)
VERIFY_PROGRAM = """
import json, re, resource, time
import django
django.setup()
from offenestadt.audit.verification import verify_chain
started = time.perf_counter()
report = verify_chain()
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
with open("/proc/self/status") as status:
    peak_kb = int(re.search(r"^VmHWM:\\s+(\\d+) kB", status.read(), re.MULTILINE).group(1))
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kb": peak_kb, "ok": report.ok, "problem": report.problem}))
"""


def run() -> list[Figure]:
    scale_data_set()
    figures = _verify() + _pages() + _appends()
    return figures


def _verify() -> list[Figure]:
    entries = AuditEntry.objects.count()
    done = subprocess.run(  # noqa: S603 - our own interpreter and program
        [sys.executable, "-c", VERIFY_PROGRAM],
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ok"], result["problem"]
    seconds = result["seconds"]
    return [
        Figure(
            "audit",
            f"verify {entries:,} entries",
            seconds,
            "s",
            f"< {VERIFY_SECONDS} s",
            seconds < VERIFY_SECONDS,
        ),
        Figure("audit", "verify, CPU of its process", result["cpu"], "s"),
        Figure("audit", "verify, peak memory of its process", result["peak_kb"] / 1024, "MB"),
        Figure("audit", "verify", entries / seconds, "entries/s"),
    ]


def _pages() -> list[Figure]:
    client = Client(HTTP_HOST="localhost")  # an anonymous visitor
    public = AuditEntry.objects.public().order_by("seq").values_list("seq", flat=True)
    # A page near the oldest public entries: a keyset page as deep as the log goes.
    deep = public[min(1000, public.count() - 1)] if public.exists() else 0
    pages = {
        "change log, first page": "/audit/",
        "change log, oldest pages": f"/audit/?vor={deep}",
        "change log feed": "/audit/feed.atom",
    }
    figures = []
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        times = [t * 1000 for t in timings(partial(client.get, path), repeat=PAGE_REPEAT)]
        slow = p95(times)
        figures += [
            Figure("audit", f"{name} median", statistics.median(times), "ms"),
            Figure("audit", f"{name} p95", slow, "ms", f"< {PAGE_P95_MS} ms", slow < PAGE_P95_MS),
        ]
    return figures


def _appends() -> list[Figure]:
    office = Office.objects.create(slug="bench", name="Benchmark-Amt")
    editor = User.objects.create_user(
        username="bench-editor", password=None, role=Role.EDITOR, office=office
    )
    numbers = count()

    def create_batch() -> None:
        for _ in range(BATCH):
            services.project_create(
                actor=editor,
                office=office,
                title=f"Projekt {next(numbers)}",
                summary="Eine Zusammenfassung, wie sie im Register steht.",
            )

    def publish_batch() -> None:
        for project in office.projects.filter(published_at__isnull=True)[:BATCH]:
            services.project_publish(actor=editor, project=project)

    create_seconds = median_seconds(create_batch)
    publish_seconds = median_seconds(publish_batch)

    client = Client(HTTP_HOST="localhost")
    list_seconds = median_seconds(lambda: client.get("/projekte/"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projekte/").status_code == 200
    return [
        Figure("audit", "create record + entry", BATCH / create_seconds, "records/s"),
        Figure("audit", "publish (transition) + entry", BATCH / publish_seconds, "records/s"),
        Figure("registry", "project list page", list_seconds * 1000, "ms"),
        Figure("registry", "project list queries", len(queries), "queries"),
    ]
