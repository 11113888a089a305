"""Reads from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), decided per request.

Only a request that cannot have written anything it is about to read goes to the replica: a
GET or HEAD by a visitor who is not signed in, whose browser has not sent a write in the last
``replica_pause_seconds()`` (the ``recent_write`` cookie), to a view not marked
``@reads_primary``, while the replica is at most REPLICA_MAX_LAG_SECONDS behind. Everything
else reads the primary: staff and other signed-in people, every write and every read inside a
transaction (``transaction.atomic``) or after a write in the same request, the session,
throttle, sign-in device and task tables, the worker and the command line (no request).

The lag is measured without trusting clocks or replay timestamps (an idle primary makes
``pg_last_xact_replay_timestamp()`` look old): each process samples the primary's WAL position
(``pg_current_wal_lsn()``) with the time it took the sample, then asks the replica how far it
has replayed (``pg_last_wal_replay_lsn()``). Everything committed before the newest sample at or
below the replayed position is visible on the replica, so the age of that sample bounds the
lag from above. A process measures at most once per CHECK_SECONDS; a replica it cannot reach is
left alone for RETRY_SECONDS, and a read that fails on the replica is answered again from the
primary, so a replica that goes away costs time, never an error page.
"""

import contextlib
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from offenestadt.core import pagecache

REPLICA = "replica"
# Set on the response to every write request (any method but GET and HEAD) while a replica is
# configured: that browser reads the primary until it expires, so it sees its own writes.
COOKIE = "recent_write"
CHECK_SECONDS = 1.0
RETRY_SECONDS = 10.0
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Tables whose rows a request reads in order to write them (sessions, throttle counters) or
# that sign-in and the worker depend on: always the primary, whoever asks.
PRIMARY_ONLY = frozenset({"sessions", "otp_totp", "django_tasks_db", "core.throttlecounter"})
_PRIMARY_ATTRIBUTE = "reads_primary"

_reads_on_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reads_on_replica", default=False
)


def configured() -> bool:
    return REPLICA in connections


def replica_pause_seconds() -> int:
    """How long a browser that wrote reads the primary: past it, a replica that is at most
    REPLICA_MAX_LAG_SECONDS behind (measured at most CHECK_SECONDS ago) holds the write."""
    return int(settings.REPLICA_MAX_LAG_SECONDS + CHECK_SECONDS) + 1


def reads_primary[View: Callable[..., HttpResponse]](view: View) -> View:
    """Mark a view whose GET must see the newest state though nobody in this browser wrote
    it: a link from an e-mail that the platform sent seconds ago."""
    setattr(view, _PRIMARY_ATTRIBUTE, True)
    return view


@dataclass(frozen=True)
class ReplicaState:
    """What a process last found: ``state`` is "current" (lag at most the setting),
    "behind", "unreachable" or "not a replica" (not in recovery); ``lag_seconds`` is the
    measured bound (None when unknown)."""

    state: str
    lag_seconds: float | None
    checked_at: float

    @property
    def usable(self) -> bool:
        return self.state == "current"

    def as_json(self) -> dict[str, object]:
        lag = None if self.lag_seconds is None else round(self.lag_seconds, 3)
        return {"state": self.state, "lag_seconds": lag}


class ReplicaMonitor:
    """The replica's lag as this process sees it, measured at most once per CHECK_SECONDS
    (once per RETRY_SECONDS after a failure) by whichever request thread comes first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (monotonic time before the query, the primary's WAL position in bytes), oldest first.
        self._samples: deque[tuple[float, int]] = deque()
        self._last = ReplicaState("unknown", None, checked_at=-RETRY_SECONDS)

    def state(self, *, fresh: bool = False) -> ReplicaState:
        last = self._last
        wait = CHECK_SECONDS if last.state in {"current", "behind"} else RETRY_SECONDS
        if not fresh and time.monotonic() - last.checked_at < wait:
            return last
        # Another thread measuring now: act on what is known rather than wait for it.
        if not self._lock.acquire(blocking=fresh):
            return last
        try:
            self._last = self._measure()
        finally:
            self._lock.release()
        return self._last

    def forget(self) -> None:
        """After a read failed on the replica: no reads there until it is measured again."""
        self._last = ReplicaState("unreachable", None, checked_at=time.monotonic())

    def _measure(self) -> ReplicaState:
        now = time.monotonic()
        if _same_database():
            return ReplicaState("current", 0.0, checked_at=now)
        try:
            primary_position = _query_int(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn() - '0/0'")
            replayed = _query_int(REPLICA, "SELECT pg_last_wal_replay_lsn() - '0/0'")
        except DatabaseError:
            _close_replica()
            return ReplicaState("unreachable", None, checked_at=now)
        if replayed is None or primary_position is None:
            return ReplicaState("not a replica", None, checked_at=now)
        max_lag = settings.REPLICA_MAX_LAG_SECONDS
        self._samples.append((now, primary_position))
        # Older samples than the largest lag worth telling apart are of no use.
        while self._samples and now - self._samples[0][0] > max_lag + RETRY_SECONDS:
            self._samples.popleft()
        covered = [taken for taken, position in self._samples if position <= replayed]
        if not covered:
            return ReplicaState("behind", None, checked_at=now)
        lag = now - max(covered)
        return ReplicaState("current" if lag <= max_lag else "behind", lag, checked_at=now)


def _same_database() -> bool:
    """A replica alias that names the primary's own database (a test mirror) never lags."""
    replica, primary = (
        connections[REPLICA].settings_dict,
        connections[DEFAULT_DB_ALIAS].settings_dict,
    )
    return all(replica[key] == primary[key] for key in ("HOST", "PORT", "NAME"))


def _query_int(alias: str, sql: str) -> int | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _close_replica() -> None:
    # Already gone or not: the next use opens a new connection.
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


monitor = ReplicaMonitor()


def replica_state(*, fresh: bool = False) -> ReplicaState | None:
    """The replica's state for /healthz (None: no replica configured)."""
    return monitor.state(fresh=fresh) if configured() else None


class ReplicaRouter:
    """Reads go to the replica only where ReplicaReadsMiddleware allowed it for the request;
    writes, and reads inside a transaction or after a write, go to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        meta = model._meta
        if (
            _reads_on_replica.get()
            and meta.app_label not in PRIMARY_ONLY
            and meta.label_lower not in PRIMARY_ONLY
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # A request that writes reads the primary from then on: what it reads next may be
        # what it just wrote, or the basis of its next write.
        _reads_on_replica.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica holds the primary's rows: a row read there may point at one read here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Decides per request whether its reads may go to the replica (see the module), sets
    the ``recent_write`` cookie after writes, and answers a read that failed on the replica
    again from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads_on_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reads_on_replica.reset(token)
        if request.method not in SAFE_METHODS and configured():
            response.set_cookie(
                COOKIE,
                "1",
                max_age=replica_pause_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> None:
        if (
            configured()
            and request.method in SAFE_METHODS
            and COOKIE not in request.COOKIES
            and not getattr(view_func, _PRIMARY_ATTRIBUTE, False)
            and not request.user.is_authenticated
            and monitor.state().usable
        ):
            _reads_on_replica.set(True)
            # A page rendered for the cache from the replica may miss a write the cache has
            # already seen (the replica lags up to the setting): it is kept no longer than
            # that, so no stored page is older than a page read from the replica may be.
            pagecache.valid_until(
                request, timezone.now() + timedelta(seconds=replica_pause_seconds())
            )

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (
            _reads_on_replica.get()
            and isinstance(exception, DatabaseError)
            and connections[REPLICA].errors_occurred
        ):
            return None
        # The replica failed mid-request (stopped, restarted, cut off): a GET may run again.
        monitor.forget()
        _close_replica()
        _reads_on_replica.set(False)
        match = request.resolver_match
        if match is None:
            return None
        return match.func(request, *match.args, **match.kwargs)  # type: ignore[no-any-return]
