"""Settings come from the environment, with safe defaults: debug off, secure cookies, HTTPS."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "k2F!v9#Lq0pZx7@Wm4^Rt8&Yb1*Nc6(Hd3)Ge5_Js0+Ua2-Io9=Pl4"
READ_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "PASSWORD_HASHER": settings.PASSWORD_HASHERS[0],
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "NAME": str(settings.DATABASES["default"]["NAME"]),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": "/usr/bin:/bin",
        "OFFENESTADT_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "offenestadt.settings",
    }
    return subprocess.run(
        [sys.executable, *args], env=base | env, capture_output=True, text=True, check=False
    )


def _settings(tmp_path: Path, **env: str) -> dict[str, object]:
    result = _run(["-c", READ_SETTINGS], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_defaults_are_safe_for_production(tmp_path: Path) -> None:
    settings = _settings(tmp_path, SECRET_KEY=SECRET)
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["PASSWORD_HASHER"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(tmp_path / "offenestadt.sqlite3")


def test_the_environment_chooses_database_hosts_and_debug(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        SECRET_KEY=SECRET,
        DATABASE_URL="postgres://city:secret@db.internal:5432/offenestadt",
        ALLOWED_HOSTS="smartcity.example.org, www.smartcity.example.org",
        DEBUG="true",
    )
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["NAME"] == "offenestadt"
    assert settings["ALLOWED_HOSTS"] == ["smartcity.example.org", "www.smartcity.example.org"]
    assert settings["DEBUG"] is True


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "vielleicht", "DEBUG must be true or false, not 'vielleicht'"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be a whole number, not 'smtp'"),
    ],
)
def test_a_malformed_variable_is_named_with_what_it_expects(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = _run(["-c", READ_SETTINGS], tmp_path, SECRET_KEY=SECRET, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_passes_in_production_and_fails_without_https(tmp_path: Path) -> None:
    production = {
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "smartcity.example.org",
        "SITE_URL": "https://smartcity.example.org",
    }
    passed = _run(["-m", "offenestadt", "check-deploy"], tmp_path, **production)
    assert passed.returncode == 0, passed.stderr
    failed = _run(["-m", "offenestadt", "check-deploy"], tmp_path, **production, SECURE_HTTPS="no")
    assert failed.returncode != 0
    assert "offenestadt.E003" in failed.stderr
