"""Gates: decision, implementation and operation wait for the charter, or a public council vote."""

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.demo import load_demo as load_demo_charter
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.participation.models import Phase as ParticipationPhase
from offenestadt.participation.models import PhaseKind, Procedure
from offenestadt.registry import services
from offenestadt.registry.models import (
    CouncilOverride,
    Project,
    ProjectEvaluation,
    ProjectStatus,
)
from offenestadt.registry.tests.factories import project_in_consultation
from offenestadt.training.tests.factories import saved_course

ClientFor = Callable[[User | None], Client]
DECISION = services.CouncilDecision(
    reference="Ratsbeschluss 2026/0042",
    decided_on=date(2026, 11, 20),
    justification="Dringlich wegen Förderfrist; Schulung folgt im Frühjahr.",
)


@pytest.fixture
def project(editor: User, office: Office) -> Project:
    return project_in_consultation(editor=editor, office=office)


def _prepare(project: Project, editor: User) -> None:
    """Everything the charter asks of this project before its decision."""
    Project.objects.filter(pk=project.pk).update(published_at=timezone.now() - timedelta(days=40))
    project.refresh_from_db()
    services.project_update(
        actor=editor,
        project=project,
        title=project.title,
        summary=project.summary,
        plain_language_summary="Die Stadt zeigt freie Parkplätze an.",
        processes_personal_data=False,
    )
    services.linked_record_save(
        actor=editor,
        record=Procedure(
            title="Bürgerwerkstatt",
            slug="buergerwerkstatt",
            summary="Wo soll es WLAN geben?",
            published_at=timezone.now(),
            result_report_published_at=timezone.now(),
        ),
        projects=[project],
    )
    # The consultation ended yesterday: the procedure is finished.
    ParticipationPhase.objects.create(
        procedure=Procedure.objects.get(slug="buergerwerkstatt"),
        kind=PhaseKind.CONSULTATION,
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    saved_course(project, editor)


def test_the_gate_refuses_and_names_what_to_fix(project: Project, editor: User) -> None:
    with pytest.raises(GateRefusedError) as refusal:
        services.project_transition(actor=editor, project=project, to=ProjectStatus.DECISION)
    assert {(f.principle, f.rule) for f in refusal.value.findings} == {
        ("P1", "personal-data-declared"),
        ("P3", "public-before-decision"),
        ("P3", "participation-before-decision"),
        ("P4", "free-training"),
        ("P4", "plain-language-summary"),
    }
    project.refresh_from_db()
    assert project.status == ProjectStatus.CONSULTATION


def test_the_gate_opens_once_the_findings_are_fixed(project: Project, editor: User) -> None:
    _prepare(project, editor)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.DECISION)
    project.refresh_from_db()
    assert project.status == ProjectStatus.DECISION
    assert not CouncilOverride.objects.exists()


def test_a_council_decision_passes_the_gate_in_public(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    services.project_transition(
        actor=editor, project=project, to=ProjectStatus.DECISION, council_decision=DECISION
    )
    override = CouncilOverride.objects.get()
    assert override.decision_reference == "Ratsbeschluss 2026/0042"
    assert {f["rule"] for f in override.overridden_findings} >= {"free-training"}
    (entry,) = AuditEntry.objects.for_record(override)
    assert entry.is_public
    page = client_for(None).get(project.get_absolute_url()).content.decode()
    assert "Ratsbeschluss 2026/0042" in page
    assert "Dringlich wegen Förderfrist" in page


def test_an_advisory_principle_does_not_hold_a_project_back(project: Project, editor: User) -> None:
    _prepare(project, editor)
    services.project_update(
        actor=editor,
        project=project,
        title=project.title,
        summary=project.summary,
        plain_language_summary="",
        processes_personal_data=False,
    )
    version = CharterVersion.objects.in_force()
    assert version is not None
    for principle in version.content["principles"]:
        principle["gate"] = principle["id"] != "P4"
    version.save()
    services.project_transition(actor=editor, project=project, to=ProjectStatus.DECISION)
    assert project.status == ProjectStatus.DECISION


def test_the_lifecycle_moves_one_step_at_a_time(project: Project, editor: User) -> None:
    with pytest.raises(ValidationError, match="Von „Beteiligung“ geht es nur weiter nach"):
        services.project_transition(actor=editor, project=project, to=ProjectStatus.OPERATION)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.ENDED)
    assert project.next_statuses() == []


def test_the_page_shows_the_refusal_and_accepts_a_council_decision(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    client = client_for(editor)
    url = f"/projekte/{project.slug}/stand/"
    refused = client.post(url, {"to": "decision"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Der Übergang ist nach der Charta noch nicht erlaubt" in page
    assert "Bieten Sie eine kostenlose Schulung mit Terminen" in page

    incomplete = client.post(url, {"to": "decision", "decision_reference": "RB 1"})
    assert incomplete.status_code == 400
    assert "braucht es Aktenzeichen, Datum und Begründung" in incomplete.content.decode()

    passed = client.post(
        url,
        {
            "to": "decision",
            "decision_reference": DECISION.reference,
            "decided_on": DECISION.decided_on.isoformat(),
            "justification": DECISION.justification,
            "bestaetigt": "1",
        },
    )
    assert passed.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DECISION


def test_evaluations_are_kept_when_findings_change(project: Project, editor: User) -> None:
    before = ProjectEvaluation.objects.filter(project=project).count()
    # The same state again: no new evaluation.
    services.project_evaluate(project=project)
    assert ProjectEvaluation.objects.filter(project=project).count() == before
    _prepare(project, editor)
    evaluations = list(ProjectEvaluation.objects.filter(project=project))
    assert len(evaluations) > before
    assert [e.is_current for e in evaluations].count(True) == 1
    assert evaluations[0].charter_version.number == 2


def test_the_history_page_and_the_overview(
    project: Project, editor: User, client_for: ClientFor
) -> None:
    _prepare(project, editor)
    history = client_for(None).get(f"/projekte/{project.slug}/pruefungen/").content.decode()
    assert (
        history.count("Geprüft nach Charta-Version 2")
        == ProjectEvaluation.objects.filter(project=project).count()
    )
    overview = client_for(None).get("/projekte/uebersicht/").content.decode()
    assert "1 veröffentlichtes Projekt" in overview
    assert "?prinzip=P4&amp;befund=met" in overview
    filtered = client_for(None).get("/projekte/?prinzip=P4&befund=met").content.decode()
    assert "Digitale Parkplatzsuche" in filtered
    none = client_for(None).get("/projekte/?prinzip=P4&befund=violated").content.decode()
    assert "Digitale Parkplatzsuche" not in none


def test_the_daily_evaluation_notices_time_passing(project: Project, editor: User) -> None:
    _prepare(project, editor)
    current = ProjectEvaluation.objects.get(project=project, is_current=True)
    p3 = next(f for f in current.findings if f["rule"] == "public-before-decision")
    assert p3["status"] == "met"
    # Published only yesterday after all: the nightly run brings the finding up to date.
    Project.objects.filter(pk=project.pk).update(published_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("evaluate_projects", stdout=out)
    assert "Projekte geprüft: 1, davon mit neuen Befunden: 1." in out.getvalue()
    current = ProjectEvaluation.objects.get(project=project, is_current=True)
    p3 = next(f for f in current.findings if f["rule"] == "public-before-decision")
    assert p3["status"] == "missing"
    call_command("evaluate_projects", stdout=out)
    assert "Projekte geprüft: 1, davon mit neuen Befunden: 0." in out.getvalue()


def test_the_public_history_of_findings_starts_at_publication(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    load_demo_charter()
    project = services.project_create(
        actor=editor, office=office, title="Stilles Projekt", summary="Noch intern."
    )
    saved_course(project, editor, days=None)
    drafts = ProjectEvaluation.objects.filter(project=project).count()
    services.project_publish(actor=editor, project=project)
    total = ProjectEvaluation.objects.filter(project=project).count()
    path = f"/projekte/{project.slug}/pruefungen/"
    public = client_for(None).get(path).content.decode()
    staff = client_for(editor).get(path).content.decode()
    assert public.count("Geprüft nach Charta-Version") == total - drafts == 1
    assert staff.count("Geprüft nach Charta-Version") == total
    api = client_for(None).get(f"/api/v1/projects/{project.slug}/evaluations").json()
    assert len(api) == 1
