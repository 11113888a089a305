"""The training catalogue: the office keeps courses and sessions; anyone registers without
an account, staff enter registrations by phone or in person; a full session fills the
waiting list, a cancellation moves its first person up; names and contacts go on schedule
and never show on public pages."""

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import Client, override_settings
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.core.retention import TRAINING
from offenestadt.processing.models import DataCategory
from offenestadt.processing.retention import retention_enforce
from offenestadt.training import services
from offenestadt.training.models import Channel, Course, Notice, Registration, Session

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]

COURSE = {
    "title": "Das Smartphone kennenlernen",
    "description": "Wir richten gemeinsam ein Smartphone ein.",
    "easy_read_summary": "Sie lernen Ihr Handy kennen.",
    "provider": "Stadtbücherei",
    "audience": "ohne Vorkenntnisse",
    "accessibility": "Induktionsschleife",
    "language": "Deutsch",
    "cost": "0",
    "project": "",
}


def _session_data(days: int = 7, capacity: int = 2) -> dict[str, str]:
    start = timezone.localtime() + timedelta(days=days)
    return {
        "starts_at": start.strftime("%Y-%m-%dT10:00"),
        "ends_at": start.strftime("%Y-%m-%dT12:00"),
        "place": "Stadtbücherei, Raum 2",
        "district": "Mitte",
        "step_free": "on",
        "capacity": str(capacity),
    }


def _register(
    client: Client, session: Session, name: str, contact: str
) -> "_MonkeyPatchedWSGIResponse":
    return client.post(session.get_absolute_url(), {"name": name, "contact": contact})


def test_the_office_creates_a_course_and_a_session_through_the_audit_path(
    editor: User, client_for: ClientFor
) -> None:
    assert client_for(None).get("/schulungen/neu/").status_code == 404
    staff = client_for(editor)
    created = staff.post(
        "/schulungen/neu/", {**COURSE, "office": str(editor.office_id)}, follow=True
    )
    assert "Die Schulung ist gespeichert." in created.content.decode()
    course = Course.objects.get()
    assert course.is_free and course.cost == Decimal(0)
    staff.post(f"/schulungen/kurs/{course.pk}/neuer-termin/", _session_data())
    session = Session.objects.get()
    assert session.capacity == 2 and session.step_free
    assert [e.action for e in AuditEntry.objects.for_record(course)] == ["create"]
    assert AuditEntry.objects.for_record(session).count() == 1
    listed = client_for(None).get("/schulungen/").content.decode()
    assert "Das Smartphone kennenlernen" in listed and "2 von 2 Plätzen frei" in listed


def test_another_office_may_not_change_the_course(
    session: Session, other_editor: User, client_for: ClientFor
) -> None:
    visitor = client_for(other_editor)
    assert visitor.get(f"/schulungen/kurs/{session.course_id}/bearbeiten/").status_code == 403
    assert visitor.get(f"/schulungen/termin/{session.pk}/anmeldungen/").status_code == 403


def test_bad_session_dates_are_refused_in_german(
    editor: User, session: Session, client_for: ClientFor
) -> None:
    data = _session_data()
    data["ends_at"] = data["starts_at"].replace("T10:00", "T09:00")
    answer = client_for(editor).post(f"/schulungen/kurs/{session.course_id}/neuer-termin/", data)
    assert answer.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen." in answer.content.decode()
    bad = client_for(editor).post(
        f"/schulungen/kurs/{session.course_id}/neuer-termin/", {**data, "starts_at": "morgen"}
    )
    assert "Bitte ein gültiges Datum" in bad.content.decode()
    assert Session.objects.count() == 1


def test_a_bad_contact_is_refused_in_german(session: Session, client: Client) -> None:
    answer = _register(client, session, "Anna", "keine Angabe")
    assert answer.status_code == 400
    assert "Bitte eine E-Mail-Adresse" in answer.content.decode()
    empty = _register(client, session, "", "")
    assert "Dieses Feld ist zwingend erforderlich." in empty.content.decode()
    assert not Registration.objects.exists()


def test_a_full_session_fills_the_waiting_list_and_a_cancellation_moves_it_up(
    session: Session, client: Client
) -> None:
    first = _register(client, session, "Anna", "anna@example.org")
    assert first.status_code == 201
    assert "Sie haben einen Platz" in first.content.decode()
    second = _register(client, session, "Bernd", "0234 123456")
    assert "Sie stehen auf der Warteliste" in second.content.decode()
    third = _register(client, session, "Cem", "cem@example.org")
    assert third.status_code == 201
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "confirmed", "Bernd": "waiting", "Cem": "waiting"}
    page = client.get(session.get_absolute_url()).content.decode()
    assert "ausgebucht, Anmeldung auf die Warteliste" in page

    # Anna cancels with her own link: Bernd, first on the list, gets the place.
    anna = Registration.objects.get(name="Anna")
    assert client.get(anna.get_cancel_url()).status_code == 200
    client.post(anna.get_cancel_url())
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "cancelled", "Bernd": "confirmed", "Cem": "waiting"}


def test_staff_enter_phone_and_in_person_registrations_and_cancel(
    session: Session, editor: User, client_for: ClientFor
) -> None:
    staff = client_for(editor)
    url = f"/schulungen/termin/{session.pk}/anmeldungen/"
    entered = staff.post(
        url,
        {"action": "register", "name": "Frau K.", "contact": "0234 98765", "channel": "phone"},
        follow=True,
    )
    assert "Frau K. hat einen Platz" in entered.content.decode()
    waiting = staff.post(
        url,
        {"action": "register", "name": "Herr L.", "contact": "0234 55555", "channel": "in_person"},
        follow=True,
    )
    assert "Herr L. steht auf der Warteliste" in waiting.content.decode()
    refused = staff.post(
        url, {"action": "register", "name": "X", "contact": "?", "channel": "phone"}
    )
    assert refused.status_code == 400 and "Bitte eine E-Mail-Adresse" in refused.content.decode()
    # Nobody but the office enters registrations by phone.
    with pytest.raises(PermissionDenied):
        services.registration_create(
            session=session, name="Y", contact="0234 11111", channel=Channel.PHONE
        )
    frau_k = Registration.objects.get(name="Frau K.")
    moved = staff.post(url, {"action": "cancel", "registration": str(frau_k.pk)}, follow=True)
    assert "Von der Warteliste nachgerückt: Herr L." in moved.content.decode()
    assert Registration.objects.get(name="Herr L.").status == "confirmed"


def test_more_places_move_the_waiting_list_up(session: Session, editor: User) -> None:
    for name in ("A", "B", "C"):
        services.registration_create(
            session=session, name=name, contact=f"{name}@example.org", channel=Channel.ONLINE
        )
    session.capacity = 2
    services.session_save(actor=editor, session=session)
    assert dict(Registration.objects.values_list("name", "status")) == {
        "A": "confirmed",
        "B": "confirmed",
        "C": "waiting",
    }


def test_no_personal_data_on_public_pages_or_in_the_trail(session: Session, client: Client) -> None:
    _register(client, session, "Geheimname", "geheim@example.org")
    registration = Registration.objects.get()
    for path in (
        "/schulungen/",
        session.get_absolute_url(),
        session.course.get_absolute_url(),
        "/audit/",
        "/en/schulungen/",
    ):
        page = client.get(path).content.decode()
        assert "Geheimname" not in page and "geheim@example.org" not in page, path
    assert not AuditEntry.objects.for_record(registration).exists()


def test_the_list_filters_by_district_date_places_and_step_free(
    session: Session, editor: User, client: Client
) -> None:
    other = services.session_save(
        actor=editor,
        session=Session(
            course=session.course,
            starts_at=session.starts_at + timedelta(days=10),
            ends_at=session.ends_at + timedelta(days=10),
            place="Bücherei Wattenscheid",
            district="Wattenscheid",
            step_free=True,
            capacity=5,
        ),
    )
    services.registration_create(
        session=session, name="A", contact="a@example.org", channel=Channel.ONLINE
    )

    def shown(query: str) -> set[str]:
        page = client.get(f"/schulungen/?{query}").content.decode()
        return {p for p in ("Rathaus, Raum 101", "Bücherei Wattenscheid") if p in page}

    assert shown("") == {"Rathaus, Raum 101", "Bücherei Wattenscheid"}
    assert shown("bezirk=Wattenscheid") == {"Bücherei Wattenscheid"}
    assert shown("frei=on") == {"Bücherei Wattenscheid"}
    assert shown("stufenlos=on") == {"Bücherei Wattenscheid"}
    later = timezone.localdate(other.starts_at).isoformat()
    assert shown(f"ab={later}") == {"Bücherei Wattenscheid"}
    bad = client.get("/schulungen/?ab=31.02.2026")
    assert bad.status_code == 400 and "Bitte ein gültiges Datum" in bad.content.decode()


@override_settings(TRAINING_REGISTRATION_LIMIT=2)
def test_a_flood_of_registrations_is_slowed(session: Session, client: Client) -> None:
    answers = [_register(client, session, f"P{n}", f"p{n}@example.org") for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "Zu viele Anmeldungen" in answers[2].content.decode()
    assert Registration.objects.count() == 2


def test_attendance_is_a_number_after_the_session(
    session: Session, editor: User, client_for: ClientFor
) -> None:
    url = f"/schulungen/termin/{session.pk}/anmeldungen/"
    early = client_for(editor).post(url, {"action": "attendance", "attended_count": "3"})
    assert early.status_code == 400 or "Teilnahme" in early.content.decode()
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    client_for(editor).post(url, {"action": "attendance", "attended_count": "7"})
    assert Session.objects.get(pk=session.pk).attended_count == 7


def test_names_and_contacts_go_a_month_after_the_session_ends(
    session: Session, editor: User
) -> None:
    category = DataCategory.objects.get(activity__slug=TRAINING, key="participant-contact")
    now = timezone.now()
    cutoff = category.retention_cutoff(now)
    # A month: the register's period, in calendar months.
    assert timedelta(days=28) <= now - cutoff <= timedelta(days=31)
    names = {"Früh": -1, "Genau": 0, "Spät": 1}  # minutes from the cut-off to the end
    for name, minutes in names.items():
        target = services.session_save(
            actor=editor,
            session=Session(
                course=session.course,
                starts_at=session.starts_at + timedelta(days=1),
                ends_at=session.ends_at + timedelta(days=1),
                place="Rathaus",
                capacity=3,
            ),
        )
        services.registration_create(
            session=target,
            name=name,
            contact="0234 98765" if name == "Früh" else f"{len(name)}{minutes + 1}@example.org",
            channel=Channel.PHONE if name == "Früh" else Channel.ONLINE,
            actor=editor,
        )
        Session.objects.filter(pk=target.pk).update(
            starts_at=cutoff - timedelta(hours=2), ends_at=cutoff + timedelta(minutes=minutes)
        )
    Notice.objects.create(registration=Registration.objects.get(name="Früh"), kind="moved_up")
    run = retention_enforce(now=now)
    # Ended a minute before the cut-off: gone; at the cut-off or a minute after: kept.
    assert run.counts[f"{TRAINING}/participant-contact"] == 1
    assert set(Registration.objects.values_list("name", "contact", "erased")) == {
        ("", "", True),
        ("Genau", "51@example.org", False),
        ("Spät", "42@example.org", False),
    }
    # The count of registrations stays; no one erased is left on a call list.
    assert Registration.objects.count() == 3
    assert not Notice.objects.to_call().exists()
    # Half a minute later the one that ended at the cut-off goes too.
    later = retention_enforce(now=now + timedelta(seconds=30))
    assert later.counts[f"{TRAINING}/participant-contact"] == 1
    assert Registration.objects.filter(erased=False).get().name == "Spät"


@pytest.mark.django_db(transaction=True)
def test_two_people_asking_for_the_last_place_get_one_place_and_one_wait(
    editor: User, office: Office
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write anyway")
    course = services.course_save(
        actor=editor,
        course=Course(office=office, title="T", description="D", provider="P"),
    )
    start = timezone.now() + timedelta(days=1)
    session = services.session_save(
        actor=editor,
        session=Session(
            course=course,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="R",
            capacity=1,
        ),
    )
    barrier = threading.Barrier(2)

    def register(name: str) -> None:
        try:
            barrier.wait()
            services.registration_create(
                session=session,
                name=name,
                contact=f"{name}@example.org",
                channel=Channel.ONLINE,
                source=name,
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]


def test_the_sessions_as_a_calendar_feed(session: Session, client: Client) -> None:
    _register(client, session, "Geheimname", "geheim@example.org")
    answer = client.get("/schulungen/termine.ics?bezirk=Mitte")
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    body = answer.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Online-Termine buchen" in body and "Geheimname" not in body
    assert client.get("/schulungen/").content.decode().count('href="/schulungen/termine.ics') == 1
