"""Which reads go to the replica (DATABASE_REPLICA_URL): a visitor's public pages, nothing else.

The replica here is a second connection to the test database (a test mirror), so what a test
counts is which connection a page used. test_replica_streaming.py runs against a real
streaming replica and shows lag and failures.
"""

import html
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from offenestadt.accounts.models import User
from offenestadt.charter.models import CharterVersion
from offenestadt.core import replica
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.pagecache import middleware, store
from offenestadt.core.tests.replica_cluster import replica_alias
from offenestadt.registry.models import Project

CRAWL_PAGES = 150
CRAWL_SKIPPED = ("/static/", "/media/", "/verwaltung/", "/en/verwaltung/", "/konto/", "/en/konto/")
LINK = re.compile(r'href="([^"]+)"')

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("mirror", "charter"),
]


@pytest.fixture(scope="module")
def mirror() -> Iterator[None]:
    with replica_alias():
        yield


@pytest.fixture(autouse=True)
def fresh_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replica, "monitor", replica.ReplicaMonitor())


def reads(client: Client, path: str) -> tuple[int, int]:
    """Queries a GET of ``path`` sent to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as secondary,
    ):
        response = client.get(path)
    assert response.status_code in {200, 404}, response
    return len(primary), len(secondary)


def test_a_visitors_public_pages_and_api_read_the_replica() -> None:
    for path in ("/charta/", "/en/charta/", "/api/v1/charter"):
        on_primary, on_replica = reads(Client(), path)
        assert on_replica > 0, path
        assert on_primary == 0, path


@pytest.mark.parametrize("role", ["resident", "editor", "dpo"])
def test_signed_in_people_read_the_primary(role: str, people: dict[str, User | None]) -> None:
    person = people[role]
    assert person is not None
    on_primary, on_replica = reads(sign_in(Client(), person), "/charta/")
    assert on_replica == 0
    assert on_primary > 0


def test_a_browser_that_wrote_reads_the_primary_until_the_replica_has_its_write() -> None:
    client = Client()
    response = client.post("/konto/anmelden/", {"username": "nobody", "password": "wrong"})
    cookie = response.cookies[replica.COOKIE]
    assert cookie["max-age"] == replica.replica_pause_seconds()
    assert replica.replica_pause_seconds() > settings.REPLICA_MAX_LAG_SECONDS + 1
    assert cookie["httponly"]
    assert reads(client, "/charta/")[1] == 0
    # When the cookie has expired, the replica holds the write.
    del client.cookies[replica.COOKIE]
    assert reads(client, "/charta/")[1] > 0


def test_links_from_e_mails_read_the_primary() -> None:
    for path in (
        "/beteiligung/unterstuetzung/unknown/bestaetigen/",
        "/beteiligung/benachrichtigung/unknown/bestaetigen/",
    ):
        on_primary, on_replica = reads(Client(), path)
        assert (on_primary > 0, on_replica) == (True, 0), path


def test_reads_in_a_transaction_after_a_write_and_of_sessions_go_to_the_primary() -> None:
    allowed = replica._reads_on_replica.set(True)
    try:
        assert router.db_for_read(Project) == "replica"
        assert router.db_for_read(Session) == "default"
        with transaction.atomic():
            assert router.db_for_read(Project) == "default"
        assert router.db_for_read(CharterVersion) == "replica"
        assert router.db_for_write(Project) == "default"
        # Once a request wrote, what it reads next may be what it wrote.
        assert router.db_for_read(CharterVersion) == "default"
    finally:
        replica._reads_on_replica.reset(allowed)


def test_a_replica_that_fails_during_a_page_is_left_for_the_primary() -> None:
    if connections["replica"].vendor != "postgresql":
        pytest.skip("Django keeps an in-memory SQLite database open: it cannot go away")
    settings_dict = connections["replica"].settings_dict
    port = settings_dict["PORT"]
    connections["replica"].close()
    settings_dict["PORT"] = 9  # discard: nothing listens
    try:
        # The monitor found it current (and will not look again during the test); then it
        # went away.
        replica.monitor._last = replica.ReplicaState(
            "current", 0.0, checked_at=time.monotonic() + 60
        )
        response = Client().get("/charta/")
        assert response.status_code == 200
        assert replica.monitor.state().state == "unreachable"
        assert Client().get("/charta/").status_code == 200
    finally:
        connections["replica"].close()
        settings_dict["PORT"] = port


def test_healthz_reports_the_replica() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"] == {"state": "current", "lag_seconds": 0.0}


def test_a_visitors_pages_read_only_the_replica_and_write_nothing() -> None:
    """Crawl the demo city as a visitor: every page reads the replica alone, and none writes
    (a write after reads on the replica would build on a state up to the lag setting old)."""
    load_demo_content()
    seen, queue = {"/"}, ["/"]
    visitor, read_on_replica, visited = Client(), 0, 0
    while queue and len(seen) < CRAWL_PAGES:
        path = queue.pop(0)
        visited += 1
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as secondary,
        ):
            response = visitor.get(path)
        assert response.status_code in {200, 301, 302}, (path, response.status_code)
        assert [q["sql"] for q in primary] == [], path
        assert replica.COOKIE not in response.cookies, path
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            for link in LINK.findall(response.content.decode()):
                link = urldefrag(html.unescape(link))[0]
                if link.startswith("/") and not link.startswith(CRAWL_SKIPPED) and link not in seen:
                    seen.add(link)
                    queue.append(link)
        read_on_replica += len(secondary)
    assert len(seen) >= 50
    # The pages read: more queries on the replica than pages requested.
    assert read_on_replica > visited


def test_a_page_rendered_for_the_cache_reads_the_replica_and_is_kept_no_longer_than_its_lag(
    settings: Any,
) -> None:
    """The replica may lack a write the cache has seen: such a page may be as old as a page
    read from the replica, never older."""
    settings.PAGE_CACHE = True
    cache.clear()
    try:
        on_primary, on_replica = reads(Client(), "/charta/")
        assert (on_primary, on_replica > 0) == (0, True)
        stored = Client().get("/charta/")
        assert stored["X-Cache"] == "hit"
        entry, _checked, _epoch = store.look_up(middleware._key(stored.wsgi_request))
        assert isinstance(entry, middleware.Entry)
        assert entry.seconds_left() <= replica.replica_pause_seconds()
    finally:
        cache.clear()
