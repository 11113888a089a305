"""Rate limits against flooding, without tracking anyone.

A source is the address a request comes from, but only as a keyed hash whose key changes
every day: the table holds no address, and the counts of two days cannot be joined. A
bucket goes as soon as its window has run out. No cookie, no captcha, no third-party service.
"""

import hashlib
import hmac
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from offenestadt.participation.models import RateBucket

# Per action: how many within how many seconds from one source. Generous enough for a
# household or a library behind one address, tight enough against a script.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "proposal": (5, 60 * 60),
    "comment": (20, 60 * 60),
    "support": (60, 60 * 60),
    "report": (10, 60 * 60),
    "subscribe": (5, 60 * 60),
}
# Supports of one proposal from one source in a day (see contribution_views.proposal_support).
SUPPORT_REPEAT_LIMIT = (3, 24 * 60 * 60)
FALLBACK_LIMIT = (30, 60 * 60)


def source_key(request: HttpRequest, *, scope: str = "", now: datetime | None = None) -> str:
    """HMAC-SHA256 of the request's address under a key made of SECRET_KEY and the day.

    ``scope`` narrows the source to one thing (a proposal), so that repeats on it are
    counted apart from everything else the source does.
    """
    day = timezone.localdate(now or timezone.now())
    secret = f"{settings.SECRET_KEY}{day.isoformat()}".encode()
    address = request.META.get("REMOTE_ADDR") or ""
    return hmac.new(secret, f"{address}\n{scope}".encode(), hashlib.sha256).hexdigest()


def _start_of_day(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def allow(
    request: HttpRequest,
    action: str,
    *,
    limit: int | None = None,
    window_seconds: int | None = None,
    scope: str = "",
) -> bool:
    """Count one ``action`` from the request's source; False once it exceeds ``limit``
    within ``window_seconds`` (defaults per action in DEFAULT_LIMITS).

    A refused attempt is not counted. Buckets whose window has run out, and all of earlier
    days (their key can no longer come again), are deleted on the way.
    """
    default_limit, default_window = DEFAULT_LIMITS.get(action, FALLBACK_LIMIT)
    limit = default_limit if limit is None else limit
    window = timedelta(seconds=default_window if window_seconds is None else window_seconds)
    now = timezone.now()
    key = source_key(request, scope=scope, now=now)
    with transaction.atomic():
        RateBucket.objects.filter(
            Q(action=action, window_started_at__lte=now - window)
            | Q(window_started_at__lt=_start_of_day(now))
        ).delete()
        bucket, _ = RateBucket.objects.select_for_update().get_or_create(
            key=key, action=action, defaults={"window_started_at": now, "count": 0}
        )
        if bucket.count >= limit:
            return False
        RateBucket.objects.filter(pk=bucket.pk).update(count=F("count") + 1)
    return True


def rate_buckets_expire(*, before: datetime) -> int:
    """Delete buckets whose window started before ``before``; for quiet days, when no
    request comes by to clean up."""
    deleted, _ = RateBucket.objects.filter(window_started_at__lt=before).delete()
    return deleted
