"""Rate limits that hold under concurrency: one atomic counter per scope and key.

Every limit of the platform counts here: failed sign-ins per account name, unknown voting
codes, comments and other contributions per address. Taking a slot is a single statement,
``INSERT … ON CONFLICT DO UPDATE … WHERE count < limit RETURNING count``, which PostgreSQL
and SQLite (3.35 or newer) both run atomically: of forty requests at the same moment exactly
``limit`` get a slot, however they interleave. Callers take the slot *before* the work the
limit protects (an Argon2 check of a password), so a burst cannot slip through between
"may I?" and "count it". No cache or Redis is needed; the counters live in the database
that every app server already shares.

A window starts with the first counted attempt and runs for ``window_seconds``; the next
attempt after it starts a fresh one. Refused attempts are not counted, so a pause never
grows by knocking. Nothing identifying is stored: keys are kept as HMAC-SHA256 under
SECRET_KEY, and addresses are hashed under a key of the day before that (``address_key``),
so the counts of two days cannot be joined. The retention task deletes counters after a day.

Run ``throttle_take`` in autocommit or a transaction that commits: a counter taken in a
transaction that rolls back is not counted.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone

from offenestadt.core.models import ThrottleCounter


@dataclass(frozen=True)
class Verdict:
    """What a throttle answered: whether the attempt may go ahead, the attempts counted in
    the window so far, and (when refused) the seconds until the window ends."""

    allowed: bool
    count: int
    retry_after: int = 0

    @property
    def retry_after_minutes(self) -> int:
        """Whole minutes to wait, for people: at least one."""
        return max(1, math.ceil(self.retry_after / 60))


class RateLimitedError(Exception):
    """A service refuses because a limit is reached; ``message`` says when to try again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.message = message
        self.retry_after = retry_after
        super().__init__(message)


def keyed_hash(key: str) -> str:
    """HMAC-SHA256 of ``key`` under SECRET_KEY: how a counter's key is stored."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"throttle\n{key}".encode(), hashlib.sha256
    ).hexdigest()


def address_key(request: HttpRequest, *, scope: str = "", now: datetime | None = None) -> str:
    """The request's address as HMAC-SHA256 under a key made of SECRET_KEY and the day.

    ``scope`` narrows the source to one thing (a proposal), so that repeats on it are counted
    apart from everything else the address does. The key changes every day, so nobody can
    follow an address across days, not even with the counters and the secret key.
    """
    day = timezone.localdate(now or timezone.now())
    secret = f"{settings.SECRET_KEY}{day.isoformat()}".encode()
    address = request.META.get("REMOTE_ADDR") or ""
    return hmac.new(secret, f"{address}\n{scope}".encode(), hashlib.sha256).hexdigest()


def _take_statement() -> tuple[str, str]:
    connection = connections[router.db_for_write(ThrottleCounter)]
    q = connection.ops.quote_name
    table = q(ThrottleCounter._meta.db_table)
    scope, key, started, count = (q(c) for c in ("scope", "key_hash", "window_started_at", "count"))
    # All right-hand sides read the row as it was before the update, on both databases.
    # Only quoted names from the model go into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({scope}, {key}, {started}, {count}) "  # noqa: S608 - names only
        "VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT ({scope}, {key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{started} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{started} = CASE WHEN {table}.{started} <= %s "
        f"THEN excluded.{started} ELSE {table}.{started} END "
        f"WHERE {table}.{started} <= %s OR {table}.{count} < %s "
        f"RETURNING {count}"
    )
    return connection.alias, sql


def throttle_take(
    *, scope: str, key: str, limit: int, window_seconds: int, now: datetime | None = None
) -> Verdict:
    """Count one attempt for ``key`` in ``scope`` if fewer than ``limit`` were counted in the
    current window, in one atomic statement; refused attempts are not counted.

    ``key`` is whatever identifies the counted party (an account name, an ``address_key``);
    it is stored only as ``keyed_hash(key)``.
    """
    now = now or timezone.now()
    if limit < 1:
        return Verdict(allowed=False, count=0, retry_after=window_seconds)
    digest = keyed_hash(key)
    alias, sql = _take_statement()
    connection = connections[alias]
    adapt = connection.ops.adapt_datetimefield_value
    ended = adapt(now - timedelta(seconds=window_seconds))
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, digest, adapt(now), ended, ended, ended, limit])
        row = cursor.fetchone()
    if row is not None:
        return Verdict(allowed=True, count=int(row[0]))
    started = (
        ThrottleCounter.objects.using(alias)
        .filter(scope=scope, key_hash=digest)
        .values_list("window_started_at", flat=True)
        .first()
    )
    remaining = window_seconds - (now - started).total_seconds() if started else window_seconds
    return Verdict(allowed=False, count=limit, retry_after=max(1, math.ceil(remaining)))


def throttle_reset(*, scope: str, key: str) -> None:
    """Forget the attempts counted for ``key`` in ``scope`` (a sign-in that succeeded)."""
    ThrottleCounter.objects.filter(scope=scope, key_hash=keyed_hash(key)).delete()


def throttle_expire(*, scope_prefix: str, before: datetime) -> int:
    """Delete the counters of scopes starting with ``scope_prefix`` whose window started
    before ``before``: for the retention task of the app that owns those scopes."""
    deleted, _ = ThrottleCounter.objects.filter(
        scope__startswith=scope_prefix, window_started_at__lt=before
    ).delete()
    return deleted
