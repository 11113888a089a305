"""The one PDF layer of the platform: every PDF (the register of processing activities, the
letters with voting codes, the council's report) is a list of blocks laid out by ``pdf.typ``
beside this module and written by Typst as a tagged PDF/UA-1 document: its title shown in the
reader's title bar, the city as author, the language of the request, headings, lists and tables
as tags, the fonts embedded, and — where a document asks for one — a footer with a line of
text and the page number.

A document is built from these blocks, in reading order::

    pdf_build(
        [
            Heading("Bericht"),
            Paragraph("Text, also a user's: it is never read as markup.\\nLine breaks stay."),
            Table([["Name", "Wert"], ["A", ["eins", "zwei"]]], widths=[40, None], header=True),
            PageBreak(),
            Paragraph("Stand: 1. Juli", size="small", muted=True),
        ],
        title="Bericht",
        frame=PageFrame(landscape=True, margin=15),
        footer="Bericht – Stadt Musterstadt",
    )

Lengths are in millimetres. Nothing here reads the database: what goes on the pages is each
document's own.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

import typst
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

LAYOUT = Path(__file__).with_name("pdf.typ")

Size = Literal["normal", "small", "tiny"]
# A table cell: one text, or several, shown as a list.
Cell = str | Sequence[str]


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the document's or a chapter's, 2 and 3 sections below it.
    PDF/UA forbids skipping a level (1 then 3): Typst refuses such a document."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Text, its line breaks kept; ``muted`` prints it grey (a sender line)."""

    text: str
    size: Size = "normal"
    muted: bool = False


@dataclass(frozen=True)
class Code:
    """A code to type in elsewhere: large, monospaced, centred."""

    text: str


@dataclass(frozen=True)
class Checkboxes:
    """A list of answers, each with an empty box to mark on paper."""

    options: Sequence[str]


@dataclass(frozen=True)
class Table:
    """Rows of cells. ``widths`` per column in mm, ``None`` for a share of the rest;
    ``header``: the first row heads the columns (repeated on every page);
    ``label_column``: the first column labels its row (printed bold)."""

    rows: Sequence[Sequence[Cell]]
    widths: Sequence[float | None]
    header: bool = False
    label_column: bool = False
    size: Size = "small"


@dataclass(frozen=True)
class Space:
    """Vertical space, in mm."""

    height: float


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page."""


@dataclass(frozen=True)
class Together:
    """Blocks kept on one page (a ballot to cut off)."""

    blocks: Sequence["Block"]


Block = Heading | Paragraph | Code | Checkboxes | Table | Space | PageBreak | Together


@dataclass(frozen=True)
class PageFrame:
    """An A4 page, upright or landscape, and the even margin around its text, in mm."""

    landscape: bool = False
    margin: float = 20


UPRIGHT = PageFrame()


def _data(value: Any) -> Any:
    """A block as the layout reads it: its fields and its kind."""
    if is_dataclass(value) and not isinstance(value, type):
        own = {field.name: _data(getattr(value, field.name)) for field in fields(value)}
        return {"kind": type(value).__name__.lower(), **own}
    if isinstance(value, list | tuple):
        return [_data(item) for item in value]
    return value


def pdf_build(
    blocks: Sequence[Block],
    *,
    title: str,
    frame: PageFrame = UPRIGHT,
    subject: str | None = None,
    footer: str | None = None,
    text_size: float = 10.5,
) -> bytes:
    """The blocks laid out on ``frame``'s pages, as the bytes of a PDF/UA-1 document.

    ``title`` is the document's title (shown by readers instead of the file name);
    ``subject`` its description; ``footer`` is printed at the foot of every page, left,
    with the page number right. ``text_size`` is the normal text's size in points; every
    other size (headings, small print, the footer) grows with it (large print: 16 and up).
    """
    language, _sep, region = (translation.get_language() or settings.LANGUAGE_CODE).partition("-")
    document = {
        "title": title,
        "subject": subject,
        "author": settings.OPERATOR_NAME,
        "lang": language,
        "region": region.upper() or None,
        "landscape": frame.landscape,
        "margin": frame.margin,
        "footer": footer,
        "text_size": text_size,
        "page_label": _("Seite %(page)s"),
        "blocks": _data(list(blocks)),
    }
    return typst.compile(
        LAYOUT,
        root=LAYOUT.parent,
        sys_inputs={"document": json.dumps(document)},
        pdf_standards=["ua-1"],
        # The fonts Typst brings along, embedded: the same pages on every machine.
        ignore_system_fonts=True,
    )
