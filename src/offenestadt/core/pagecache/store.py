"""Tag versions and stored pages in the cache that every server process shares (CACHE_URL).

A tag's version is a value of one shared clock: each write bumps the clock and sets its tags
to the new value after its transaction commits. A page is stored with the versions of its
tags as they were when it was rendered, and served while they are unchanged.

Checking every tag on every request would cost one read per tag; instead a second counter,
the epoch, moves on after each bump has set its tags, and each page keeps (under a key of its
own) the epoch at which its tags were last found unchanged. While the epoch stands still (no
write since), a page is served after reading three keys; after a write its tags are read once
and, unchanged, the page is stamped with the new epoch. A tag that is
missing (never written, or evicted) is set to the clock value taken before the page was
rendered, so an evicted tag costs a render, never a stale page.
"""

import hashlib
import time
from collections.abc import Iterable

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

PREFIX = "pc3:"
CLOCK = PREFIX + "clock"
EPOCH = PREFIX + "epoch"


def backend() -> BaseCache:
    return caches["default"]


def _counter(key: str) -> int:
    """A shared counter now, started from the time in microseconds when missing, so that a
    cache that lost it never hands out a value it handed out before."""
    cache = backend()
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns() // 1000, timeout=None)
        value = cache.get(key)
    return int(value)


def clock() -> int:
    """The shared clock now."""
    return _counter(CLOCK)


def bump(tags: Iterable[str]) -> None:
    """Give the tags a new version: every page stored with an older one is rendered again."""
    keys = [PREFIX + tag for tag in tags]
    if not keys:
        return
    cache = backend()
    clock()
    version = cache.incr(CLOCK)
    cache.set_many(dict.fromkeys(keys, version), timeout=None)
    # Only now: a page stamped with the epoch read before these tags were set is checked again.
    epoch()
    cache.incr(EPOCH)


def versions(tags: list[str]) -> list[int | None]:
    found = backend().get_many([PREFIX + tag for tag in tags])
    return [found.get(PREFIX + tag) for tag in tags]


def settle(tags: list[str], started: int) -> list[int] | None:
    """The tags' versions for a page rendered from ``started`` on, or None when one of them
    changed while it rendered (then the page is served but not stored)."""
    cache = backend()
    current = versions(tags)
    missing = [tag for tag, version in zip(tags, current, strict=True) if version is None]
    if missing:
        for tag in missing:
            cache.add(PREFIX + tag, started, timeout=None)
        current = versions(tags)
        # A write between the look-up and the add could be overwritten by a backend whose
        # add is not atomic (the file cache): then store nothing.
        if clock() != started:
            return None
    if any(version is None or version > started for version in current):
        return None
    return [int(version) for version in current if version is not None]


def page_key(parts: Iterable[str]) -> str:
    return PREFIX + "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def epoch() -> int:
    """The epoch now."""
    return _counter(EPOCH)


def stamp_key(page: str) -> str:
    return page + ":checked"


def look_up(page: str) -> tuple[object, object, object]:
    """The stored page, the epoch at which its tags were last found unchanged, and the epoch
    now: one round trip."""
    found = backend().get_many([page, stamp_key(page), EPOCH])
    return found.get(page), found.get(stamp_key(page)), found.get(EPOCH) or epoch()


def stamp(page: str, epoch: object, seconds: int) -> None:
    """The page's tags were found unchanged at ``epoch`` (read before they were)."""
    if epoch is not None:
        backend().set(stamp_key(page), epoch, timeout=seconds)
