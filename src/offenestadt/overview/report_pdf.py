"""The council's annual report as a tagged PDF (PDF/UA), in the platform's one PDF layout
(``core.pdf``): the same sections, sentences and tables as the page."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offenestadt.core.display import prefixed
from offenestadt.core.pdf import Block, Heading, Paragraph, Table
from offenestadt.core.pdf import pdf_build as build
from offenestadt.overview.report import AnnualReport, OverrideEntry, ProcedureEntry


def _moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _facts(report: AnnualReport) -> list[Block]:
    charter = report.charter
    in_force = (
        _("Version %(number)s, beschlossen am %(adopted)s (%(decision)s)")
        % {
            "number": charter.number,
            "adopted": date_format(charter.adopted_on, "DATE_FORMAT"),
            "decision": charter.council_decision,
        }
        if charter
        else _("keine Charta in Kraft")
    )
    as_of = _moment(report.as_of)
    if not report.is_complete:
        as_of += " – " + _("das Jahr ist noch nicht zu Ende; der Bericht zeigt es bis heute.")
    return [
        Heading(_("Jahresbericht %(year)s des Smart-City-Programms") % {"year": report.year}),
        Paragraph(
            _(
                "%(name)s: der Bericht an den Rat über die Charta, ihre Grundsätze und wie "
                "die Projekte sie einhalten."
            )
            % {"name": settings.OPERATOR_NAME}
        ),
        Table(
            [
                [_("Stand"), as_of],
                [_("Charta"), in_force],
                [_("Erstellt"), _moment(report.generated_at)],
            ],
            widths=[35, None],
            label_column=True,
        ),
    ]


def _principles(report: AnnualReport) -> list[Block]:
    blocks: list[Block] = [
        Heading(_("1. Stand der Grundsätze"), 2),
        Paragraph(
            _(
                "Wie viele veröffentlichte Projekte jeden Grundsatz erfüllen, verletzen, ohne "
                "Nachweis sind oder nicht betroffen sind, nach der zum Stichtag gültigen Prüfung."
            )
        ),
    ]
    if not report.principles:
        return [*blocks, Paragraph(_("Es war keine Charta in Kraft."))]
    header = [
        _("Grundsatz"),
        *(str(status.label) for status, _count in report.principles[0].counts),
    ]
    rows = [
        [f"{row.principle.id}: {row.principle.title}", *(str(count) for _s, count in row.counts)]
        for row in report.principles
    ]
    widths: list[float | None] = [None, 25, 25, 25, 25]
    return [*blocks, Table([header, *rows], widths=widths, header=True)]


def _override(entry: OverrideEntry) -> list[Block]:
    override = entry.override
    return [
        Heading(
            f"{override.project.title}: "
            + _("weiter nach „%(status)s“") % {"status": override.get_to_status_display()},
            3,
        ),
        Paragraph(
            _("%(reference)s vom %(decided)s.")
            % {
                "reference": prefixed(override.decision_reference, _("Ratsbeschluss")),
                "decided": date_format(override.decided_on, "DATE_FORMAT"),
            }
        ),
        Paragraph(_("Begründung:") + " " + override.justification),
        Paragraph(_("Übergangene Befunde:")),
        Table(
            [[f"{f.principle} ({f.status.label})", str(f.message)] for f in entry.findings]
            or [["–", _("keine festgehalten")]],
            widths=[35, None],
            label_column=True,
        ),
    ]


def _overrides(report: AnnualReport) -> list[Block]:
    blocks: list[Block] = [
        Heading(_("2. Schritte trotz offener Befunde, durch Ratsentscheidung"), 2)
    ]
    if not report.overrides:
        text = _(
            "Kein Projekt ist in diesem Jahr durch eine Ratsentscheidung trotz offener Befunde "
            "weitergegangen."
        )
        return [*blocks, Paragraph(text)]
    return blocks + [block for entry in report.overrides for block in _override(entry)]


def _contracts(report: AnnualReport) -> list[Block]:
    blocks: list[Block] = [Heading(_("3. Unterzeichnete Verträge und wo ihre Daten sind"), 2)]
    if not report.contracts:
        text = _("In diesem Jahr wurde kein veröffentlichter Vertrag unterzeichnet.")
        return [*blocks, Paragraph(text)]
    header = [
        _("Vertrag"),
        _("Auftragnehmer"),
        _("Unterzeichnet am"),
        _("Ort der Daten"),
        _("Orte im Einzelnen"),
    ]
    rows = [
        [
            entry.contract.title,
            str(entry.contract.vendor or "–"),
            date_format(entry.contract.signed_on, "DATE_FORMAT")
            if entry.contract.signed_on
            else "–",
            str(entry.region.label),
            entry.places or [_("nicht angegeben")],
        ]
        for entry in report.contracts
    ]
    return [*blocks, Table([header, *rows], widths=[None, 35, 28, 30, None], header=True)]


def _deletions(report: AnnualReport) -> list[Block]:
    deletions = report.deletions
    summary = (
        ngettext("%(count)s Löschlauf.", "%(count)s Löschläufe.", deletions.runs)
        % {"count": deletions.runs}
        + " "
        + ngettext(
            "%(count)s Datensatz gelöscht oder anonymisiert.",
            "%(count)s Datensätze gelöscht oder anonymisiert.",
            deletions.total,
        )
        % {"count": deletions.total}
    )
    blocks: list[Block] = [
        Heading(_("4. Löschungen nach Ablauf der Fristen"), 2),
        Paragraph(summary),
    ]
    if deletions.counts:
        header = [_("Datenkategorie"), _("Verarbeitung"), _("Anzahl")]
        rows = [[name, activity or "–", str(count)] for name, activity, count in deletions.counts]
        blocks.append(Table([header, *rows], widths=[None, None, 25], header=True))
    return blocks


def _procedure(entry: ProcedureEntry) -> list[Block]:
    procedure, mix = entry.procedure, entry.mix
    published = procedure.result_report_published_at
    summary = (
        _("Ergebnisbericht veröffentlicht am %(date)s.")
        % {"date": date_format(timezone.localtime(published), "DATE_FORMAT") if published else "–"}
        + " "
        + ngettext(
            "%(count)s Beitrag, davon %(offline)s nicht online.",
            "%(count)s Beiträge, davon %(offline)s nicht online.",
            mix.contributions,
        )
        % {"count": mix.contributions, "offline": mix.offline}
    )
    header = [_("Eingangsweg"), _("Kommentare"), _("Vorschläge"), _("Unterstützungen")]
    rows = [
        [row.label, str(row.comments), str(row.proposals), str(row.supports)] for row in mix.rows
    ]
    return [
        Heading(procedure.title, 3),
        Paragraph(summary),
        Table([header, *rows], widths=[None, 30, 30, 30], header=True),
        Paragraph(_("Ergebnisbericht") + ": " + procedure.result_report),
    ]


def _procedures(report: AnnualReport) -> list[Block]:
    blocks: list[Block] = [Heading(_("5. Ergebnisse der Beteiligung"), 2)]
    if not report.procedures:
        return [*blocks, Paragraph(_("In diesem Jahr ist kein Ergebnisbericht erschienen."))]
    return blocks + [block for entry in report.procedures for block in _procedure(entry)]


def report_pdf(report: AnnualReport) -> bytes:
    """The report as the bytes of a tagged PDF in the language now active."""
    title = _("Jahresbericht %(year)s") % {"year": report.year}
    return build(
        [
            *_facts(report),
            *_principles(report),
            *_overrides(report),
            *_contracts(report),
            *_deletions(report),
            *_procedures(report),
        ],
        title=f"{title} – {settings.OPERATOR_NAME}",
        footer=f"{title} – {settings.OPERATOR_NAME}",
    )
