"""Participation's rate limits against flooding, without tracking anyone.

The limits per action are here; the counting is the platform's throttle (core.throttle):
per address, as a keyed hash whose key changes every day, counted atomically, so that a
burst of requests at once cannot get past a limit. No cookie, no captcha, no third-party
service.
"""

from django.http import HttpRequest

from offenestadt.core.throttle import address_key, throttle_take

# The platform throttle's scopes of participation start with this.
SCOPE_PREFIX = "participation:"

# Per action: how many within how many seconds from one source. Generous enough for a
# household or a library behind one address, tight enough against a script.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "proposal": (5, 60 * 60),
    "comment": (20, 60 * 60),
    # Each request to support sends an e-mail; a person counts once anyway.
    "support": (20, 60 * 60),
    "report": (10, 60 * 60),
    "subscribe": (5, 60 * 60),
}
FALLBACK_LIMIT = (30, 60 * 60)


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

    ``scope`` narrows the count to one thing (a proposal). A refused attempt is not counted.
    """
    default_limit, default_window = DEFAULT_LIMITS.get(action, FALLBACK_LIMIT)
    return throttle_take(
        scope=f"{SCOPE_PREFIX}{action}",
        key=address_key(request, scope=scope),
        limit=default_limit if limit is None else limit,
        window_seconds=default_window if window_seconds is None else window_seconds,
    ).allowed
