"""Voting codes on paper: one letter per code, with the three ways to vote and a ballot to
send back, and the list of codes as CSV for a mail merge."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from offenestadt.core.pdf import FONT, FONT_CODE, PageFrame, markup, pdf_build
from offenestadt.core.spreadsheets import csv_table
from offenestadt.voting.models import CodeBatch, Vote, VoteKind, euro

FRAME = PageFrame(size=A4, margin=20 * mm)
TEXT_WIDTH = FRAME.text_width


def codes_csv(*, batch: CodeBatch, codes: Sequence[str]) -> str:
    """The codes, numbered as the letters are, for printing them into letters elsewhere."""
    rows = ([number, code, batch.vote_id, batch.pk] for number, code in enumerate(codes, start=1))
    return csv_table(["number", "code", "vote", "batch"], rows, lineterminator="\n")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=10.5)
    return {
        "sender": ParagraphStyle("sender", parent=body, fontSize=8, textColor=colors.grey),
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=17, alignment=0),
        "heading": ParagraphStyle("heading", parent=base["Heading3"], fontSize=11.5),
        "body": body,
        "code": ParagraphStyle(
            "code", parent=body, fontName=FONT_CODE, fontSize=22, leading=28, alignment=1
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)


def _when(vote: Vote) -> str:
    opens = timezone.localtime(vote.opens_at).strftime("%d.%m.%Y %H:%M")
    closes = timezone.localtime(vote.closes_at).strftime("%d.%m.%Y %H:%M")
    return f"{opens} – {closes}"


def _option_rows(vote: Vote, styles: dict[str, ParagraphStyle]) -> Table:
    rows = []
    for option in vote.options.all():
        label = option.label
        if vote.kind == VoteKind.BUDGET and option.cost is not None:
            label = f"{label} ({euro(option.cost)} €)"
        rows.append(["", _p(label, styles["body"])])
    table = Table(rows or [["", ""]], colWidths=[8 * mm, TEXT_WIDTH - 8 * mm])
    table.setStyle(
        TableStyle(
            [
                # An empty box to mark, beside each answer.
                ("BOX", (0, i), (0, i), 0.8, colors.black)
                for i in range(len(rows))
            ]
            + [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        )
    )
    return table


def _letter(
    *, vote: Vote, code: str, number: int, total: int, url: str, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    procedure = vote.procedure
    return [
        _p(f"{settings.OPERATOR_NAME} · {settings.OPERATOR_ADDRESS}", styles["sender"]),
        Spacer(1, 10 * mm),
        _p(_("Ihr Abstimmungscode"), styles["title"]),
        _p(
            _("Abstimmung: %(title)s") % {"title": vote.title}
            + " · "
            + _("Verfahren: %(title)s") % {"title": procedure.title},
            styles["body"],
        ),
        _p(_("Abstimmen können Sie vom %(period)s.") % {"period": _when(vote)}, styles["body"]),
        Spacer(1, 6 * mm),
        _p(code, styles["code"]),
        Spacer(1, 4 * mm),
        _p(
            _(
                "Der Code gilt für eine Stimme. Er ist nirgends mit Ihrem Namen gespeichert, "
                "und Ihre Stimme wird ohne ihn gespeichert: niemand kann sehen, wie Sie "
                "abgestimmt haben."
            ),
            styles["body"],
        ),
        _p(_("So stimmen Sie ab – wählen Sie einen Weg:"), styles["heading"]),
        _p(
            _(
                "1. Online: Öffnen Sie %(url)s und geben Sie den Code ein. Danach erhalten Sie "
                "einen Beleg, mit dem Sie prüfen können, dass Ihre Stimme gezählt wird."
            )
            % {"url": url},
            styles["body"],
        ),
        _p(
            _(
                "2. Per Brief: Kreuzen Sie unten an, trennen Sie den Abschnitt ab und schicken "
                "Sie ihn an %(address)s. Ein Absender ist nicht nötig."
            )
            % {"address": f"{settings.OPERATOR_NAME}, {settings.OPERATOR_ADDRESS}"},
            styles["body"],
        ),
        _p(
            _(
                "3. Persönlich: Bringen Sie diesen Brief ins Bürgerbüro. Dort stimmen Sie auf "
                "Papier oder an einem Gerät ab; Fragen beantworten wir auch am Telefon unter "
                "%(phone)s."
            )
            % {"phone": settings.OPERATOR_PHONE},
            styles["body"],
        ),
        Spacer(1, 8 * mm),
        KeepTogether(
            [
                _p(_("Hier abtrennen") + " " + "- " * 45, styles["small"]),
                _p(_("Stimmzettel: %(title)s") % {"title": vote.title}, styles["heading"]),
                _p(vote.ballot_rule, styles["body"]),
                Spacer(1, 2 * mm),
                _option_rows(vote, styles),
                Spacer(1, 3 * mm),
                _p(_("Code: %(code)s") % {"code": code}, styles["body"]),
            ]
        ),
        Spacer(1, 4 * mm),
        _p(
            _("Brief %(number)s von %(total)s") % {"number": number, "total": total},
            styles["small"],
        ),
    ]


def letters_pdf(*, batch: CodeBatch, codes: Sequence[str], url: str) -> bytes:
    """One A4 letter per code: the code, how to vote online, by letter and in person, and a
    ballot to send back."""
    vote = batch.vote
    styles = _styles()
    story: list[Any] = []
    for number, code in enumerate(codes, start=1):
        if story:
            story.append(PageBreak())
        story += _letter(
            vote=vote, code=code, number=number, total=len(codes), url=url, styles=styles
        )
    return pdf_build(
        story, frame=FRAME, title=_("Abstimmungscodes: %(title)s") % {"title": vote.title}
    )
