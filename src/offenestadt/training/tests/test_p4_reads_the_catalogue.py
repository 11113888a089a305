"""The charter's rule on free training (P4) reads the training catalogue: a project has a
free course with places; where it changes a service, with a session before the day the
change takes effect (in the city's time zone). A change to a course or a session judges its
projects again; the old training offers of projects became courses."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import formats, timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.tests.versions import with_values
from offenestadt.registry import services as registry
from offenestadt.registry.models import Project, Service
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.training.models import Course, Session
from offenestadt.training.tests.factories import CourseFactory, SessionFactory, saved_course

ClientFor = Callable[[User | None], Client]
CITY = ZoneInfo(settings.TIME_ZONE)


def _p4(project: Project, charter: CharterVersion) -> tuple[Status, str, str]:
    (finding,) = [f for f in evaluate(project, charter) if f.rule == "free-training"]
    return finding.status, finding.message.de, finding.fix_url


def _in_city(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CITY)


def _changing(project: Project, changes_on: date | None, name: str = "Anwohnerparken") -> Service:
    return Service.objects.create(project=project, name=name, changes_on=changes_on)


@pytest.mark.django_db
def test_without_a_course_evidence_is_missing_and_the_fix_opens_the_course_form(
    charter: CharterVersion,
) -> None:
    project = ProjectFactory.create()
    status, message, fix = _p4(project, charter)
    assert status == Status.MISSING
    assert "kostenlose Schulung mit Terminen" in message
    assert fix == f"/schulungen/neu/?projekt={project.slug}"


@pytest.mark.django_db
def test_a_course_that_costs_money_violates_p4(charter: CharterVersion) -> None:
    project = ProjectFactory.create()
    course = SessionFactory.create(course__project=project, course__cost=Decimal(25)).course
    status, message, fix = _p4(project, charter)
    assert status == Status.VIOLATED
    assert "Keine Schulung zum Projekt ist kostenlos" in message
    assert fix == f"/schulungen/kurs/{course.pk}/bearbeiten/#id_cost"


@pytest.mark.django_db
def test_a_free_course_needs_a_session_with_places(charter: CharterVersion) -> None:
    project = ProjectFactory.create()
    course = CourseFactory.create(project=project)
    status, _, fix = _p4(project, charter)
    assert (status, fix) == (Status.MISSING, f"/schulungen/kurs/{course.pk}/neuer-termin/")
    SessionFactory.create(course=course)
    status, message, _ = _p4(project, charter)
    assert status == Status.MET
    assert course.title in message


@pytest.mark.django_db
def test_a_service_without_the_day_of_its_change_is_missing_that_day(
    charter: CharterVersion,
) -> None:
    project = ProjectFactory.create()
    service = _changing(project, None)
    SessionFactory.create(course__project=project)
    status, message, fix = _p4(project, charter)
    assert status == Status.MISSING
    assert "Tragen Sie ein, ab wann die Dienstleistung umgestellt wird: Anwohnerparken" in message
    assert fix == f"/projekte/{project.slug}/dienstleistung/{service.pk}/aendern/#id_changes_on"


@pytest.mark.django_db
def test_only_sessions_before_the_change_count_in_the_city_time_zone(
    charter: CharterVersion,
) -> None:
    change = timezone.localdate() + timedelta(days=30)
    project = ProjectFactory.create()
    _changing(project, change)
    course = CourseFactory.create(project=project)
    # Half past midnight in the city on the day of the change: still the evening before
    # in UTC, but too late.
    session = SessionFactory.create(course=course, starts_at=_in_city(change, 0, 30))
    status, message, fix = _p4(project, charter)
    assert status == Status.MISSING
    assert f"Anwohnerparken – vor dem {formats.date_format(change, 'DATE_FORMAT')}" in message
    assert fix == f"/schulungen/kurs/{course.pk}/neuer-termin/"
    en = next(f for f in evaluate(project, charter) if f.rule == "free-training").message.en
    assert "Anwohnerparken" in en
    assert en != message

    session.starts_at = _in_city(change - timedelta(days=1), 23, 30)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    assert _p4(project, charter)[0] == Status.MET


@pytest.mark.django_db
def test_each_changed_service_needs_training_before_its_own_day(charter: CharterVersion) -> None:
    today = timezone.localdate()
    project = ProjectFactory.create()
    _changing(project, today + timedelta(days=30), "Anwohnerparken")
    _changing(project, today + timedelta(days=5), "Bewohnerausweis")
    SessionFactory.create(
        course__project=project, starts_at=_in_city(today, 12) + timedelta(days=10)
    )
    status, message, _ = _p4(project, charter)
    assert status == Status.MISSING
    assert "Bewohnerausweis" in message
    assert "Anwohnerparken" not in message


@pytest.mark.django_db
def test_a_change_in_effect_without_training_before_it_is_a_violation(
    charter: CharterVersion,
) -> None:
    project = ProjectFactory.create()
    _changing(project, timezone.localdate() - timedelta(days=1))
    SessionFactory.create(course__project=project)
    assert _p4(project, charter)[0] == Status.VIOLATED


@pytest.mark.django_db
def test_a_charter_that_does_not_ask_for_training_makes_p4_not_applicable(
    charter: CharterVersion,
) -> None:
    relaxed = with_values(charter, free_training_required=False)
    assert _p4(ProjectFactory.create(), relaxed)[0] == Status.NOT_APPLICABLE


def _stored_p4(project: Project) -> str:
    findings = project.evaluations.get(is_current=True).findings
    return str(next(f["status"] for f in findings if f["rule"] == "free-training"))


def test_editing_a_session_date_judges_the_project_again(
    charter: CharterVersion, editor: User, office: Office, client_for: ClientFor
) -> None:
    project = registry.project_create(actor=editor, office=office, title="Parken", summary="App")
    change = timezone.localdate() + timedelta(days=20)
    registry.project_part_save(
        actor=editor, part=Service(project=project, name="Anwohnerparken", changes_on=change)
    )
    assert _stored_p4(project) == "missing"
    course = saved_course(project, editor, days=7)
    assert _stored_p4(project) == "met"

    session = course.sessions.get()
    later = timezone.localtime() + timedelta(days=40)
    response = client_for(editor).post(
        f"/schulungen/termin/{session.pk}/bearbeiten/",
        {
            "starts_at": later.strftime("%Y-%m-%dT10:00"),
            "ends_at": later.strftime("%Y-%m-%dT12:00"),
            "place": session.place,
            "district": "",
            "capacity": "10",
        },
    )
    assert response.status_code == 302
    assert _stored_p4(project) == "missing"

    # A session called off offers no places: cancelling the only one before the day counts.
    early = saved_course(project, editor, days=3).sessions.get()
    assert _stored_p4(project) == "met"
    response = client_for(editor).post(f"/schulungen/termin/{early.pk}/absagen/")
    assert response.status_code == 302
    assert Session.objects.get(pk=early.pk).is_cancelled
    assert _stored_p4(project) == "missing"

    # The course moves to another project: both are judged again.
    other = registry.project_create(actor=editor, office=office, title="Andere", summary="B")
    data = {
        "office": str(office.pk),
        "title": course.title,
        "description": course.description,
        "provider": course.provider,
        "language": "Deutsch",
        "cost": "0",
        "project": str(other.pk),
    }
    response = client_for(editor).post(f"/schulungen/kurs/{course.pk}/bearbeiten/", data)
    assert response.status_code == 302
    assert _stored_p4(other) == "met"
    # Without a course, a project that changes a service lacks its training again.
    assert _stored_p4(project) == "missing"


@pytest.mark.django_db
def test_the_course_form_takes_the_project_from_the_address_only_where_allowed(
    editor: User, office: Office, other_office: Office, client_for: ClientFor
) -> None:
    mine = ProjectFactory.create(office=office, slug="mein-projekt")
    theirs = ProjectFactory.create(office=other_office, slug="fremdes-projekt")
    client = client_for(editor)

    page = client.get("/schulungen/neu/?projekt=mein-projekt").content.decode()
    assert f'<option value="{mine.pk}" selected>' in page
    assert f'<option value="{office.pk}" selected>' in page
    for slug in ("fremdes-projekt", "gibt-es-nicht", "x%27%3B--"):
        response = client.get(f"/schulungen/neu/?projekt={slug}")
        assert response.status_code == 200
        select = response.content.decode().split('name="project"')[1].split("</select>")[0]
        assert '<option value="" selected>' in select
        assert f'value="{theirs.pk}"' not in select


@pytest.mark.django_db
def test_the_project_page_lists_its_courses_with_their_next_sessions(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    course = CourseFactory.create(project=project, title="Die Parkplatz-App kennenlernen")
    past = SessionFactory.create(course=course, starts_at=timezone.now() - timedelta(days=3))
    coming = SessionFactory.create(course=course, capacity=12, place="Stadtbücherei")
    page = client_for(None).get(project.get_absolute_url()).content.decode()
    section = page[page.index('id="schulungen"') :]
    assert f'href="/schulungen/kurs/{course.pk}/"' in section
    assert f'href="/schulungen/termin/{coming.pk}/"' in section
    assert f'href="/schulungen/termin/{past.pk}/"' not in section
    assert "12 von 12 Plätzen frei" in section
    assert "Kurs anlegen" not in section
    staff = client_for(editor).get(project.get_absolute_url()).content.decode()
    assert f'href="/schulungen/neu/?projekt={project.slug}">Kurs anlegen' in staff


def test_the_migration_turns_each_old_training_offer_into_a_course(
    transactional_db: None,
) -> None:
    before = [("registry", "0012_service_point_closed_on"), ("training", "0002_notices")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    office = old.get_model("accounts", "Office").objects.create(slug="amt-alt", name="Amt")
    project = old.get_model("registry", "Project").objects.create(
        slug="alt", title="Altes Projekt", summary="Vor dem Katalog.", office=office
    )
    old.get_model("registry", "TrainingOffer").objects.create(
        project=project,
        title="Handy-Kurs",
        provider="VHS",
        dates="jeden Montag 10–12 Uhr",
        place="Stadtbücherei, Raum 2",
        accessibility="Induktionsschleife",
        cost=Decimal("5.00"),
        register_by_phone="0234 000111",
        register_online="https://example.org/anmeldung",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    course = Course.objects.get()
    assert (course.title, course.provider, course.cost) == ("Handy-Kurs", "VHS", Decimal("5.00"))
    assert (course.project_id, course.office_id) == (project.pk, office.pk)
    assert course.accessibility == "Induktionsschleife"
    assert course.description == (
        "Termine: jeden Montag 10–12 Uhr\n"
        "Ort: Stadtbücherei, Raum 2\n"
        "Anmeldung per Telefon: 0234 000111\n"
        "Anmeldung online: https://example.org/anmeldung"
    )
    assert not Session.objects.exists()
    # The trail says the offer went and the course came, in an unbroken chain.
    moved = ["registry.trainingoffer", "training.course"]
    entries = list(AuditEntry.objects.filter(object_type__in=moved).order_by("seq"))
    assert [(e.object_type, e.action, e.event) for e in entries] == [
        ("registry.trainingoffer", "delete", "deleted"),
        ("training.course", "create", "recorded"),
    ]
    report = verify_chain()
    assert report.broken_seq is None
    assert not any("training.course" in problem for problem in report.problems)
