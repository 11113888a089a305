"""The platform's throttle: a limit holds however many requests come at once, refused
attempts are not counted, a window that ran out starts afresh, and no key is stored as such."""

import hashlib
import hmac
import ipaddress
from datetime import timedelta
from functools import partial

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.utils import timezone

from offenestadt.core.middleware import client_address
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.tests.concurrency import in_parallel, skip_without_parallel_writers
from offenestadt.core.throttle import (
    address_key,
    keyed_hash,
    throttle_expire,
    throttle_reset,
    throttle_take,
)

take = partial(throttle_take, scope="test:action", limit=3, window_seconds=600)


@pytest.mark.django_db(transaction=True)
def test_a_limit_holds_when_forty_attempts_come_at_once() -> None:
    skip_without_parallel_writers()
    verdicts = in_parallel([partial(take, key="anna", limit=5) for _ in range(40)])

    assert [str(v) for v in verdicts if isinstance(v, Exception)] == []
    assert sum(verdict.allowed for verdict in verdicts) == 5
    assert sorted(verdict.count for verdict in verdicts if verdict.allowed) == [1, 2, 3, 4, 5]
    assert ThrottleCounter.objects.get().count == 5


@pytest.mark.django_db
def test_refused_attempts_are_not_counted_and_say_when_to_try_again() -> None:
    verdicts = [take(key="anna") for _ in range(5)]

    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert ThrottleCounter.objects.get().count == 3
    assert 590 <= verdicts[-1].retry_after <= 600
    assert verdicts[-1].retry_after_minutes == 10


@pytest.mark.django_db
def test_keys_and_scopes_count_apart() -> None:
    for _ in range(3):
        take(key="anna")
    assert take(key="ben").allowed
    assert take(key="anna", scope="test:other").allowed
    assert not take(key="anna").allowed


@pytest.mark.django_db
def test_a_window_that_ran_out_starts_afresh() -> None:
    for _ in range(3):
        take(key="anna")
    ran_out = timezone.now() - timedelta(seconds=601)
    ThrottleCounter.objects.update(window_started_at=ran_out)

    verdict = take(key="anna")

    assert (verdict.allowed, verdict.count) == (True, 1)
    assert ThrottleCounter.objects.get().window_started_at > ran_out


@pytest.mark.django_db
def test_a_reset_forgets_the_count() -> None:
    for _ in range(3):
        take(key="anna")
    throttle_reset(scope="test:action", key="anna")
    assert take(key="anna").count == 1


@pytest.mark.django_db
def test_keys_are_stored_only_as_keyed_hashes() -> None:
    take(key="anna@example.org")
    stored = ThrottleCounter.objects.get().key_hash
    assert "anna" not in stored and len(stored) == 64
    # Keyed with the site's secret: without it, a list of names cannot be tested against it.
    assert stored != hashlib.sha256(b"anna@example.org").hexdigest()
    with override_settings(SECRET_KEY="another-secret-key-" * 3):
        assert keyed_hash("anna@example.org") != stored
    assert stored == keyed_hash("anna@example.org")
    assert (
        stored
        == hmac.new(
            settings.SECRET_KEY.encode(), b"throttle\nanna@example.org", hashlib.sha256
        ).hexdigest()
    )


@pytest.mark.django_db
def test_expiry_takes_only_its_own_scopes() -> None:
    take(key="anna")
    take(key="anna", scope="other:action")
    ThrottleCounter.objects.update(window_started_at=timezone.now() - timedelta(days=2))

    assert throttle_expire(scope_prefix="test:", before=timezone.now() - timedelta(days=1)) == 1
    assert list(ThrottleCounter.objects.values_list("scope", flat=True)) == ["other:action"]


def test_an_address_is_keyed_and_its_key_changes_every_day() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
    today = timezone.now()
    key = address_key(request, now=today)
    assert len(key) == 64 and "192.0.2.44" not in key
    assert key == address_key(request, now=today)
    assert key != address_key(request, now=today + timedelta(days=1))
    assert key != address_key(RequestFactory().post("/", REMOTE_ADDR="198.51.100.5"), now=today)
    assert key != address_key(request, scope="proposal:1", now=today)


@pytest.mark.parametrize(
    ("remote", "forwarded_for", "client"),
    [
        ("127.0.0.1", "192.0.2.7", "192.0.2.7"),  # one proxy
        ("127.0.0.1", "198.51.100.1, 192.0.2.7", "192.0.2.7"),  # the client's own words
        ("127.0.0.1", "192.0.2.7, 10.0.0.5", "192.0.2.7"),  # two trusted proxies
        ("127.0.0.1", "10.0.0.5", "10.0.0.5"),  # only proxies: the farthest
        ("192.0.2.1", "198.51.100.1", "192.0.2.1"),  # not a trusted proxy: its own address
        ("127.0.0.1", "unknown", "127.0.0.1"),  # not an address: the proxy's
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    remote: str, forwarded_for: str, client: str
) -> None:
    trusted = [ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("10.0.0.0/8")]
    assert client_address(remote, forwarded_for, trusted) == client
