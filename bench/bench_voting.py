"""Voting under load: ballots over HTTP to a live server on PostgreSQL, then the tally.

* A real server process (`offenestadt serve`) on the benchmark's PostgreSQL database.
  BENCH_VOTING_CLIENTS concurrent clients (threads, each with its own keep-alive connection)
  post BENCH_VOTING_BALLOTS ballots, each with its own code, to /api/v1/votes/{id}/ballots;
  one code in fifty is sent a second time at the same moment, which must answer 409. Each
  client connects and reads the vote once before the clock starts (a warm server).
  Figures: accepted ballots per second, latency p50/p95, the answers by status, and the check
  that every accepted ballot is counted (accepted = counted, per option too).
* The tally of BENCH_VOTING_TALLY_BALLOTS (default 1,000,000) ballots, inserted directly in
  bulk (INSERT … SELECT from generate_series), counted by the service (GROUP BY option over
  the ballot-choice table); for comparison the same choices as an int[] per ballot.

Needs PostgreSQL. Through bench/run.py it uses run.py's database when that is PostgreSQL;
otherwise (and when started alone, `python bench/bench_voting.py`) it runs itself in a
child process on a throw-away database at 127.0.0.1:5432, dropped afterwards.
BENCH_VOTING_WORKERS and BENCH_VOTING_THREADS size the server (default: as `offenestadt serve`,
one worker per core, 8 threads). Two per core was measured too: on 2 cores beside PostgreSQL
the extra processes cost more CPU per ballot (server CPU 2.4-2.8 ms a ballot with 4 workers,
1.6 with 2, 1.1 with 1) and the rate fell from about 560 to 360-440 a second.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from run import Figure, median_seconds

if TYPE_CHECKING:
    from offenestadt.voting.models import Vote

BENCHMARK = "voting"
SERVER = "postgres://postgres@127.0.0.1:5432"
OPTIONS = 8
TALLY_OPTIONS = 10
DUPLICATE_EVERY = 50


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# --- the live server ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def live_server(workers: int, threads: int) -> Iterator[int]:
    """`offenestadt serve` serving the site on a free port, with this process's settings."""
    port = _free_port()
    environment = {**os.environ, "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and server
        [
            sys.executable, "-m", "offenestadt", "serve",
            "--port", str(port),
            "--workers", str(workers),
            "--threads", str(threads),
        ],
        env=environment,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("offenestadt serve did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- the clients -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float
    code: str
    choices: list[int]
    receipt: str


def _submit(
    port: int, vote_id: int, work: list[tuple[str, list[int]]], clients: int
) -> list[Answer]:
    """Post every ballot of ``work``; ``clients`` threads take the next one as they finish."""
    answers: list[Answer] = []
    lock = threading.Lock()
    position = iter(range(len(work)))
    start = threading.Barrier(clients)
    path = f"/api/v1/votes/{vote_id}/ballots"
    headers = {"Content-Type": "application/json"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[Answer] = []
        # Connected, and answered once, before the clock starts: the figures are for ballots
        # sent to a running server, not for its workers' start (imports, first connections).
        connection.request("GET", f"/api/v1/votes/{vote_id}")
        connection.getresponse().read()
        start.wait()
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                break
            code, choices = work[index]
            body = json.dumps({"code": code, "choices": choices})
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                # Counted as an error, never retried: a retry could hide a lost ballot.
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                mine.append(Answer(0, time.perf_counter() - began, code, choices, ""))
                continue
            seconds = time.perf_counter() - began
            receipt = json.loads(data)["receipt"] if status == 201 else ""
            mine.append(Answer(status, seconds, code, choices, receipt))
        connection.close()
        with lock:
            answers.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the measurements --------------------------------------------------------------------


def _vote(title: str, options: int) -> Vote:
    from django.utils import timezone

    from offenestadt.accounts.models import Office
    from offenestadt.participation.models import Procedure
    from offenestadt.voting.models import Option, Vote, VoteKind

    office, _ = Office.objects.get_or_create(slug="bench-voting", name="Benchmark-Amt")
    procedure, _ = Procedure.objects.get_or_create(
        slug="bench-voting",
        defaults={
            "title": "Benchmark",
            "summary": "Abstimmung unter Last",
            "office": office,
            "published_at": timezone.now(),
        },
    )
    now = timezone.now()
    vote = Vote.objects.create(
        procedure=procedure,
        title=title,
        kind=VoteKind.APPROVAL,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        published_at=now,
    )
    Option.objects.bulk_create(
        Option(vote=vote, position=n, label=f"Vorschlag {n}") for n in range(1, options + 1)
    )
    return vote


def http_figures() -> list[Figure]:
    from offenestadt.voting import services

    ballots = _env_int("BENCH_VOTING_BALLOTS", 10_000)
    clients = _env_int("BENCH_VOTING_CLIENTS", 32)
    workers = _env_int("BENCH_VOTING_WORKERS", os.cpu_count() or 1)
    threads = _env_int("BENCH_VOTING_THREADS", 8)
    vote = _vote("Abstimmung über HTTP", OPTIONS)
    _, codes = services.codes_issue(vote=vote, count=ballots)
    option_ids = list(vote.options.values_list("pk", flat=True))
    rng = random.Random(20261127)
    work: list[tuple[str, list[int]]] = []
    for number, code in enumerate(codes):
        work.append((code, sorted(rng.sample(option_ids, rng.randint(1, 3)))))
        if number % DUPLICATE_EVERY == 0:
            # The same code again right behind: two clients send it at about the same time.
            work.append((code, sorted(rng.sample(option_ids, rng.randint(1, 3)))))
    duplicates = len(work) - ballots

    with live_server(workers, threads) as port:
        started = time.perf_counter()
        answers = _submit(port, vote.pk, work, clients)
        wall = time.perf_counter() - started

    statuses = Counter(answer.status for answer in answers)
    accepted = [answer for answer in answers if answer.status == 201]
    latencies = [answer.seconds for answer in answers]
    tally = services.vote_tally(vote=vote)
    expected = Counter(choice for answer in accepted for choice in answer.choices)
    counted = {result.option.pk: result.count for result in tally.options}
    sample = random.Random(1).sample(accepted, min(200, len(accepted)))
    receipts_found = sum(
        1 for answer in sample if services.ballot_for_receipt(vote=vote, receipt=answer.receipt)
    )
    # Lost: accepted (201) but not counted. Double: a code accepted more than once.
    lost = max(0, len(accepted) - tally.ballots)
    double = len(accepted) - len({answer.code for answer in accepted})
    consistent = (
        lost == double == 0
        and len(accepted) == tally.ballots == ballots
        and statuses[409] == duplicates
        and counted == {pk: expected.get(pk, 0) for pk in option_ids}
        and receipts_found == len(sample)
    )
    setup = f"{clients} clients, offenestadt serve {workers}x{threads}"
    rate = len(accepted) / wall
    p95_ms = _percentile(latencies, 0.95) * 1000
    return [
        Figure(
            BENCHMARK,
            f"ballots over HTTP ({setup})",
            rate,
            "ballots/s",
            goal="≥ 500",
            met=rate >= 500,
        ),
        Figure(BENCHMARK, "requests over HTTP, all answers", len(answers) / wall, "requests/s"),
        Figure(BENCHMARK, "latency p50", statistics.median(latencies) * 1000, "ms"),
        Figure(BENCHMARK, "latency p95", p95_ms, "ms", goal="< 100", met=p95_ms < 100),
        Figure(BENCHMARK, "latency max", max(latencies) * 1000, "ms"),
        Figure(BENCHMARK, "accepted (201)", len(accepted), "ballots"),
        Figure(BENCHMARK, "counted by the tally", tally.ballots, "ballots"),
        Figure(BENCHMARK, "lost (accepted, not counted)", lost, "ballots", goal="0", met=not lost),
        Figure(
            BENCHMARK, "double (a code accepted twice)", double, "ballots", goal="0", met=not double
        ),
        Figure(BENCHMARK, "second use of a code refused (409)", statuses[409], "requests"),
        Figure(
            BENCHMARK,
            "other answers (errors)",
            sum(n for status, n in statuses.items() if status not in {201, 409}),
            "requests",
        ),
        Figure(BENCHMARK, "receipts checked, found", receipts_found, "receipts"),
        Figure(BENCHMARK, "accepted = counted (per option too)", float(consistent), "yes=1"),
    ]


def _bulk_session(cursor: Any) -> None:
    """For the rest of the transaction: memory to sort in, and, where the role may, no
    per-row foreign-key triggers (the generated rows are consistent by construction)."""
    from django.db import DatabaseError, transaction

    cursor.execute("SET LOCAL work_mem = '256MB'")
    with contextlib.suppress(DatabaseError), transaction.atomic():
        cursor.execute("SET LOCAL session_replication_role = replica")


def tally_figures() -> list[Figure]:
    from django.db import connection, transaction

    from offenestadt.voting import services

    size = _env_int("BENCH_VOTING_TALLY_BALLOTS", 1_000_000)
    vote = _vote("Auszählung", TALLY_OPTIONS)
    option_ids = list(vote.options.values_list("pk", flat=True))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        # Random receipts; each ballot's id is made from its receipt's hash (still random, a
        # valid UUIDv4), so rows go in in the order of both indexes instead of at random.
        cursor.execute(
            """
            INSERT INTO voting_ballot (id, vote_id, receipt_hash, channel)
            SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid,
                   %s, h, channel
            FROM (
                SELECT encode(sha256(uuid_send(gen_random_uuid())), 'hex') AS h,
                       (ARRAY['online', 'online', 'online', 'online', 'online', 'online',
                              'post', 'in_person', 'phone'])[1 + floor(random() * 9)::int]
                       AS channel
                FROM generate_series(1, %s)
            ) AS generated
            ORDER BY h
            """,
            [vote.pk, size],
        )
        # Each ballot approves one option for sure, and each other one in seven times.
        cursor.execute(
            """
            INSERT INTO voting_ballotchoice (ballot_id, option_id)
            SELECT b.id, o.id
            FROM voting_ballot b JOIN voting_option o ON o.vote_id = b.vote_id
            WHERE b.vote_id = %s
              AND (o.position = 1 + abs(hashtext(b.id::text)) %% %s OR random() < 0.15)
            ORDER BY b.id, o.id
            """,
            [vote.pk, TALLY_OPTIONS],
        )
        choices = cursor.rowcount
    insert_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE voting_ballot")
        cursor.execute("VACUUM ANALYZE voting_ballotchoice")

    tally = services.vote_tally(vote=vote)
    assert tally.ballots == size, tally.ballots
    assert sum(result.count for result in tally.options) == choices
    tally_seconds = median_seconds(lambda: services.vote_tally(vote=vote), repeat=5)

    # The other layout, for comparison: the choices as an array on each ballot.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_ballot_arrays AS SELECT ballot_id, array_agg(option_id) "
            "AS choices FROM voting_ballotchoice WHERE option_id = ANY(%s) GROUP BY ballot_id",
            [option_ids],
        )
        cursor.execute("VACUUM ANALYZE bench_ballot_arrays")

    def tally_arrays() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT option_id, count(*) FROM bench_ballot_arrays, "
                "unnest(choices) AS option_id GROUP BY option_id"
            )
            cursor.fetchall()

    array_seconds = median_seconds(tally_arrays, repeat=5)
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        cursor.execute("DROP TABLE bench_ballot_arrays")
        cursor.execute("DELETE FROM voting_ballotchoice WHERE option_id = ANY(%s)", [option_ids])
        cursor.execute("DELETE FROM voting_ballot WHERE vote_id = %s", [vote.pk])
    label = f"{size:,} ballots, {choices:,} choices"
    return [
        Figure(BENCHMARK, f"insert {label} (bulk SQL)", insert_seconds, "s"),
        Figure(BENCHMARK, f"tally {label} (GROUP BY option)", tally_seconds * 1000, "ms"),
        Figure(BENCHMARK, f"tally {label}, int[] per ballot", array_seconds * 1000, "ms"),
    ]


def measure() -> list[Figure]:
    return http_figures() + tally_figures()


# --- on PostgreSQL, whatever run.py chose ------------------------------------------------


def in_child_process() -> list[Figure]:
    """Run this benchmark in a fresh process on a throw-away PostgreSQL database."""
    import psycopg

    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        print(f"bench_voting: skipped, no PostgreSQL at 127.0.0.1:5432 ({error})", file=sys.stderr)
        return []
    name = f"offenestadt_bench_voting_{os.getpid()}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            result = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, __file__, "--child"],
                env={**os.environ, "DATABASE_URL": f"{SERVER}/{name}"},
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if result.returncode != 0:
        raise RuntimeError(f"bench_voting failed:\n{result.stderr[-3000:]}")
    return [Figure(**figure) for figure in json.loads(result.stdout.splitlines()[-1])]


def run() -> list[Figure]:
    from django.db import connection

    if connection.vendor == "postgresql":
        return measure()
    return in_child_process()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import setup_django

    if "--child" in sys.argv:
        with tempfile.TemporaryDirectory() as workdir:
            setup_django(Path(workdir))
            figures = measure()
        print(json.dumps([asdict(figure) for figure in figures]))
        return
    figures = in_child_process()
    for f in figures:
        print(f"{f.benchmark} · {f.measure:<60} {f.value:>14,.1f} {f.unit}")


if __name__ == "__main__":
    main()
