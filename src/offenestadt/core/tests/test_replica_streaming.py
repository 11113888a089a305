"""Reads from a real PostgreSQL streaming replica of the test database's cluster.

The module makes a second cluster on 127.0.0.1 with Debian's tools (replica_cluster.py),
streaming from the primary the tests run on, and points the ``replica`` alias at it. It shows
that a visitor's pages are served by the replica while the primary takes writes (the
replica's own statistics count them), that a replica further behind than
REPLICA_MAX_LAG_SECONDS is not read, that whoever wrote sees the write at once, and that a
replica that stops costs no page. PostgreSQL only; skipped where no cluster can be made.
"""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from offenestadt.accounts.models import Office, User
from offenestadt.core import replica
from offenestadt.core.tests import replica_cluster
from offenestadt.core.tests.replica_cluster import Replica

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("charter"),
]


@pytest.fixture(scope="module")
def streaming() -> Iterator[Replica]:
    primary = connections.settings["default"]
    if primary["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (DATABASE_URL=postgres://…)")
    if primary["HOST"] not in {"127.0.0.1", "localhost"}:
        pytest.skip("the replica is made beside a primary on this machine (127.0.0.1)")
    port = int(primary["PORT"] or 5432)
    if (reason := replica_cluster.missing_requirement(port)) is not None:
        pytest.skip(reason)
    with (
        replica_cluster.streaming_replica(port) as made,
        replica_cluster.replica_alias(HOST="127.0.0.1", PORT=str(made.port)),
    ):
        yield made


@pytest.fixture(autouse=True)
def fresh_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replica, "monitor", replica.ReplicaMonitor())


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def replica_current() -> bool:
    return replica.monitor.state(fresh=True).state == "current"


def get(client: Client, path: str) -> tuple[str, int]:
    """A page's text and how many of its queries the replica answered (not counting the
    lag measurement)."""
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(path)
    assert response.status_code == 200, response
    page_queries = [q for q in on_replica if "pg_last_wal_replay_lsn" not in q["sql"]]
    return response.content.decode(), len(page_queries)


def test_a_visitors_pages_come_from_the_replica_while_the_primary_takes_writes(
    streaming: Replica,
) -> None:
    database = connections["default"].settings_dict["NAME"]
    wait_for(replica_current)
    commits_before = replica_cluster.commits(streaming, database)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        try:
            while not stop.is_set():
                Office.objects.create(slug=f"amt-{len(written)}", name=f"Amt {len(written)}")
                written.append(1)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    served, lags = 0, []
    try:
        for _ in range(15):
            for path in ("/charta/", "/api/v1/charter"):
                served += get(Client(), path)[1] > 0
            lags.append(replica.monitor.state().lag_seconds)
    finally:
        stop.set()
        writer.join()
    # Its server process counts the transactions when it ends.
    connections["replica"].close()
    read_on_replica = 0

    def counted() -> bool:
        nonlocal read_on_replica
        read_on_replica = replica_cluster.commits(streaming, database) - commits_before
        return read_on_replica >= served

    wait_for(counted, seconds=10)
    print(
        f"replica: {served} pages served from it while the primary took {len(written)} writes; "
        f"{read_on_replica} transactions on the replica; largest lag measured "
        f"{max((lag for lag in lags if lag is not None), default=0):.3f} s"
    )
    assert written
    # Each page reads the replica unless a check found it behind (then the primary answers).
    assert served >= 20


def test_a_page_never_shows_a_state_older_than_the_lag_setting_allows(
    streaming: Replica, administrator: User, settings: Any
) -> None:
    settings.REPLICA_MAX_LAG_SECONDS = 2
    staff, visitor = sign_in(Client(), administrator), Client()
    wait_for(replica_current)
    with replica_cluster.replay_paused(streaming):
        response = staff.post(
            "/vertraege/auftragnehmer/neu/", {"legal_name": "Replika GmbH", "country": "DE"}
        )
        assert response.status_code == 302, response
        # Whoever wrote sees it on the next page: staff read the primary.
        assert "Replika GmbH" in get(staff, "/vertraege/neu/")[0]
        # Once the replica is further behind than the setting allows, visitors read the
        # primary too: the change history shows the new vendor.
        time.sleep(settings.REPLICA_MAX_LAG_SECONDS + replica.CHECK_SECONDS + 0.5)
        page, on_replica = get(visitor, "/audit/")
        assert (on_replica, "Replika GmbH" in page) == (0, True)
        health = Client().get("/healthz").json()
        assert health["status"] == "ok"
        assert health["replica"]["state"] == "behind"
    wait_for(replica_current)
    page, on_replica = get(visitor, "/audit/")
    assert on_replica > 0
    assert "Replika GmbH" in page


def test_a_replica_that_stops_costs_no_page(streaming: Replica) -> None:
    wait_for(replica_current)
    assert get(Client(), "/charta/")[1] > 0
    replica_cluster.stop_server(streaming)
    # Measured a moment ago and found current: the next page meets a replica that is gone.
    replica.monitor._last = replica.ReplicaState("current", 0.0, checked_at=time.monotonic() + 60)
    response = Client().get("/charta/")
    assert response.status_code == 200
    assert Client().get("/api/v1/charter").status_code == 200
    health = Client().get("/healthz").json()
    assert (health["status"], health["replica"]) == (
        "ok",
        {"state": "unreachable", "lag_seconds": None},
    )
