"""Sign-in throttling and second-factor enrolment."""

import base64

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenestadt.accounts.models import SignInEvent, User
from offenestadt.core.throttle import Verdict, throttle_reset, throttle_take

# The throttle's scope for failed sign-ins; its counters are keyed by the account name.
SIGN_IN_SCOPE = "accounts:sign-in"


def _account_key(username: str) -> str:
    return username.casefold()


def sign_in_attempt_take(*, username: str) -> Verdict:
    """Take one of the account name's attempts in the current window, before the password
    is checked; refused once LOGIN_FAILURE_LIMIT attempts are counted.

    Counting first is what makes the limit hold: of many attempts at once, only the limit's
    number reach the (slow, on purpose) Argon2 check. A successful sign-in clears the count.
    Names without an account are counted alike, so the answer tells nothing about them.
    """
    return throttle_take(
        scope=SIGN_IN_SCOPE,
        key=_account_key(username),
        limit=settings.LOGIN_FAILURE_LIMIT,
        window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def sign_in_failed(*, username: str, ip_address: str | None = None) -> None:
    """Log a failed attempt on an existing account (the attempt was counted when taken)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        # unaudited: the sign-in log is no public record (it holds addresses)
        SignInEvent.objects.create(user=user, succeeded=False, ip_address=ip_address)


def sign_in_succeeded(*, user: User, ip_address: str | None = None) -> None:
    # unaudited: the sign-in log is no public record (it holds addresses)
    SignInEvent.objects.create(user=user, succeeded=True, ip_address=ip_address)
    throttle_reset(scope=SIGN_IN_SCOPE, key=_account_key(user.get_username()))


def has_authenticator(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        # unaudited: a staff member's authenticator secret, never part of a history
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
    # unaudited: a staff member's authenticator secret, never part of a history
    device.save(update_fields=["confirmed"])
    return True


def totp_secret(*, device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed in, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_code(*, device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG data URI, drawn here (no third-party service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
