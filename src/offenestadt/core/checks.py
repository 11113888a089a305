"""The platform's own deployment checks, run by `offenestadt check-deploy` beside Django's."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(**kwargs: object) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DEMO_MODE:
        problems.append(
            Error(
                "Demo mode is on (OFFENESTADT_DEMO, or the data folder of a demo).",
                hint="Set SECRET_KEY and leave OFFENESTADT_DEMO unset in production; demo "
                "mode invents a secret key and serves plain HTTP.",
                id="offenestadt.E001",
            )
        )
    if len(set(settings.SECRET_KEY)) < 5 or len(settings.SECRET_KEY) < 50:
        problems.append(
            Error(
                "SECRET_KEY is too short or too simple.",
                hint="Set SECRET_KEY to at least 50 random characters.",
                id="offenestadt.E002",
            )
        )
    if not settings.SECURE_HTTPS:
        problems.append(
            Error(
                "SECURE_HTTPS is off: cookies would travel unencrypted.",
                hint="Serve the platform over HTTPS and set SECURE_HTTPS=true.",
                id="offenestadt.E003",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        problems.append(
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in e-mails and letters would not "
                "reach the platform over HTTPS.",
                hint="Set SITE_URL to the public address, e.g. https://offenestadt.example.de.",
                id="offenestadt.E004",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Warning(
                "ALLOWED_HOSTS accepts any host name.",
                hint="List the platform's host names in ALLOWED_HOSTS.",
                id="offenestadt.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "The database is SQLite.",
                hint="Use PostgreSQL (DATABASE_URL=postgres://…) when several app servers "
                "or many participants are expected.",
                id="offenestadt.W002",
            )
        )
    return problems
