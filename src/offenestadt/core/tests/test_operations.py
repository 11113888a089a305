"""Running the platform: health check, deployment checks, structured logs, security headers."""

import json
import logging
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.cli import COMMANDS, usage
from offenestadt.core.logs import JsonFormatter
from offenestadt.core.models import WorkerHeartbeat
from offenestadt.core.worker import beat
from offenestadt.processing.tasks import enforce_retention

PRODUCTION = {
    "DEMO_MODE": False,
    "SECURE_HTTPS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "ALLOWED_HOSTS": ["smartcity.example.org"],
    "SITE_URL": "https://smartcity.example.org",
    "SECRET_KEY": "k2F!v9#Lq0pZx7@Wm4^Rt8&Yb1*Nc6(Hd3)Ge5_Js0+Ua2-Io9=Pl4",
    # The test run swaps in an in-memory mailer; production sends through SMTP.
    "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}},
}


@pytest.mark.django_db
def test_healthz_reports_the_database_the_worker_and_the_queue() -> None:
    """Without a worker the answer stays 200 (the app servers work), but says so; a
    monitoring check that pages for the worker asks with ?strict and gets 503."""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": {"state": "none", "last_heartbeat": None},
        "tasks": {"waiting": 0, "oldest_waiting_seconds": None, "failed_last_day": 0},
    }
    assert "no-cache" in response["Cache-Control"]
    assert Client().get("/healthz?strict").status_code == 503

    enforce_retention.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    enforce_retention.enqueue(reschedule=False)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    beat("gone", timezone.now() - timedelta(hours=1))
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=2))
    stale = Client().get("/healthz").json()
    assert stale["worker"]["state"] == "stale"
    # The task due in an hour does not wait yet; the other has waited five minutes.
    assert stale["tasks"]["waiting"] == 1
    assert 295 <= stale["tasks"]["oldest_waiting_seconds"] <= 400
    assert Client().get("/healthz?strict").status_code == 503

    beat("alive", timezone.now())
    fresh = Client().get("/healthz?strict")
    assert fresh.status_code == 200
    assert fresh.json()["worker"]["state"] == "ok"


@pytest.mark.django_db
@override_settings(**PRODUCTION)
def test_check_deploy_passes_with_production_settings() -> None:
    call_command("check_deploy")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("DEMO_MODE", True, "offenestadt.E001"),
        ("SECRET_KEY", "short", "offenestadt.E002"),
        ("SECURE_HTTPS", False, "offenestadt.E003"),
        ("SITE_URL", "http://127.0.0.1:8000", "offenestadt.E004"),
    ],
)
def test_check_deploy_fails_on_unsafe_settings(setting: str, value: object, check_id: str) -> None:
    with (
        override_settings(**(PRODUCTION | {setting: value})),
        pytest.raises(CommandError, match=check_id),
    ):
        call_command("check_deploy")


def test_the_settings_refuse_to_start_without_a_secret_key(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "OFFENESTADT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import offenestadt.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_help_lists_every_command_and_each_exists() -> None:
    text = usage()
    django_commands = get_commands()
    for name, (command, _) in COMMANDS.items():
        assert re.search(rf"^  {re.escape(name)} ", text, re.MULTILINE)
        assert name == "manage" or command in django_commands


def test_log_lines_are_json_objects() -> None:
    record = logging.LogRecord(
        "offenestadt.request", logging.INFO, __file__, 1, "request", None, None
    )
    record.status = 200
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert line["status"] == 200
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_the_request_log_holds_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="offenestadt.request"):
        Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Test/1.0").get("/?email=a@b.example")
    (record,) = [r for r in caplog.records if r.name == "offenestadt.request"]
    line = JsonFormatter().format(record)
    assert json.loads(line)["path"] == "/"
    for personal in ("203.0.113.9", "Test/1.0", "a@b.example"):
        assert personal not in line


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/projekte/", "/audit/", "/konto/anmelden/"])
def test_pages_send_a_strict_csp_and_load_nothing_from_elsewhere(path: str) -> None:
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert "style=" not in html


def test_collectstatic_prepares_compressed_hashed_files_for_production(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": str(PRODUCTION["SECRET_KEY"]),
        "STATIC_ROOT": str(tmp_path / "static"),
        "OFFENESTADT_DATA_DIR": str(tmp_path),
        "SERVE_STATIC_FROM_APPS": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "offenestadt", "collectstatic"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["offenestadt/site.css"]
    assert hashed != "offenestadt/site.css"
    assert (tmp_path / "static" / (hashed + ".gz")).exists()
