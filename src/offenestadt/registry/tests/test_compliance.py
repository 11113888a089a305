"""The charter's rules over projects: met, violated and missing, one table per rule."""

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.tests.versions import with_values
from offenestadt.council.tests import factories as council
from offenestadt.participation.models import Phase as ParticipationPhase
from offenestadt.participation.models import PhaseKind, Procedure
from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    AccessChannel,
    Hosting,
    Phase,
    Project,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.opening_hours import WeeklyHours
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.training.tests.factories import SessionFactory


def _finding(project: Project, charter: CharterVersion, rule: str) -> tuple[Status, str]:
    (finding,) = [f for f in evaluate(project, charter) if f.rule == rule]
    return finding.status, finding.message.de


def test_every_principle_has_a_rule(charter: CharterVersion) -> None:
    findings = evaluate(ProjectFactory.create(), charter)
    assert {f.principle for f in findings} == {f"P{n}" for n in range(1, 8)}
    assert all(f.message.de and f.message.en and f.message.de != f.message.en for f in findings)


@pytest.mark.parametrize(
    ("declared", "status"),
    [(None, Status.MISSING), (False, Status.MET), (True, Status.MISSING)],
)
def test_p1_personal_data_must_be_declared(
    charter: CharterVersion, declared: bool | None, status: Status
) -> None:
    project = ProjectFactory.create(processes_personal_data=declared)
    assert _finding(project, charter, "personal-data-declared")[0] == status


@pytest.mark.parametrize(
    ("hosting", "safeguard", "status"),
    [
        (Hosting.CITY, "", Status.MET),
        (Hosting.EU_PROVIDER, "", Status.MET),
        (Hosting.THIRD_COUNTRY, "Angemessenheitsbeschluss", Status.MET),
        (Hosting.THIRD_COUNTRY, "", Status.VIOLATED),
        ("", "", Status.MISSING),
    ],
)
def test_p2_software_runs_under_city_control(
    charter: CharterVersion, hosting: str, safeguard: str, status: Status
) -> None:
    project = ProjectFactory.create()
    SoftwareComponent.objects.create(
        project=project, name="Plattform", hosting=hosting, third_country_safeguard=safeguard
    )
    assert _finding(project, charter, "operated-under-city-control")[0] == status


def test_p2_does_not_apply_without_software(charter: CharterVersion) -> None:
    status, _ = _finding(ProjectFactory.create(), charter, "operated-under-city-control")
    assert status == Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("public_days", "status"),
    [(None, Status.MISSING), (3, Status.MISSING), (28, Status.MET), (90, Status.MET)],
)
def test_p3_public_long_enough_before_the_decision(
    charter: CharterVersion, public_days: int | None, status: Status
) -> None:
    published = None if public_days is None else timezone.now() - timedelta(days=public_days)
    project = ProjectFactory.create(published_at=published)
    assert _finding(project, charter, "public-before-decision")[0] == status


def test_p3_a_decided_project_that_was_never_public_violates(charter: CharterVersion) -> None:
    project = ProjectFactory.create(published_at=None, status=ProjectStatus.IMPLEMENTATION)
    status, message = _finding(project, charter, "public-before-decision")
    assert status == Status.VIOLATED
    assert "28 Tage" in message


@pytest.mark.parametrize(
    ("costs", "status"),
    [([], Status.MISSING), (["25"], Status.VIOLATED), (["25", "0"], Status.MET)],
)
def test_p4_a_free_training_offer(
    charter: CharterVersion, costs: list[str], status: Status
) -> None:
    project = ProjectFactory.create()
    for cost in costs:
        SessionFactory.create(course__project=project, course__cost=Decimal(cost))
    assert _finding(project, charter, "free-training")[0] == status


def test_p4_plain_language_summary(charter: CharterVersion) -> None:
    assert _finding(ProjectFactory.create(), charter, "plain-language-summary")[0] == Status.MISSING
    easy = ProjectFactory.create(plain_language_summary="Das ist einfach.")
    assert _finding(easy, charter, "plain-language-summary")[0] == Status.MET


def _weekly(times: str, days: Iterable[int] = range(5)) -> list[dict[str, str]]:
    return WeeklyHours.same_on(days, times).as_json()


# An office open Monday to Friday 8 to 18 (50 hours a week), step-free, in Mitte; and its
# phone line Monday to Friday 8 to 16 (40 hours a week).
DESK: dict[str, Any] = {
    "kind": Channel.IN_PERSON,
    "place": "Bürgerbüro, Rathausplatz 1",
    "district": "Mitte",
    "step_free": True,
    "hours": _weekly("08:00–18:00"),
}
PHONE: dict[str, Any] = {"kind": Channel.PHONE, "place": "0234 000", "hours": _weekly("08–16")}
ONLINE: dict[str, Any] = {"kind": Channel.ONLINE, "place": "https://example.org"}
POST: dict[str, Any] = {"kind": Channel.POST, "place": "Postfach 1"}

# (before, after, status, what the finding must say)
P5_CASES = {
    "the same access, and online besides": (
        [DESK, PHONE],
        [DESK, PHONE, ONLINE],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "nur Mo 8–9 Uhr after Mo–Fr 8–18 Uhr": (
        [DESK],
        [DESK | {"hours": _weekly("08:00–09:00", days=[0])}],
        Status.VIOLATED,
        "Meldebescheinigung – Öffnungszeiten vor Ort: 50 h/Woche vorher, 1 h/Woche nachher",
    ),
    "fewer phone hours": (
        [DESK, PHONE],
        [DESK, PHONE | {"hours": _weekly("08:00–12:00")}],
        Status.VIOLATED,
        "Telefonzeiten: 40 h/Woche vorher, 20 h/Woche nachher",
    ),
    "half an hour less": (
        [DESK | {"hours": _weekly("08:00–12:30", days=[0])}],
        [DESK | {"hours": _weekly("08:00–12:00", days=[0])}],
        Status.VIOLATED,
        "4 h 30 min/Woche vorher, 4 h/Woche nachher",
    ),
    "the same hours on other days": (
        [DESK],
        [DESK | {"hours": _weekly("07:00–17:00", days=[1, 2, 3, 4, 5])}],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "longer opening hours": (
        [DESK],
        [DESK | {"hours": _weekly("08:00–20:00")}],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "no longer step-free": (
        [DESK],
        [DESK | {"step_free": False}],
        Status.VIOLATED,
        "stufenloser Zugang vor Ort: vorher ja, nachher nein",
    ),
    "moved to another district": (
        [DESK],
        [DESK | {"district": "Wattenscheid"}],
        Status.VIOLATED,
        "Stadtbezirk vor Ort: Mitte vorher, Wattenscheid nachher",
    ),
    "the same district, written differently": (
        [DESK],
        [DESK | {"district": " mitte "}],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "the phone line is dropped": (
        [DESK, PHONE],
        [DESK, ONLINE],
        Status.VIOLATED,
        "Meldebescheinigung – Zugangsweg „Telefon“ fällt weg",
    ),
    "losses are all named": (
        [DESK, PHONE, POST],
        [DESK | {"hours": _weekly("08:00–09:00", days=[0]), "step_free": False}, ONLINE],
        Status.VIOLATED,
        "50 h/Woche vorher, 1 h/Woche nachher; Meldebescheinigung – stufenloser Zugang vor "
        "Ort: vorher ja, nachher nein; Meldebescheinigung – Zugangsweg „Telefon“ fällt weg; "
        "Meldebescheinigung – Zugangsweg „Post“ fällt weg",
    ),
    "hours not entered after": (
        [DESK],
        [DESK | {"hours": [], "hours_note": "Mo 8–9 Uhr"}],
        Status.MISSING,
        "Meldebescheinigung – „persönlich“ nach dem Projekt: Öffnungszeiten",
    ),
    "phone hours not entered before": (
        [PHONE | {"hours": []}],
        [PHONE],
        Status.MISSING,
        "Meldebescheinigung – „Telefon“ vor dem Projekt: Telefonzeiten",
    ),
    "no district before": (
        [DESK | {"district": ""}],
        [DESK],
        Status.MISSING,
        "„persönlich“ vor dem Projekt: Stadtbezirk",
    ),
    "step-free access unknown": (
        [DESK | {"step_free": None}],
        [DESK | {"step_free": None}],
        Status.MISSING,
        "„persönlich“ vor dem Projekt: ob stufenlos erreichbar",
    ),
    "unknown before, step-free after": (
        [DESK | {"step_free": None}],
        [DESK],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "not step-free before": (
        [DESK | {"step_free": False}],
        [DESK | {"step_free": None}],
        Status.MET,
        "Kein nicht digitaler Zugangsweg fällt weg",
    ),
    "online only before, a letter after": ([ONLINE], [POST], Status.MET, ""),
    "nothing recorded after": (
        [DESK],
        [],
        Status.MISSING,
        "Tragen Sie die Zugangswege vor und nach dem Projekt ein für: Meldebescheinigung",
    ),
}


@pytest.mark.parametrize(("before", "after", "status", "says"), P5_CASES.values(), ids=P5_CASES)
def test_p5_analogue_access_does_not_get_worse(
    charter: CharterVersion,
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    status: Status,
    says: str,
) -> None:
    project = ProjectFactory.create()
    service = Service.objects.create(project=project, name="Meldebescheinigung")
    for phase, channels in ((Phase.BEFORE, before), (Phase.AFTER, after)):
        for fields in channels:
            channel = AccessChannel(service=service, phase=phase, **fields)
            channel.full_clean()
            channel.save()
    (finding,) = [f for f in evaluate(project, charter) if f.rule == "non-digital-channels-kept"]
    assert (finding.status, says in finding.message.de) == (status, True), finding.message.de


def test_p5_names_the_loss_in_figures_in_english_too(charter: CharterVersion) -> None:
    project = ProjectFactory.create()
    service = Service.objects.create(project=project, name="Meldebescheinigung")
    AccessChannel.objects.create(service=service, phase=Phase.BEFORE, **DESK)
    AccessChannel.objects.create(
        service=service,
        phase=Phase.AFTER,
        **DESK | {"hours": _weekly("08:00–09:00", days=[0])},
    )
    (finding,) = [f for f in evaluate(project, charter) if f.rule == "non-digital-channels-kept"]
    assert finding.status == Status.VIOLATED
    assert "50 h/" in finding.message.en
    assert "1 h/" in finding.message.en


@pytest.mark.parametrize(
    ("licence", "repository", "funded", "status"),
    [
        ("EUPL-1.2", "https://example.org/code", True, Status.MET),
        ("MIT OR Apache-2.0", "https://example.org/code", True, Status.MET),
        ("CC-BY-4.0", "https://example.org/code", True, Status.VIOLATED),
        ("EUPL-1.2", "", True, Status.VIOLATED),
        ("", "https://example.org/code", True, Status.MISSING),
        ("", "", False, Status.NOT_APPLICABLE),
    ],
)
def test_p7_public_money_public_code(
    charter: CharterVersion, licence: str, repository: str, funded: bool, status: Status
) -> None:
    project = ProjectFactory.create()
    SoftwareComponent.objects.create(
        project=project,
        name="Fachverfahren",
        licence=licence,
        repository_url=repository,
        publicly_funded=funded,
    )
    assert _finding(project, charter, "open-source-licence")[0] == status


def test_a_rule_the_charter_switches_off_does_not_apply(charter: CharterVersion) -> None:
    relaxed = with_values(charter, free_training_required=False)
    assert _finding(ProjectFactory.create(), relaxed, "free-training")[0] == Status.NOT_APPLICABLE


def test_p1_personal_data_needs_an_entry_in_the_register(charter: CharterVersion) -> None:
    project = ProjectFactory.create(processes_personal_data=True)
    assert _finding(project, charter, "personal-data-declared")[0] == Status.MISSING
    activity = ProcessingActivity.objects.create(
        title="Terminvergabe", slug="terminvergabe", published_at=timezone.now()
    )
    activity.projects.add(project)
    status, message = _finding(project, charter, "personal-data-declared")
    assert (status, "Terminvergabe" in message) == (Status.MET, True)


@pytest.mark.parametrize(
    ("procedure", "report", "project_status", "status", "message"),
    [
        (None, False, ProjectStatus.PLANNING, Status.MISSING, "braucht das Projekt"),
        ("running", False, ProjectStatus.CONSULTATION, Status.MISSING, "nicht abgeschlossen"),
        ("finished", False, ProjectStatus.DECISION, Status.VIOLATED, "Ergebnisbericht"),
        (None, False, ProjectStatus.OPERATION, Status.VIOLATED, "braucht das Projekt"),
        ("finished", True, ProjectStatus.CONSULTATION, Status.MET, "Bürgerwerkstatt"),
        # A report alone is not enough: the procedure's last phase must be over.
        ("running", True, ProjectStatus.CONSULTATION, Status.MISSING, "nicht abgeschlossen"),
        ("running", True, ProjectStatus.DECISION, Status.VIOLATED, "nicht abgeschlossen"),
        ("without phases", True, ProjectStatus.CONSULTATION, Status.MISSING, "abgeschlossen"),
        # Nor does a procedure nobody can see.
        ("draft", True, ProjectStatus.CONSULTATION, Status.MISSING, "braucht das Projekt"),
    ],
)
def test_p3_a_finished_procedure_with_a_result_report_before_the_decision(
    charter: CharterVersion,
    procedure: str | None,
    report: bool,
    project_status: ProjectStatus,
    status: Status,
    message: str,
) -> None:
    project = ProjectFactory.create(status=project_status)
    if procedure:
        now = timezone.now()
        record = Procedure.objects.create(
            title="Bürgerwerkstatt",
            slug="buergerwerkstatt",
            summary="Wo soll es WLAN geben?",
            published_at=None if procedure == "draft" else now,
            result_report_published_at=now if report else None,
        )
        record.projects.add(project)
        today = timezone.localdate()
        last_day = (
            today + timedelta(days=5) if procedure == "running" else today - timedelta(days=1)
        )
        if procedure != "without phases":
            ParticipationPhase.objects.create(
                procedure=record,
                kind=PhaseKind.INFORMATION,
                starts_on=today - timedelta(days=30),
                ends_on=today - timedelta(days=20),
            )
            ParticipationPhase.objects.create(
                procedure=record,
                kind=PhaseKind.CONSULTATION,
                starts_on=today - timedelta(days=19),
                ends_on=last_day,
            )
    found, said = _finding(project, charter, "participation-before-decision")
    assert found == status
    assert message in said


def test_p3_the_procedure_ending_makes_the_project_ready(charter: CharterVersion) -> None:
    project = ProjectFactory.create(status=ProjectStatus.CONSULTATION)
    today = timezone.localdate()
    record = Procedure.objects.create(
        title="Bürgerwerkstatt",
        slug="buergerwerkstatt",
        summary="Wo?",
        published_at=timezone.now(),
        result_report_published_at=timezone.now(),
    )
    record.projects.add(project)
    # Its last day is today: still running.
    ParticipationPhase.objects.create(
        procedure=record, kind=PhaseKind.EVALUATION, starts_on=today, ends_on=today
    )
    assert _finding(project, charter, "participation-before-decision")[0] == Status.MISSING
    ParticipationPhase.objects.filter(procedure=record).update(
        starts_on=today - timedelta(days=1), ends_on=today - timedelta(days=1)
    )
    assert _finding(project, charter, "participation-before-decision")[0] == Status.MET


def test_p3_counts_to_the_meeting_of_a_linked_council_paper(charter: CharterVersion) -> None:
    project = ProjectFactory.create(published_at=timezone.now())
    today = timezone.localdate()
    city = council.body()
    paper = council.paper(city)
    consultation = council.consult(paper, council.meeting(city, today + timedelta(days=10)))
    project.council_papers.set([paper])

    status, message = _finding(project, charter, "public-before-decision")
    assert status == Status.VIOLATED
    assert "nur 10 Tage öffentlich" in message and "28 Tage" in message

    consultation.meeting = council.meeting(city, today + timedelta(days=30))
    consultation.save()
    status, message = _finding(project, charter, "public-before-decision")
    assert status == Status.MET
    assert "30 Tage öffentlich" in message
