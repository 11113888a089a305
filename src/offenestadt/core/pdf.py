"""The layout every PDF of the platform shares — the register of processing activities and
the letters with voting codes: A4 pages framed by even margins, the standard fonts, text made
safe for the paragraph markup, the document's metadata (its title, the city as author, the
platform as creator, the language) and, where a document wants one, a footer with a line of
text and the page number. What goes on the pages is each document's own.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

# The standard PDF fonts: every reader has them, so nothing is embedded.
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_CODE = "Courier-Bold"


@dataclass(frozen=True)
class PageFrame:
    """The page and the even margin around what is printed on it."""

    size: tuple[float, float] = A4
    margin: float = 20 * mm

    @property
    def text_width(self) -> float:
        return self.size[0] - 2 * self.margin


def markup(text: str) -> str:
    """Text (a user's too) made safe for reportlab's paragraph markup."""
    return escape(text)


def markup_lines(text: str) -> str:
    """The same, with its line breaks kept."""
    return markup(text).replace("\n", "<br/>")


def pdf_build(
    story: Sequence[Any],
    *,
    frame: PageFrame,
    title: str,
    subject: str | None = None,
    footer: str | None = None,
    show_title: bool = False,
) -> bytes:
    """The story laid out on ``frame``'s pages, as PDF bytes.

    ``footer`` is printed at the foot of every page, left, with the page number right;
    ``show_title`` asks readers to show the title instead of the file name.
    """

    def draw_footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(frame.margin, 8 * mm, footer)
        canvas.drawRightString(
            frame.size[0] - frame.margin, 8 * mm, _("Seite %(page)s") % {"page": document.page}
        )
        canvas.restoreState()

    metadata: dict[str, Any] = {}
    if subject is not None:
        metadata["subject"] = subject
    if show_title:
        metadata["displayDocTitle"] = True
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=frame.size,
        leftMargin=frame.margin,
        rightMargin=frame.margin,
        topMargin=frame.margin,
        bottomMargin=frame.margin,
        title=title,
        author=settings.OPERATOR_NAME,
        creator=settings.SITE_NAME,
        lang=translation.get_language() or settings.LANGUAGE_CODE,
        **metadata,
    )
    if footer is None:
        document.build(list(story))
    else:
        document.build(list(story), onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
