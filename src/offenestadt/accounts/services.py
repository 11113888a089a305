"""Sign-in throttling and second-factor enrolment."""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenestadt.accounts.models import SignInEvent, SignInThrottle, User


def _throttle_key(username: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), username.casefold().encode(), hashlib.sha256
    ).hexdigest()


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def sign_in_blocked(*, username: str) -> bool:
    """Whether this account name has used up its failed attempts in the current window."""
    return SignInThrottle.objects.filter(
        key=_throttle_key(username),
        window_started_at__gte=_window_start(),
        failures__gte=settings.LOGIN_FAILURE_LIMIT,
    ).exists()


@transaction.atomic
def sign_in_failed(*, username: str, ip_address: str | None = None) -> None:
    """Log a failed attempt on an existing account and count it against the account name;
    a window that has run out starts afresh."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        SignInEvent.objects.create(user=user, succeeded=False, ip_address=ip_address)
    throttle, created = SignInThrottle.objects.select_for_update().get_or_create(
        key=_throttle_key(username),
        defaults={"failures": 1, "window_started_at": timezone.now()},
    )
    if created:
        return
    if throttle.window_started_at < _window_start():
        throttle.failures = 1
        throttle.window_started_at = timezone.now()
        throttle.save(update_fields=["failures", "window_started_at"])
    else:
        SignInThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1)


def sign_in_succeeded(*, user: User, ip_address: str | None = None) -> None:
    SignInEvent.objects.create(user=user, succeeded=True, ip_address=ip_address)
    SignInThrottle.objects.filter(key=_throttle_key(user.get_username())).delete()


def has_authenticator(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def totp_throttled(*, user: User) -> bool:
    """Whether wrong codes have made every authenticator of the user wait (django-otp's delay)."""
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm an authenticator once the user proves it shows the right codes."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_secret(*, device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed in, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_code(*, device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG data URI, drawn here (no third-party service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
