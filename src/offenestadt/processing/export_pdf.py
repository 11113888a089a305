"""The register of processing activities (GDPR Art. 30(1)) as a PDF for the file and for the
supervisory authority: one section per activity, each field of ``FIELDS`` as a row, in the
platform's page layout (``core.pdf``)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from offenestadt.core.pdf import FONT_BOLD, PageFrame, markup_lines, pdf_build
from offenestadt.processing.export import (
    ART30_LETTERS,
    FIELDS,
    Entry,
    Field,
    register_header,
    register_rows,
)
from offenestadt.processing.models import ProcessingActivity

FRAME = PageFrame(size=landscape(A4), margin=15 * mm)
TEXT_WIDTH = FRAME.text_width
LABEL_WIDTH = 70 * mm


def _styles() -> dict[str, Any]:
    sample = getSampleStyleSheet()
    return {
        "title": sample["Title"],
        "heading": sample["Heading1"],
        "section": sample["Heading3"],
        "body": sample["BodyText"],
        "cell": ParagraphStyle("cell", parent=sample["BodyText"], fontSize=8, leading=10),
        "label": ParagraphStyle(
            "label", parent=sample["BodyText"], fontName=FONT_BOLD, fontSize=8, leading=10
        ),
    }


def _paragraphs(texts: list[str], style: Any) -> list[Any]:
    if not texts:
        return [Paragraph("–", style)]
    prefix = "• " if len(texts) > 1 else ""
    return [Paragraph(prefix + markup_lines(text), style) for text in texts]


def _table(rows: list[list[Any]], widths: list[float], *, header: bool) -> Any:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    # splitInRow: a very long text (purposes, measures) may continue on the next page.
    return Table(
        rows,
        colWidths=widths,
        repeatRows=1 if header else 0,
        splitInRow=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _field_table(fields: list[Field], entry: Entry, styles: dict[str, Any]) -> Any:
    """Label and value, one row per field."""
    rows = [
        [
            Paragraph(markup_lines(str(field.label)), styles["label"]),
            _paragraphs(field.texts(field.value(entry)), styles["cell"]),
        ]
        for field in fields
    ]
    return _table(rows, [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], header=False)


def _category_table(fields: list[Field], count: int, entry: Entry, styles: dict[str, Any]) -> Any:
    """One column per field, one row per data category."""
    rows = [[Paragraph(markup_lines(str(field.label)), styles["label"]) for field in fields]]
    rows += [
        [_paragraphs(field.texts(field.value(entry, index)), styles["cell"]) for field in fields]
        for index in range(count)
    ]
    return _table(rows, [TEXT_WIDTH / len(fields)] * len(fields), header=True)


def _activity_story(entry: Entry, styles: dict[str, Any]) -> list[Any]:
    story: list[Any] = [Paragraph(markup_lines(entry["title"]), styles["heading"])]
    context = [f for f in FIELDS if not f.section and f.path != "title"]
    story.append(_field_table(context, entry, styles))
    for key, letter in ART30_LETTERS.items():
        story.append(Paragraph(markup_lines(str(letter.heading)), styles["section"]))
        fields = [f for f in FIELDS if f.section == key]
        if key == "art30_1_c_data_categories":
            # The retention shows once, as the time limit under f).
            fields = [f for f in fields if ".retention." not in f.path]
        if not fields[0].per_category:
            story.append(_field_table(fields, entry, styles))
        elif entry[key]:
            story.append(_category_table(fields, len(entry[key]), entry, styles))
        else:
            story.append(Paragraph(_("Keine Datenkategorien eingetragen."), styles["body"]))
    return story


def export_pdf(
    activities: QuerySet[ProcessingActivity],
    *,
    public: bool = False,
    generated_at: datetime | None = None,
) -> bytes:
    """The register as a PDF: a title page with controller, DPO and the wording of
    Art. 30(1), then one section per activity."""
    header = register_header(public=public, generated_at=generated_at)
    entries = register_rows(activities, public=public)
    styles = _styles()
    cell, label = styles["cell"], styles["label"]
    title = header["title"]
    scope = (
        _("nur veröffentlichte Verarbeitungstätigkeiten")
        if public
        else _("alle Verarbeitungstätigkeiten, auch nicht veröffentlichte")
    )
    facts = [
        (_("Verantwortlicher"), header["controller"]["name"]),
        (_("Anschrift"), header["controller"]["address"]),
        (_("E-Mail"), header["controller"]["email"]),
        (_("Datenschutzbeauftragter"), header["dpo_contact"]),
        (_("Erstellt am"), header["generated_at"]),
        (_("Umfang"), f"{scope} ({len(entries)})"),
    ]
    story: list[Any] = [
        Paragraph(markup_lines(title), styles["title"]),
        Paragraph(markup_lines(header["legal_basis"]), styles["body"]),
        Spacer(1, 4 * mm),
        _table(
            [
                [Paragraph(markup_lines(k), label), Paragraph(markup_lines(v), cell)]
                for k, v in facts
            ],
            [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH],
            header=False,
        ),
        Paragraph(_("Aufbau des Verzeichnisses"), styles["section"]),
        _table(
            [
                [Paragraph(markup_lines(key), label), Paragraph(markup_lines(text), cell)]
                for key, text in header["legend"].items()
            ],
            [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH],
            header=False,
        ),
    ]
    for entry in entries:
        story += [PageBreak(), *_activity_story(entry, styles)]

    return pdf_build(
        story,
        frame=FRAME,
        title=title,
        subject=_("Verzeichnis von Verarbeitungstätigkeiten nach Art. 30 Abs. 1 DSGVO"),
        footer=f"{title} – {settings.OPERATOR_NAME} – {header['generated_at']}",
        show_title=True,
    )
