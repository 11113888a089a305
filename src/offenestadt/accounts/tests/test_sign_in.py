"""Signing in: Argon2 passwords, throttling, and a TOTP second factor for the city's staff."""

from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenestadt.accounts.models import Office, Role, SignInEvent, User
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.tests.concurrency import in_parallel, skip_without_parallel_writers

PASSWORD = "ein langes Passwort für Tests"
ClientFor = Callable[[User | None], Client]


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def account(username: str, role: Role, office: Office | None = None, *, totp_key: bool) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, office=office)
    if totp_key:
        TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return user


def sign_in(client: Client, username: str, password: str = PASSWORD, next_url: str = "/"):
    return client.post(
        f"/konto/anmelden/?next={next_url}", {"username": username, "password": password}
    )


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2() -> None:
    user = account("anna", Role.RESIDENT, totp_key=False)
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_a_resident_needs_no_second_factor() -> None:
    account("anna", Role.RESIDENT, totp_key=False)
    client = Client()
    assert sign_in(client, "anna").status_code == 302
    assert client.get("/projekte/").status_code == 200


@pytest.mark.parametrize("role", [Role.EDITOR, Role.DPO, Role.ADMIN])
def test_staff_must_give_a_totp_code_before_acting(role: Role, office: Office) -> None:
    user = account("staff", role, office if role == Role.EDITOR else None, totp_key=True)
    client = Client()
    sign_in(client, "staff")

    blocked = client.get("/projekte/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/konto/zwei-faktor/?next=")

    device = TOTPDevice.objects.get(user=user)
    wrong = client.post("/konto/zwei-faktor/?next=/projekte/", {"token": "000000"})
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert client.get("/projekte/").status_code == 302
    # After a wrong code the next try must wait, even with the right code.
    too_soon = client.post("/konto/zwei-faktor/?next=/projekte/", {"token": current_code(device)})
    assert "Bitte warten Sie" in too_soon.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )

    verified = client.post("/konto/zwei-faktor/?next=/projekte/", {"token": current_code(device)})
    assert verified["Location"] == "/projekte/"
    assert client.get("/projekte/").status_code == 200


def test_the_session_id_is_renewed_at_the_second_factor(office: Office) -> None:
    user = account("staff", Role.EDITOR, office, totp_key=True)
    client = Client()
    sign_in(client, "staff")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    device = TOTPDevice.objects.get(user=user)
    client.post("/konto/zwei-faktor/?next=/projekte/neu/", {"token": current_code(device)})

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get("/projekte/neu/").status_code == 200
    # Whoever knew (or planted) the id from before the second factor gets nothing with it.
    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(before)
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/projekte/neu/").status_code != 200


def test_the_admin_site_stays_closed_without_the_second_factor(db: None) -> None:
    account("root", Role.ADMIN, totp_key=True)
    client = Client()
    sign_in(client, "root")
    response = client.get("/verwaltung/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zwei-faktor/")


def test_staff_without_an_authenticator_set_one_up(office: Office) -> None:
    user = account("neu", Role.EDITOR, office, totp_key=False)
    client = Client()
    sign_in(client, "neu")
    response = client.get("/projekte/neu/")
    assert response["Location"].startswith("/konto/zwei-faktor/einrichten/")

    setup = client.get(response["Location"])
    page = setup.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code is drawn here, not fetched
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    typed_key = setup.context["secret"].replace(" ", "")
    assert len(typed_key) == 32
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/konto/zwei-faktor/einrichten/?next=/projekte/neu/", {"token": "123"})
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    confirmed = client.post(
        "/konto/zwei-faktor/einrichten/?next=/projekte/neu/", {"token": current_code(device)}
    )
    assert confirmed["Location"] == "/projekte/neu/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get("/projekte/neu/").status_code == 200


@pytest.mark.django_db
def test_repeated_failures_pause_the_account_name(settings) -> None:
    account("anna", Role.RESIDENT, totp_key=False)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert sign_in(client, "anna", "falsch").status_code == 200
    # Now even the right password is refused, with a message that says what to do.
    refused = sign_in(client, "anna")
    assert refused.status_code == 200
    assert "Bitte warten Sie 15 Minuten" in refused.content.decode()
    assert isinstance(refused.wsgi_request.user, AnonymousUser)
    # The throttle stores a keyed hash, not the account name.
    (counter,) = ThrottleCounter.objects.all()
    assert counter.count == settings.LOGIN_FAILURE_LIMIT
    assert "anna" not in counter.key_hash and len(counter.key_hash) == 64

    ThrottleCounter.objects.update(
        window_started_at=timezone.now()
        - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert sign_in(client, "anna").status_code == 302
    assert not ThrottleCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_forty_wrong_passwords_at_once_get_no_more_checks_than_the_limit() -> None:
    skip_without_parallel_writers()
    member = account("ratsmitglied", Role.COUNCIL, totp_key=False)

    pages = in_parallel(
        [lambda: sign_in(Client(), "ratsmitglied", "falsch geraten").content.decode()] * 40
    )

    assert [page for page in pages if not isinstance(page, str)] == []
    paused = [page for page in pages if "Bitte warten Sie 15 Minuten" in page]
    assert len(paused) == 40 - settings.LOGIN_FAILURE_LIMIT
    # Every password that was checked is in the security log: no more than the limit.
    checked = SignInEvent.objects.filter(user=member, succeeded=False).count()
    assert checked == settings.LOGIN_FAILURE_LIMIT
    assert ThrottleCounter.objects.get().count == settings.LOGIN_FAILURE_LIMIT
    # What comes later is paused too, even with the right password, and is not checked.
    assert "Bitte warten Sie 15 Minuten" in sign_in(Client(), "ratsmitglied").content.decode()
    assert not SignInEvent.objects.filter(user=member, succeeded=True).exists()


@pytest.mark.django_db
def test_a_failure_on_one_account_does_not_pause_another(settings) -> None:
    account("anna", Role.RESIDENT, totp_key=False)
    account("ben", Role.RESIDENT, totp_key=False)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "anna", "falsch")
    assert sign_in(client, "ben").status_code == 302


def test_the_admin_site_has_no_sign_in_of_its_own_that_skips_the_throttle(db: None) -> None:
    account("root", Role.ADMIN, totp_key=True)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        response = client.post("/verwaltung/login/", {"username": "root", "password": "falsch"})
        assert response["Location"] == "/konto/anmelden/?next=/verwaltung/"
    # No password was checked there; the sign-in page, which counts, is the only way in.
    response = client.post("/verwaltung/login/", {"username": "root", "password": PASSWORD})
    assert isinstance(response.wsgi_request.user, AnonymousUser)
    assert client.get("/verwaltung/")["Location"].startswith("/verwaltung/login/")
    assert sign_in(client, "root").status_code == 302


def test_a_next_url_to_another_host_is_ignored(office: Office) -> None:
    user = account("staff", Role.EDITOR, office, totp_key=True)
    client = Client()
    sign_in(client, "staff")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        "/konto/zwei-faktor/?next=https://evil.example/", {"token": current_code(device)}
    )
    assert response["Location"] == "/"
