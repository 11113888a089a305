"""Demo offices and staff accounts: fictional, with known passwords and TOTP keys."""

import functools

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from offenestadt.accounts.models import Office, Role, User
from offenestadt.accounts.services import totp_secret

DEMO_PASSWORD = "demo-offene-stadt"  # noqa: S105  (printed for the demo; demo mode fails check-deploy)
# A fixed key, so the printed authenticator set-up stays valid across demo runs.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

OFFICES = [
    ("digitalisierung", "Stabsstelle Digitalisierung (Demo)", "digital@example.org"),
    ("umwelt", "Umwelt- und Grünflächenamt (Demo)", "umwelt@example.org"),
    ("datenschutz", "Datenschutz (Demo)", "datenschutz@example.org"),
]
STAFF = [
    ("redaktion", Role.EDITOR, "digitalisierung"),
    ("umweltamt", Role.EDITOR, "umwelt"),
    ("datenschutz", Role.DPO, "datenschutz"),
    ("rat", Role.COUNCIL, None),
    ("admin", Role.ADMIN, None),
]


@functools.cache
def _demo_password_hash() -> str:
    """One hash for all demo accounts, made once per process: they share the printed
    password, and Argon2 is slow on purpose (tests load the demo hundreds of times)."""
    return make_password(DEMO_PASSWORD)


def load_demo() -> list[str]:
    offices = {}
    for slug, name, email in OFFICES:
        offices[slug], _ = Office.objects.get_or_create(
            slug=slug, defaults={"name": name, "email": email}
        )
    for username, role, office in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "office": offices.get(office) if office else None},
        )
        if created:
            user.password = _demo_password_hash()
            user.save()
            if user.needs_second_factor:
                TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)
    key = totp_secret(device=TOTPDevice(key=DEMO_TOTP_KEY))
    return [
        "Demo-Anmeldung (nur für diese Demo):",
        f"  Redaktion: redaktion / {DEMO_PASSWORD}",
        f"  Datenschutz: datenschutz / {DEMO_PASSWORD}",
        f"  Administration: admin / {DEMO_PASSWORD}",
        f"  Zweiter Faktor: Schlüssel {key} in einer Authenticator-App (TOTP, 30 s, 6 Ziffern)",
    ]
