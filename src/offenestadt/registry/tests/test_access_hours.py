"""Opening and phone hours are entered per weekday, checked with a clear message, shown to
readers and given out by the API; the free text of old records is kept as a note."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Status
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.registry import services
from offenestadt.registry.models import AccessChannel, Project
from offenestadt.registry.opening_hours import Interval, WeeklyHours, parse_day
from offenestadt.registry.tests.factories import (
    ProjectFactory,
    channel_rows,
    channels_base,
    saved_service,
)

ClientFor = Callable[[User | None], Client]

CHANNEL = {
    "phase": "before",
    "kind": "in_person",
    "place": "Bürgerbüro, Rathausplatz 1",
    "district": "Mitte",
    "step_free": "true",
    "hours_note": "",
    "accessibility": "",
}
CLOSED = {f"hours_{day}": "" for day in ("saturday", "sunday")}
MONDAY_TO_FRIDAY = {
    f"hours_{day}": "08:00–12:00, 13:00–18:00"
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


# --- reading what editors type --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "intervals"),
    [
        ("", []),
        ("08:00–12:00", [(480, 720)]),
        ("8-12", [(480, 720)]),
        ("8 bis 12 Uhr", [(480, 720)]),
        ("8.30 – 12.00 Uhr", [(510, 720)]),
        ("13:00–18:00, 08:00–12:00", [(480, 720), (780, 1080)]),
        ("08:00–12:00 und 13:00–18:00", [(480, 720), (780, 1080)]),
        ("08:00–12:00; 12:00–14:00", [(480, 720), (720, 840)]),
        ("00:00–24:00", [(0, 1440)]),
    ],
)
def test_hours_are_read_as_editors_write_them(typed: str, intervals: list[tuple[int, int]]) -> None:
    assert parse_day(2, typed) == [Interval(2, opens, closes) for opens, closes in intervals]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("08:00–12:00, 11:00–13:00", "„08:00–12:00“ und „11:00–13:00“ überschneiden sich"),
        ("08:00–25:00", "„25:00“ ist keine Uhrzeit"),
        ("08:61–12:00", "„08:61“ ist keine Uhrzeit"),
        ("22:00–02:00", "„22:00–02:00“ endet nicht nach dem Beginn"),
        ("09:00–09:00", "endet nicht nach dem Beginn"),
        ("24:30–24:45", "„24:30“ ist keine Uhrzeit"),
        ("immer", "„immer“ ist keine Zeitspanne"),
        ("Mo–Fr 8–18 Uhr", "„Mo–Fr 8–18 Uhr“ ist keine Zeitspanne"),
        # Arabic-Indic digits: int() would read them, the hours do not.
        ("\u0668:\u0660\u0660–\u0661\u0662:\u0660\u0660", "ist keine Zeitspanne"),
        (", ".join(["08:00–08:01"] * 13), "Höchstens 12 Zeitspannen"),
    ],
)
def test_bad_hours_are_refused_with_what_to_fix(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_day(0, typed)
    assert message in " ".join(refused.value.messages)


def test_stored_hours_are_checked_like_typed_ones() -> None:
    with pytest.raises(ValidationError, match="überschneiden sich"):
        WeeklyHours.from_json(
            [
                {"day": "monday", "opens": "08:00", "closes": "12:00"},
                {"day": "monday", "opens": "11:00", "closes": "13:00"},
            ]
        )
    for broken in ("Mo 8–12", [{"day": "montag", "opens": "08:00", "closes": "12:00"}], [1]):
        with pytest.raises(ValidationError, match="Liste"):
            WeeklyHours.from_json(broken)


def test_hours_are_counted_per_week_and_told_by_days() -> None:
    hours = WeeklyHours.from_days(
        {day: parse_day(day, "08:00–12:00, 13:00–18:00") for day in range(5)}
        | {5: parse_day(5, "09:00–12:30")}
    )
    assert hours.minutes_per_week == 5 * 9 * 60 + 210
    assert hours.lines() == [
        ("Montag bis Freitag", "8:00 bis 12:00 Uhr und 13:00 bis 18:00 Uhr"),
        ("Samstag", "9:00 bis 12:30 Uhr"),
    ]


# --- the form ---------------------------------------------------------------------------


def test_hours_typed_per_weekday_are_stored_as_intervals_and_audited(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    base = channels_base(service)
    client = client_for(editor)

    form = client.get(f"{base}neu/").content.decode()
    assert "<legend>Öffnungszeiten (vor Ort) oder Telefonzeiten</legend>" in form
    assert 'name="zugang-0-hours_monday"' in form and 'name="zugang-0-hours_sunday"' in form

    response = client.post(f"{base}neu/", channel_rows(CHANNEL | MONDAY_TO_FRIDAY | CLOSED))
    assert response.status_code == 302
    channel = AccessChannel.objects.get()
    assert channel.hours[:2] == [
        {"day": "monday", "opens": "08:00", "closes": "12:00"},
        {"day": "monday", "opens": "13:00", "closes": "18:00"},
    ]
    assert channel.weekly_hours.minutes_per_week == 45 * 60
    assert (channel.district, channel.step_free) == ("Mitte", True)
    entry = AuditEntry.objects.for_record(channel).get()
    assert entry.changes["hours"] == [None, channel.hours]

    # The form shows them again as they were typed, one weekday per field.
    response = client.get(f"{base}{channel.pk}/aendern/")
    assert 'name="hours_tuesday" value="08:00–12:00, 13:00–18:00"' in response.content.decode()
    assert response.context["form"]["hours_saturday"].value() == ""


@pytest.mark.parametrize(
    ("monday", "message"),
    [
        ("08:00–12:00, 11:00–13:00", "überschneiden sich"),
        ("08:00–25:00", "„25:00“ ist keine Uhrzeit"),
        ("%$&/()=?", "ist keine Zeitspanne"),
        ("08:00\x00–12:00", "Null"),
        ("8" * 201, "höchstens 200 Zeichen"),
    ],
)
def test_bad_hours_on_the_form_say_what_to_fix_and_store_nothing(
    monday: str, message: str, editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    base = channels_base(service)
    entries = AuditEntry.objects.count()

    response = client_for(editor).post(
        f"{base}neu/", channel_rows(CHANNEL | MONDAY_TO_FRIDAY | {"hours_monday": monday})
    )

    assert response.status_code == 400
    errors = " ".join(response.context["rows"].forms[0].errors["hours_monday"])
    assert message in errors
    assert 'id="id_zugang-0-hours_monday_error"' in response.content.decode()
    assert not AccessChannel.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_change_with_bad_hours_keeps_the_stored_hours(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    base = channels_base(service)
    client = client_for(editor)
    client.post(f"{base}neu/", channel_rows(CHANNEL | MONDAY_TO_FRIDAY))
    channel = AccessChannel.objects.get()
    stored = channel.hours

    response = client.post(
        f"{base}{channel.pk}/aendern/", CHANNEL | MONDAY_TO_FRIDAY | {"hours_friday": "13–8"}
    )

    assert response.status_code == 400
    assert "endet nicht nach dem Beginn" in " ".join(
        response.context["form"].errors["hours_friday"]
    )
    channel.refresh_from_db()
    assert channel.hours == stored


# --- what readers see -------------------------------------------------------------------


def test_the_project_page_shows_the_hours_readably(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    base = channels_base(service)
    editing = client_for(editor)
    editing.post(
        f"{base}neu/",
        channel_rows(CHANNEL | MONDAY_TO_FRIDAY | {"hours_note": "und nach Vereinbarung"}),
    )
    editing.post(
        f"{base}neu/",
        channel_rows(
            CHANNEL
            | {"kind": "phone", "place": "0234 000", "district": "", "step_free": "unknown"}
            | {"hours_monday": "08:00–09:00"}
        ),
    )

    page = client_for(None).get(project.get_absolute_url()).content.decode()

    assert "Montag bis Freitag: 8:00 bis 12:00 Uhr und 13:00 bis 18:00 Uhr" in page
    assert "zusammen 45 Stunden pro Woche" in page
    assert "und nach Vereinbarung" in page
    assert "Stadtbezirk Mitte" in page
    assert "stufenlos erreichbar" in page
    assert "Telefonzeiten:" in page
    assert "Montag: 8:00 bis 9:00 Uhr" in page
    assert "zusammen 1 Stunde pro Woche" in page


def test_old_free_text_hours_are_kept_as_a_note_and_count_as_missing(
    transactional_db: None,
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0003_channel_wording")])
    old = executor.loader.project_state([("registry", "0003_channel_wording")]).apps
    project = old.get_model("registry", "Project").objects.create(
        slug="alt",
        title="Alt",
        summary="Vor den strukturierten Zeiten.",
        office=old.get_model("accounts", "Office").objects.create(slug="amt-alt", name="Amt"),
    )
    service = old.get_model("registry", "Service").objects.create(project=project, name="Pass")
    old.get_model("registry", "AccessChannel").objects.create(
        service=service, phase="before", kind="in_person", opening_hours="Mo–Fr 8–18 Uhr"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    channel = AccessChannel.objects.get()
    assert channel.hours_note == "Mo–Fr 8–18 Uhr"
    assert (channel.hours, channel.district, channel.step_free) == ([], "", None)


# --- the demo ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_shows_p5_met_and_violated_with_structured_hours() -> None:
    load_demo_content()
    statuses = {}
    for project in Project.objects.published().filter(services__isnull=False).distinct():
        _, findings = services.project_findings(project)
        (p5,) = [f for f in findings if f.principle == "P5"]
        statuses[project.title] = (p5.status, p5.message.de)
        assert all(
            channel.weekly_hours
            for service in project.services.all()
            for channel in service.channels.all()
            if channel.kind in {"in_person", "phone"}
        )
    assert statuses["Digitale Sprechstunde im Seniorenbüro (Demo)"][0] == Status.MET
    status, message = statuses["Sensoren für Bodenfeuchte in Parks (Demo)"]
    assert status == Status.VIOLATED
    assert "Öffnungszeiten vor Ort: 50 h/Woche vorher, 1 h/Woche nachher" in message
    page = Client().get(Project.objects.get(title__startswith="Sensoren").get_absolute_url())
    assert "Montag bis Freitag: 8:00 bis 18:00 Uhr" in page.content.decode()
