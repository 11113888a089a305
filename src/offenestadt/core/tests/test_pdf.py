"""Every PDF of the platform: its frame, its metadata, and a footer only where one is asked for."""

import io

from django.conf import settings
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph

from offenestadt.core.pdf import PageFrame, markup_lines, pdf_build


def _story() -> list[object]:
    body = getSampleStyleSheet()["BodyText"]
    return [
        Paragraph(markup_lines("<b>Eins</b>\nZwei"), body),
        PageBreak(),
        Paragraph("Drei", body),
    ]


def test_the_metadata_and_the_footer_with_page_numbers() -> None:
    with translation.override("de"):
        content = pdf_build(
            _story(),
            frame=PageFrame(),
            title="Titel",
            subject="Thema",
            footer="Fuß",
            show_title=True,
        )
    reader = PdfReader(io.BytesIO(content))
    metadata = reader.metadata
    assert metadata is not None
    assert (metadata.title, metadata.subject) == ("Titel", "Thema")
    assert metadata.author == settings.OPERATOR_NAME
    assert str(reader.root_object["/Lang"]) == "de"
    preferences = reader.root_object["/ViewerPreferences"].get_object()
    assert isinstance(preferences, DictionaryObject) and preferences["/DisplayDocTitle"]
    first, second = (page.extract_text() for page in reader.pages)
    # User text is text, never markup; its line breaks stay.
    assert "<b>Eins</b>" in first and "Zwei" in first
    assert "Fuß" in first and "Seite 1" in first and "Seite 2" in second


def test_no_footer_unless_asked_for() -> None:
    with translation.override("de"):
        content = pdf_build(_story(), frame=PageFrame(), title="Briefe")
    reader = PdfReader(io.BytesIO(content))
    assert all("Seite" not in page.extract_text() for page in reader.pages)
