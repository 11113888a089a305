"""Deletion on schedule: the platform erases its own personal data when the register's
retention ends — not a moment before — and counts what it erased in the audit trail."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.accounts.models import SignInEvent, User
from offenestadt.accounts.services import SIGN_IN_SCOPE
from offenestadt.audit.models import AuditEntry
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import Contract, ContractComment
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.retention import CONTRIBUTIONS, LOGS, OPEN_DATA, retention_period
from offenestadt.core.throttle import keyed_hash, throttle_take
from offenestadt.participation import throttle as participation_throttle
from offenestadt.processing.models import DataCategory, ProcessingActivity, RetentionRun
from offenestadt.processing.platform import PLATFORM_ACTIVITIES
from offenestadt.processing.retention import retention_enforce
from offenestadt.processing.tasks import enforce_retention, next_run
from offenestadt.voting import services as voting_services

pytestmark = pytest.mark.django_db


def category(activity: str, key: str) -> DataCategory:
    return DataCategory.objects.get(activity__slug=activity, key=key)


def test_every_installation_lists_the_platforms_own_processings() -> None:
    own = ProcessingActivity.objects.filter(is_platform_own=True)
    assert sorted(own.values_list("slug", flat=True)) == sorted(
        entry["slug"] for entry in PLATFORM_ACTIVITIES
    )
    for activity in own:
        assert activity.categories.exists()
        assert all(c.has_retention for c in activity.categories.all())


def _comment(pseudonym: str, age: timedelta) -> ContractComment:
    contract = Contract.objects.create(title="Vertrag")
    comment = ContractComment.objects.create(contract=contract, pseudonym=pseudonym, text="Gut")
    ContractComment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - age)
    return comment


def test_contributor_names_go_when_their_retention_ends_and_not_before() -> None:
    name = category(CONTRIBUTIONS, "contributor-name")
    assert (name.retention_amount, name.retention_unit) == (12, "months")
    now = timezone.now()
    due = _comment("Erika", now - name.retention_cutoff(now) + timedelta(minutes=1))
    kept = _comment("Max", now - name.retention_cutoff(now) - timedelta(minutes=1))
    run = retention_enforce(now=now)
    due.refresh_from_db()
    kept.refresh_from_db()
    assert (due.pseudonym, kept.pseudonym) == ("", "Max")
    # The comment itself stays part of the public record.
    assert due.text == "Gut"
    assert run.counts[f"{CONTRIBUTIONS}/contributor-name"] == 1


def test_a_period_changed_in_the_register_changes_what_is_erased() -> None:
    comment = _comment("Erika", timedelta(days=40))
    retention_enforce(now=timezone.now())
    comment.refresh_from_db()
    assert comment.pseudonym == "Erika"
    DataCategory.objects.filter(pk=category(CONTRIBUTIONS, "contributor-name").pk).update(
        retention_amount=1
    )
    retention_enforce(now=timezone.now())
    comment.refresh_from_db()
    assert comment.pseudonym == ""


def test_an_unlimited_or_missing_period_erases_nothing() -> None:
    comment = _comment("Erika", timedelta(days=4000))
    DataCategory.objects.filter(pk=category(CONTRIBUTIONS, "contributor-name").pk).update(
        retention_unlimited=True
    )
    run = retention_enforce(now=timezone.now())
    comment.refresh_from_db()
    assert comment.pseudonym == "Erika"
    assert f"{CONTRIBUTIONS}/contributor-name" not in run.counts


def _event(user: User, age: timedelta, ip: str = "198.51.100.7") -> SignInEvent:
    event = SignInEvent.objects.create(user=user, succeeded=True, ip_address=ip)
    SignInEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - age)
    return event


def test_ip_addresses_go_after_seven_days_the_event_after_its_own_period(editor: User) -> None:
    fresh = _event(editor, timedelta(days=6, hours=23))
    week_old = _event(editor, timedelta(days=7, minutes=1))
    year_old = _event(editor, timedelta(days=370))
    run = retention_enforce(now=timezone.now())
    fresh.refresh_from_db()
    week_old.refresh_from_db()
    assert fresh.ip_address == "198.51.100.7"
    assert week_old.ip_address is None
    assert not SignInEvent.objects.filter(pk=year_old.pk).exists()
    assert run.counts[f"{LOGS}/ip-address"] == 2  # the week-old and the year-old address
    assert run.counts[f"{LOGS}/sign-in-events"] == 1


def test_sign_in_throttles_go_after_a_day() -> None:
    now = timezone.now()
    for name in ("recent", "old"):
        throttle_take(scope=SIGN_IN_SCOPE, key=name, limit=5, window_seconds=900)
    ThrottleCounter.objects.filter(key_hash=keyed_hash("recent")).update(
        window_started_at=now - timedelta(hours=23)
    )
    ThrottleCounter.objects.filter(key_hash=keyed_hash("old")).update(
        window_started_at=now - timedelta(hours=25)
    )
    run = retention_enforce(now=now)
    assert list(ThrottleCounter.objects.values_list("key_hash", flat=True)) == [
        keyed_hash("recent")
    ]
    assert run.counts[f"{LOGS}/sign-in-throttle"] == 1


def test_every_throttle_counter_of_the_platform_goes_after_a_day() -> None:
    scopes = [
        SIGN_IN_SCOPE,
        f"{participation_throttle.SCOPE_PREFIX}comment",
        voting_services.CODE_ATTEMPT_SCOPE,
        voting_services.CODE_GUESSING_SCOPE,
        f"{voting_services.POLL_SCOPE_PREFIX}1",
        contract_services.COMMENT_THROTTLE_SCOPE,
    ]
    for scope in scopes:
        throttle_take(scope=scope, key="source", limit=5, window_seconds=900)
    ThrottleCounter.objects.update(window_started_at=timezone.now() - timedelta(hours=25))

    run = retention_enforce(now=timezone.now())

    assert not ThrottleCounter.objects.exists()
    assert run.counts[f"{LOGS}/sign-in-throttle"] == 1
    assert run.counts[f"{LOGS}/rate-limit"] == len(scopes) - 1


def test_signing_in_logs_the_event_with_the_address(editor: User) -> None:
    editor.set_password("pw")
    editor.save()
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.post("/konto/anmelden/", {"username": editor.username, "password": "wrong"})
    client.post("/konto/anmelden/", {"username": editor.username, "password": "pw"})
    client.post("/konto/anmelden/", {"username": "nobody", "password": "pw"})
    events = list(SignInEvent.objects.order_by("pk").values_list("user", "succeeded", "ip_address"))
    assert events == [(editor.pk, False, "203.0.113.5"), (editor.pk, True, "203.0.113.5")]


def test_the_run_is_counted_in_the_audit_trail_without_what_it_erased() -> None:
    _comment("Erika Mustermann", timedelta(days=400))
    run = retention_enforce(now=timezone.now())
    entry = AuditEntry.objects.for_record(run).get()
    assert entry.is_public
    assert entry.changes["counts"][1][f"{CONTRIBUTIONS}/contributor-name"] == 1
    assert "Erika" not in str(entry.changes)


def test_the_worker_runs_the_queued_task_and_queues_the_next_night(
    run_worker: Callable[[], None],
) -> None:
    comment = _comment("Erika", timedelta(days=400))
    enforce_retention.enqueue()
    run_worker()
    comment.refresh_from_db()
    assert comment.pseudonym == ""
    assert RetentionRun.objects.count() == 1
    assert DBTaskResult.objects.successful().count() == 1
    queued = DBTaskResult.objects.get(status="READY")
    assert queued.run_after == next_run(timezone.now())


def test_schedule_queues_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("retention", "schedule")
    call_command("retention", "schedule")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert "already queued" in capsys.readouterr().out


def test_the_command_runs_it_now(capsys: pytest.CaptureFixture[str]) -> None:
    _comment("Erika", timedelta(days=400))
    call_command("retention", "run")
    out = capsys.readouterr().out
    assert f"{CONTRIBUTIONS}/contributor-name: 1" in out
    assert "erased 1 in all" in out


def test_apps_ask_the_register_for_a_period_without_importing_it() -> None:
    period = retention_period(activity=OPEN_DATA, category="raw-uploads")
    assert period is not None and period.has_retention
    assert period.retention_text == category(OPEN_DATA, "raw-uploads").retention_text
    assert retention_period(activity=OPEN_DATA, category="raw-upload") is None
