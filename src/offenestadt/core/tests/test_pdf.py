"""Every PDF of the platform: tagged PDF/UA-1, its metadata, user text shown as typed, and a
footer only where one is asked for."""

from django.conf import settings
from django.utils import translation

from offenestadt.core.pdf import (
    Block,
    Checkboxes,
    Code,
    Heading,
    PageBreak,
    PageFrame,
    Paragraph,
    Table,
    Together,
    pdf_build,
)
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags

HOSTILE = '<b>Eins</b> #set text(red) *fett* $x$ \\ _k_ @ref <label> ] ) "'


def _blocks() -> list[Block]:
    return [
        Heading("Überschrift"),
        Paragraph(f"{HOSTILE}\nZwei"),
        Table([["Feld", "Wert"], ["A", ["eins", "zwei"]]], widths=[40, None], header=True),
        PageBreak(),
        Together([Paragraph("Drei", size="small", muted=True), Code("ABCD-1234")]),
        Checkboxes(["Stadtpark", "Westpark"]),
    ]


def test_a_tagged_pdf_ua_with_its_metadata_and_the_footer() -> None:
    with translation.override("de"):
        content = pdf_build(
            _blocks(), frame=PageFrame(landscape=True), title="Titel", subject="Thema", footer="Fuß"
        )
    reader = assert_accessible_pdf(content, title="Titel", language="de")
    assert reader.metadata is not None
    assert reader.metadata.subject == "Thema"
    assert reader.metadata.author == settings.OPERATOR_NAME
    # Headings, tables with a header row and lists are tags a screen reader can follow.
    tags = structure_tags(reader.root_object["/StructTreeRoot"])
    assert {"/H1", "/Table", "/TH", "/TD", "/L", "/LI"} <= tags, tags
    first, second = (page.extract_text() for page in reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    # User text is text, never markup; its line breaks stay.
    assert HOSTILE in first and "\nZwei" in first
    assert "Fuß" in first and "Seite 1" in first and "Seite 2" in second
    assert "ABCD-1234" in second and "Westpark" in second


def test_the_language_is_the_requests() -> None:
    with translation.override("en"):
        content = pdf_build(_blocks(), title="Title", footer="Foot")
    reader = assert_accessible_pdf(content, title="Title", language="en")
    assert "Page 1" in reader.pages[0].extract_text()


def test_no_footer_unless_asked_for() -> None:
    with translation.override("de"):
        content = pdf_build(_blocks(), title="Briefe")
    reader = assert_accessible_pdf(content, title="Briefe", language="de")
    assert all("Seite" not in page.extract_text() for page in reader.pages)
