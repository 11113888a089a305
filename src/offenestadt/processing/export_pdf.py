"""The register of processing activities (GDPR Art. 30(1)) as a PDF for the file and for the
supervisory authority: one section per activity, each field of ``FIELDS`` as a row, in the
platform's page layout (``core.pdf``)."""

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from offenestadt.core.display import display_value
from offenestadt.core.pdf import (
    Block,
    Heading,
    PageBreak,
    PageFrame,
    Paragraph,
    Space,
    Table,
    pdf_build,
)
from offenestadt.processing.export import (
    ART30_LETTERS,
    FIELDS,
    Entry,
    Field,
    register_header,
    register_rows,
)
from offenestadt.processing.models import ProcessingActivity

FRAME = PageFrame(landscape=True, margin=15)
LABEL_WIDTH = 70  # mm


def _texts(texts: list[str]) -> list[str]:
    return texts or ["–"]


def _field_table(fields: list[Field], entry: Entry) -> Table:
    """Label and value, one row per field."""
    rows = [[str(field.label), _texts(field.texts(field.value(entry)))] for field in fields]
    return Table(rows, widths=[LABEL_WIDTH, None], label_column=True)


def _category_table(fields: list[Field], count: int, entry: Entry) -> Table:
    """One column per field, one row per data category."""
    rows: list[list[str | list[str]]] = [[str(field.label) for field in fields]]
    rows += [
        [_texts(field.texts(field.value(entry, index))) for field in fields]
        for index in range(count)
    ]
    return Table(rows, widths=[None] * len(fields), header=True)


def _activity_blocks(entry: Entry) -> list[Block]:
    blocks: list[Block] = [Heading(entry["title"], level=2)]
    context = [f for f in FIELDS if not f.section and f.path != "title"]
    blocks.append(_field_table(context, entry))
    for key, letter in ART30_LETTERS.items():
        blocks.append(Heading(str(letter.heading), level=3))
        fields = [f for f in FIELDS if f.section == key]
        if key == "art30_1_c_data_categories":
            # The retention shows once, as the time limit under f).
            fields = [f for f in fields if ".retention." not in f.path]
        if not fields[0].per_category:
            blocks.append(_field_table(fields, entry))
        elif entry[key]:
            blocks.append(_category_table(fields, len(entry[key]), entry))
        else:
            blocks.append(Paragraph(_("Keine Datenkategorien eingetragen.")))
    return blocks


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
    title = header["title"]
    created = display_value(header["generated_at"])
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
        (_("Erstellt am"), created),
        (_("Umfang"), f"{scope} ({len(entries)})"),
    ]
    blocks: list[Block] = [
        Heading(title),
        Paragraph(header["legal_basis"]),
        Space(4),
        Table([list(fact) for fact in facts], widths=[LABEL_WIDTH, None], label_column=True),
        Heading(_("Aufbau des Verzeichnisses"), level=2),
        Table(
            [[str(ART30_LETTERS[key].heading), text] for key, text in header["legend"].items()],
            widths=[LABEL_WIDTH, None],
            label_column=True,
        ),
    ]
    for entry in entries:
        blocks += [PageBreak(), *_activity_blocks(entry)]

    return pdf_build(
        blocks,
        frame=FRAME,
        title=title,
        subject=_("Verzeichnis von Verarbeitungstätigkeiten nach Art. 30 Abs. 1 DSGVO"),
        footer=f"{title} – {settings.OPERATOR_NAME} – {created}",
    )
