"""Voting codes on paper: one letter per code, with the three ways to vote and a ballot to
send back, and the list of codes as CSV for a mail merge."""

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.core.pdf import (
    Block,
    Checkboxes,
    Code,
    Heading,
    PageBreak,
    Paragraph,
    Space,
    Together,
    pdf_build,
)
from offenestadt.core.spreadsheets import csv_table
from offenestadt.voting.models import CodeBatch, Vote, VoteKind, euro


def codes_csv(*, batch: CodeBatch, codes: Sequence[str]) -> str:
    """The codes, numbered as the letters are, for printing them into letters elsewhere."""
    rows = ([number, code, batch.vote_id, batch.pk] for number, code in enumerate(codes, start=1))
    return csv_table(["number", "code", "vote", "batch"], rows, lineterminator="\n")


def _when(vote: Vote) -> str:
    opens = timezone.localtime(vote.opens_at).strftime("%d.%m.%Y %H:%M")
    closes = timezone.localtime(vote.closes_at).strftime("%d.%m.%Y %H:%M")
    return f"{opens} – {closes}"


def _options(vote: Vote) -> Checkboxes:
    labels = []
    for option in vote.options.all():
        label = option.label
        if vote.kind == VoteKind.BUDGET and option.cost is not None:
            label = f"{label} ({euro(option.cost)} €)"
        labels.append(label)
    return Checkboxes(labels)


def _letter(*, vote: Vote, code: str, number: int, total: int, url: str) -> list[Block]:
    procedure = vote.procedure
    return [
        Paragraph(
            f"{settings.OPERATOR_NAME} · {settings.OPERATOR_ADDRESS}", size="small", muted=True
        ),
        Space(10),
        Heading(_("Ihr Abstimmungscode")),
        Paragraph(
            _("Abstimmung: %(title)s") % {"title": vote.title}
            + " · "
            + _("Verfahren: %(title)s") % {"title": procedure.title}
        ),
        Paragraph(_("Abstimmen können Sie vom %(period)s.") % {"period": _when(vote)}),
        Space(6),
        Code(code),
        Space(4),
        Paragraph(
            _(
                "Der Code gilt für eine Stimme. Er ist nirgends mit Ihrem Namen gespeichert, "
                "und Ihre Stimme wird ohne ihn gespeichert: niemand kann sehen, wie Sie "
                "abgestimmt haben."
            )
        ),
        Heading(_("So stimmen Sie ab – wählen Sie einen Weg:"), level=2),
        Paragraph(
            _(
                "1. Online: Öffnen Sie %(url)s und geben Sie den Code ein. Danach erhalten Sie "
                "einen Beleg, mit dem Sie prüfen können, dass Ihre Stimme gezählt wird."
            )
            % {"url": url}
        ),
        Paragraph(
            _(
                "2. Per Brief: Kreuzen Sie unten an, trennen Sie den Abschnitt ab und schicken "
                "Sie ihn an %(address)s. Ein Absender ist nicht nötig."
            )
            % {"address": f"{settings.OPERATOR_NAME}, {settings.OPERATOR_ADDRESS}"}
        ),
        Paragraph(
            _(
                "3. Persönlich: Bringen Sie diesen Brief ins Bürgerbüro. Dort stimmen Sie auf "
                "Papier oder an einem Gerät ab; Fragen beantworten wir auch am Telefon unter "
                "%(phone)s."
            )
            % {"phone": settings.OPERATOR_PHONE}
        ),
        Space(8),
        Together(
            [
                Paragraph(_("Hier abtrennen") + " " + "- " * 45, size="small"),
                Heading(_("Stimmzettel: %(title)s") % {"title": vote.title}, level=2),
                Paragraph(vote.ballot_rule),
                Space(2),
                _options(vote),
                Space(3),
                Paragraph(_("Code: %(code)s") % {"code": code}),
            ]
        ),
        Space(4),
        Paragraph(
            _("Brief %(number)s von %(total)s") % {"number": number, "total": total},
            size="small",
        ),
    ]


def letters_pdf(*, batch: CodeBatch, codes: Sequence[str], url: str) -> bytes:
    """One A4 letter per code: the code, how to vote online, by letter and in person, and a
    ballot to send back."""
    vote = batch.vote
    blocks: list[Block] = []
    for number, code in enumerate(codes, start=1):
        if blocks:
            blocks.append(PageBreak())
        blocks += _letter(vote=vote, code=code, number=number, total=len(codes), url=url)
    return pdf_build(blocks, title=_("Abstimmungscodes: %(title)s") % {"title": vote.title})
