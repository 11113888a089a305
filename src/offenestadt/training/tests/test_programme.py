"""The programme on paper: every coming session with course, time, place, district, access,
free places, cost and how to register without internet, as a tagged PDF, in normal and in
large print (one column, 17 pt), in the page's language and with the list's filters."""

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from offenestadt.accounts.models import Office, User
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags
from offenestadt.training import services
from offenestadt.training.models import Course, Session
from offenestadt.training.tests.conftest import add_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(editor: User, office: Office) -> list[Session]:
    office.phone = "0234 910-0"
    office.save()
    course = services.course_save(
        actor=editor,
        course=Course(
            office=office,
            title="Das Smartphone im Alltag",
            description="Wir richten ein Smartphone ein.",
            provider="Stadtbücherei",
            accessibility="Induktionsschleife",
        ),
    )
    paid = services.course_save(
        actor=editor,
        course=Course(
            office=office,
            title="Tabellen für Vereine",
            description="Mitgliederlisten führen.",
            provider="Volkshochschule",
            cost=Decimal("12.50"),
        ),
    )
    start = timezone.now() + timedelta(days=7)
    made = [
        add_session(
            editor,
            each,
            starts_at=start + timedelta(days=offset),
            capacity=8,
            place=place,
            district=district,
            step_free=step_free,
        )
        for offset, each, place, district, step_free in (
            (0, course, "Zentralbücherei, Raum 3", "Mitte", True),
            (1, paid, "Stadtteilbücherei, Saarlandstraße 26", "Wattenscheid", False),
            (2, course, "Bürgerhaus Nord", "Nord", True),
        )
    ]
    services.session_cancel(actor=editor, session=made[2])
    return made


def _reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def _text(reader: PdfReader) -> str:
    """The text of every page, its line breaks (within table cells too) as spaces."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _sizes(reader: PdfReader) -> set[float]:
    """The sizes of the text on the first page, in points."""
    sizes: set[float] = set()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.add(round(size * abs(tm[3]) * abs(cm[3]), 1))

    reader.pages[0].extract_text(visitor_text=visit)
    return sizes


def test_the_programme_lists_the_coming_sessions_and_how_to_register(
    client: Client, sessions: list[Session]
) -> None:
    response = client.get("/schulungen/programm.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = assert_accessible_pdf(response.content, title="Programm der Schulungen", language="de")
    assert {"/H1", "/Table", "/TH", "/TD"} <= structure_tags(reader.root_object["/StructTreeRoot"])
    text = _text(reader)
    for expected in (
        "Das Smartphone im Alltag",
        "Zentralbücherei, Raum 3",
        "Stadtbezirk Mitte",
        "Wattenscheid",
        "stufenlos erreichbar",
        "Induktionsschleife",
        "kostenlos",
        "12,50 Euro",
        "8 von 8 frei",
        "per Telefon: 0234 910-0",
        "vor Ort: Stabsstelle Digitalisierung",
        "/schulungen/",
    ):
        assert expected in text, expected
    # The called-off session is not in it.
    assert "Bürgerhaus Nord" not in text
    # The list links both programmes, with its filters.
    page = client.get("/schulungen/?bezirk=Mitte").content.decode()
    assert 'href="/schulungen/programm.pdf?bezirk=Mitte"' in page
    assert 'href="/schulungen/programm-grossdruck.pdf?bezirk=Mitte"' in page


def test_the_programme_keeps_the_lists_filters(client: Client, sessions: list[Session]) -> None:
    reader = _reader(client.get("/schulungen/programm.pdf?bezirk=Wattenscheid").content)
    text = _text(reader)
    assert "Tabellen für Vereine" in text and "Zentralbücherei" not in text
    # A filter that does not fit is left out, never an error of the server.
    assert client.get("/schulungen/programm.pdf?ab=gestern").status_code == 200


def test_large_print_is_one_column_at_17_points(client: Client, sessions: list[Session]) -> None:
    response = client.get("/schulungen/programm-grossdruck.pdf")
    reader = assert_accessible_pdf(
        response.content, title="Programm der Schulungen (Großdruck)", language="de"
    )
    tags = structure_tags(reader.root_object["/StructTreeRoot"])
    assert "/H2" in tags and "/Table" not in tags
    sizes = _sizes(reader)
    # Nothing below 16 pt but the footer line (7 pt grown with the text: 11.3 pt).
    assert min(sizes) >= 11 and 17.0 in sizes, sizes
    assert "Wann:" in _text(reader)
    normal = _sizes(_reader(client.get("/schulungen/programm.pdf").content))
    assert min(normal) == 7.0 and 10.5 in normal and 17.0 not in normal - {max(normal)}


def test_in_english_under_en(client: Client, sessions: list[Session]) -> None:
    response = client.get("/en/schulungen/programm-grossdruck.pdf")
    reader = assert_accessible_pdf(
        response.content, title="Training programme (large print)", language="en"
    )
    text = _text(reader)
    assert "When:" in text and "free of charge" in text and "by phone: 0234 910-0" in text
