"""The dates a procedure's gates read cannot be rewritten after the fact: once public, its
phases and meetings move only later, or earlier with a public reason but never before
today, and a phase that has begun is never shortened or removed (core.gate_dates)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry, AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.participation.procedures import services
from offenestadt.participation.procedures.models import Meeting, Phase, PhaseKind, Procedure
from offenestadt.participation.procedures.tests.procedure_setup import consultation

ClientFor = Callable[[User | None], Client]


def _today_plus(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _phase(procedure: Procedure, kind: PhaseKind) -> Phase:
    return procedure.phases.get(kind=kind)


def _edit_phase(client: Client, phase: Phase, **changes: str) -> tuple[int, str]:
    data = {
        "kind": phase.kind,
        "starts_on": phase.starts_on.isoformat(),
        "ends_on": phase.ends_on.isoformat(),
        "description": phase.description,
    } | changes
    response = client.post(f"/beteiligung/{phase.procedure.slug}/phasen/{phase.pk}/aendern/", data)
    return response.status_code, response.content.decode()


def _vote_phase(editor: User, procedure: Procedure, start: int, end: int) -> Phase:
    """A vote planned after the consultation, added to the published procedure."""
    today = timezone.localdate()
    return services.phase_save(
        actor=editor,
        phase=Phase(
            procedure=procedure,
            kind=PhaseKind.VOTE,
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end),
        ),
    )


def test_a_published_procedures_phases_cannot_be_moved_into_the_past(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    running = _phase(procedure, PhaseKind.CONSULTATION)
    status, page = _edit_phase(
        client_for(editor), running, starts_on=_today_plus(-40), ends_on=_today_plus(-30)
    )
    assert status == 400
    assert "kann nicht mehr verschoben werden" in page
    assert "nur verlängert werden, nicht verkürzt" in page
    stored = Phase.objects.get(pk=running.pk)
    assert (stored.starts_on, stored.ends_on) == (running.starts_on, running.ends_on)
    # The procedure has not ended, for every gate that asks.
    assert Procedure.objects.get(pk=procedure.pk).ends_on == running.ends_on


def test_a_started_phase_cannot_be_shortened_into_the_past_or_at_all(editor: User) -> None:
    procedure = consultation(editor)
    running = _phase(procedure, PhaseKind.CONSULTATION)
    for ends_on in (timezone.localdate() - timedelta(days=1), running.ends_on - timedelta(days=3)):
        running.ends_on = ends_on
        with pytest.raises(ValidationError, match="nicht verkürzt"):
            services.phase_save(actor=editor, phase=running)
    running.refresh_from_db()
    running.starts_on += timedelta(days=1)
    with pytest.raises(ValidationError, match="erreicht"):
        services.phase_save(actor=editor, phase=running)
    # A phase that is over is history: its dates stay.
    finished = _phase(procedure, PhaseKind.INFORMATION)
    finished.starts_on -= timedelta(days=5)
    with pytest.raises(ValidationError, match="erreicht"):
        services.phase_save(actor=editor, phase=finished)


def test_a_phase_can_be_postponed_or_extended(editor: User) -> None:
    procedure = consultation(editor)
    running = _phase(procedure, PhaseKind.CONSULTATION)
    running.ends_on += timedelta(days=7)
    services.phase_save(actor=editor, phase=running)
    vote = _vote_phase(editor, procedure, 30, 40)
    vote.starts_on += timedelta(days=5)
    vote.ends_on += timedelta(days=5)
    services.phase_save(actor=editor, phase=vote)
    vote.refresh_from_db()
    assert vote.starts_on == timezone.localdate() + timedelta(days=35)
    entry = AuditEntry.objects.for_record(vote).order_by("-seq").first()
    assert entry is not None and entry.is_public
    assert entry.changes["starts_on"] == [_today_plus(30), _today_plus(35)]


def test_a_planned_phase_comes_earlier_only_with_a_public_reason_and_never_before_today(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    vote = _vote_phase(editor, procedure, 30, 40)
    client = client_for(editor)
    status, page = _edit_phase(client, vote, starts_on=_today_plus(20))
    assert status == 400 and "nennen Sie dafür einen öffentlichen Grund" in page
    # Not before today, whatever the reason (here: after the consultation ended).
    ended = consultation(editor, slug="vorbei", days=(-9, -1), information_days=None)
    planned = _vote_phase(editor, ended, 30, 40)
    status, page = _edit_phase(
        client,
        planned,
        starts_on=_today_plus(-30),
        ends_on=_today_plus(-20),
        date_change_reason="Der Rat tagt früher.",
    )
    assert status == 400 and "darf nicht vor heute liegen" in page
    assert Phase.objects.get(pk=planned.pk).starts_on == planned.starts_on
    reason = "Der Rat tagt zwei Wochen früher; die Abstimmung muss vorher enden."
    status, _page = _edit_phase(
        client,
        vote,
        starts_on=_today_plus(20),
        ends_on=_today_plus(26),
        date_change_reason=reason,
    )
    assert status == 302
    vote.refresh_from_db()
    assert (vote.starts_on.isoformat(), vote.date_change_reason) == (_today_plus(20), reason)
    # The reason is public: on the procedure's page and in its history, for everyone.
    page = client_for(None).get(procedure.get_absolute_url()).content.decode()
    assert reason in page
    history = page.split('id="history-heading"', 1)[1]
    assert reason in history and _today_plus(20) in history
    # The same reason does not bring it forward a second time.
    vote.starts_on -= timedelta(days=2)
    with pytest.raises(ValidationError, match="öffentlichen Grund"):
        services.phase_save(actor=editor, phase=vote)


def test_a_phase_nobody_could_see_does_not_count(editor: User) -> None:
    unpublished = consultation(editor, publish=False)
    with pytest.raises(ValidationError, match="schon begonnen"):
        services.procedure_publish(actor=editor, procedure=unpublished)
    assert Procedure.objects.get(pk=unpublished.pk).published_at is None
    procedure = consultation(editor, slug="veroeffentlicht")
    with pytest.raises(ValidationError, match="nicht vor heute"):
        _vote_phase(editor, procedure, -20, -15)


def test_a_begun_phase_stays_and_no_removal_ends_the_procedure(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    running = _phase(procedure, PhaseKind.CONSULTATION)
    response = client_for(editor).post(
        f"/beteiligung/{procedure.slug}/phasen/{running.pk}/entfernen/"
    )
    assert response.status_code == 409
    assert "nicht gelöscht" in response.content.decode()
    assert Phase.objects.filter(pk=running.pk).exists()
    # With only the finished phase left, a planned one cannot go either.
    ended = consultation(editor, slug="vorbei", days=(-9, -1), information_days=None)
    vote = _vote_phase(editor, ended, 5, 10)
    with pytest.raises(ValidationError, match="schon beendet"):
        services.phase_delete(actor=editor, phase=vote)
    # A planned phase of a procedure that runs on anyway may be removed.
    extra = _vote_phase(editor, procedure, 30, 40)
    services.phase_delete(actor=editor, phase=extra)


def test_a_draft_procedures_phases_are_free(editor: User) -> None:
    draft = consultation(editor, publish=False)
    phase = _phase(draft, PhaseKind.CONSULTATION)
    phase.starts_on -= timedelta(days=30)
    phase.ends_on = timezone.localdate() - timedelta(days=20)
    services.phase_save(actor=editor, phase=phase)


def test_the_result_reports_date_is_never_backdated(editor: User) -> None:
    procedure = consultation(editor, days=(-9, -1), information_days=None)
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Bericht.")
    procedure.refresh_from_db()
    assert procedure.result_report_published_at is not None
    procedure.result_report_published_at -= timedelta(days=60)
    with pytest.raises(ValidationError, match="nicht zurückdatiert"):
        save_record(record=procedure, actor=editor, event=AuditEvent.CHANGED)
    procedure.refresh_from_db()
    procedure.published_at = timezone.now() - timedelta(days=90)
    with pytest.raises(ValidationError, match="nicht zurückdatiert"):
        save_record(record=procedure, actor=editor, event=AuditEvent.CHANGED)


def _meeting(procedure: Procedure, days: int) -> Meeting:
    return Meeting(
        procedure=procedure,
        title="Infoabend",
        starts_at=timezone.now() + timedelta(days=days),
        place="Rathaus",
        accessibility="Stufenlos.",
    )


def test_an_announced_meeting_comes_earlier_only_with_a_reason_and_stays_once_held(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    with pytest.raises(ValidationError, match="nicht vor heute"):
        services.meeting_save(actor=editor, meeting=_meeting(procedure, -3))
    meeting = services.meeting_save(actor=editor, meeting=_meeting(procedure, 10))
    meeting.starts_at -= timedelta(days=3)
    with pytest.raises(ValidationError, match="öffentlichen Grund"):
        services.meeting_save(actor=editor, meeting=meeting)
    meeting.date_change_reason = "Der Saal ist nur am Montag frei."
    services.meeting_save(actor=editor, meeting=meeting)
    page = client_for(None).get(f"/beteiligung/{procedure.slug}/veranstaltungen/{meeting.pk}/")
    assert "Der Saal ist nur am Montag frei." in page.content.decode()
    # Once held, a meeting is history.
    held = _meeting(procedure, -1)
    held.save()
    held.starts_at -= timedelta(days=1)
    with pytest.raises(ValidationError, match="erreicht"):
        services.meeting_save(actor=editor, meeting=held)


def test_a_refused_date_change_names_the_date_as_readers_write_it(
    editor: User, client_for: ClientFor
) -> None:
    """A German page says "bisher 19.10.2026", not the database's "2026-10-19"."""
    procedure = consultation(editor)
    running = _phase(procedure, PhaseKind.CONSULTATION)
    status, page = _edit_phase(
        client_for(editor), running, ends_on=(running.ends_on - timedelta(days=1)).isoformat()
    )
    assert status == 400
    assert f"(bisher {running.ends_on:%d.%m.%Y})" in page
    assert f"(bisher {running.ends_on.isoformat()})" not in page
