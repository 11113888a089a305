"""Rate limits against flooding without tracking anyone: no address stored, no cookie, a key
that changes every day, and counters that start afresh when their window has run out."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import serializers
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.throttle import throttle_expire
from offenestadt.participation import throttle
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    running_procedure,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def _request(address: str = CLIENT_ADDRESS) -> HttpRequest:
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_a_source_is_refused_after_its_limit_and_others_are_not() -> None:
    request = _request()
    results = [throttle.allow(request, "test", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    # A refused attempt is not counted on top.
    assert ThrottleCounter.objects.get().count == 3
    assert throttle.allow(_request("198.51.100.5"), "test", limit=3, window_seconds=60)
    # Actions are counted apart.
    assert throttle.allow(request, "other", limit=3, window_seconds=60)


def test_the_defaults_per_action() -> None:
    request = _request()
    limit, _window = throttle.DEFAULT_LIMITS["proposal"]
    assert all(throttle.allow(request, "proposal") for _ in range(limit))
    assert not throttle.allow(request, "proposal")


def test_a_window_that_has_run_out_starts_afresh() -> None:
    request = _request()
    for _ in range(3):
        throttle.allow(request, "test", limit=3, window_seconds=60)
    assert not throttle.allow(request, "test", limit=3, window_seconds=60)
    ran_out = timezone.now() - timedelta(seconds=61)
    ThrottleCounter.objects.update(window_started_at=ran_out)
    assert throttle.allow(request, "test", limit=3, window_seconds=60)
    (fresh,) = ThrottleCounter.objects.all()
    assert fresh.count == 1 and fresh.window_started_at > ran_out


def test_no_address_is_stored_anywhere_and_no_cookie_is_set(
    office: Office, client_for: ClientFor
) -> None:
    procedure = running_procedure(office)
    client = client_for(None)
    response = client.post(
        f"/beteiligung/{procedure.slug}/vorschlaege/neu/",
        {"title": "Bänke", "text": "Mehr Bänke am Markt."},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    assert response.status_code == 302
    assert not response.cookies
    proposal_url = response["Location"]
    response = client.post(
        proposal_url + "unterstuetzen/", {"email": "max@example.org"}, REMOTE_ADDR=CLIENT_ADDRESS
    )
    assert response.status_code == 200 and not response.cookies
    client.post(
        f"/beteiligung/{procedure.slug}/benachrichtigung/",
        {"email": "erika@example.org"},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    assert ThrottleCounter.objects.count() >= 3
    # Every row of every table, as the database holds it.
    for model in apps.get_models():
        dump = serializers.serialize("json", model._default_manager.all())
        assert CLIENT_ADDRESS not in dump, model._meta.label


def test_expiring_buckets_for_quiet_days() -> None:
    throttle.allow(_request(), "test")
    prefix, now = throttle.SCOPE_PREFIX, timezone.now()
    assert throttle_expire(scope_prefix=prefix, before=now - timedelta(minutes=1)) == 0
    assert throttle_expire(scope_prefix=prefix, before=now + timedelta(minutes=1)) == 1
    assert not ThrottleCounter.objects.exists()
