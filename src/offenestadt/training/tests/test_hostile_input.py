"""What a careless or hostile editor enters into a course never breaks a page or a feed."""

from collections.abc import Callable

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.training.models import Session
from offenestadt.training.tests.test_registration import _session_data

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]

# Line breaks that Python's str.splitlines (and programs built on it) honour besides CR/LF.
LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=[hex(ord(c)) for c in LINE_BREAKS])
def test_a_line_break_in_a_title_or_place_starts_no_calendar_property(
    session: Session,
    client: Client,
    line_break: str,
) -> None:
    session.course.title = f"Kurs{line_break}DTSTART:19700101T000000Z"
    session.course.save()
    session.place = f"Raum 2\r\nX-EVIL:1{line_break}ATTACH:http://example.org/x"
    session.save()
    body = client.get("/schulungen/termine.ics").content.decode()
    properties = [line.split(":", 1)[0] for line in body.splitlines() if line[:1] != " "]
    assert "X-EVIL" not in properties and "ATTACH" not in properties
    assert properties.count("DTSTART") == 1
    assert "SUMMARY:Kurs\\nDTSTART:19700101T000000Z" in body
    assert "\x0b" not in body and "\u2028" not in body


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [("0001-01-01T00:00", "0001-01-01T01:00"), ("9999-12-31T22:00", "9999-12-31T23:00")],
)
def test_a_session_in_year_1_or_9999_is_refused_in_german(
    editor: User,
    session: Session,
    client_for: ClientFor,
    starts_at: str,
    ends_at: str,
) -> None:
    data = {**_session_data(), "starts_at": starts_at, "ends_at": ends_at}
    answer = client_for(editor).post(f"/schulungen/termin/{session.pk}/bearbeiten/", data)
    assert answer.status_code == 400
    assert "Bitte ein Datum zwischen den Jahren 1900 und 2999 angeben." in answer.content.decode()
    stored = Session.objects.get(pk=session.pk)
    assert (stored.starts_at, stored.place) == (session.starts_at, session.place)


def test_a_registration_sent_twice_takes_one_place(
    session: Session,
    client: Client,
) -> None:
    data = {"name": "Erika Muster", "contact": "erika@example.org"}
    assert client.post(session.get_absolute_url(), data).status_code == 201
    again = client.post(
        session.get_absolute_url(), {"name": "erika muster ", "contact": "ERIKA@example.org"}
    )
    assert again.status_code == 400
    assert "Diese Person ist für diesen Termin schon angemeldet" in again.content.decode()
    assert session.registrations.count() == 1
    # Someone else with the same way to be reached (a family's address) still may.
    other = {"name": "Max Muster", "contact": "erika@example.org"}
    assert client.post(session.get_absolute_url(), other).status_code == 201
