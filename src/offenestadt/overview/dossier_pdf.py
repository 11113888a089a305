"""A meeting's dossier for council members as a tagged PDF (PDF/UA), in the platform's one PDF
layout (``core.pdf``): a cover with the meeting, then one chapter per smart-city item."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from offenestadt.contracts.models import Redaction
from offenestadt.core.pdf import Block, Heading, Paragraph, Table, pdf_build
from offenestadt.council.models import Location, Meeting
from offenestadt.overview.dossier import ContractEntry, Dossier, ItemEntry, ProjectEntry

LABEL_WIDTH = 45  # mm
NONE = "–"


def _moment(value: datetime) -> str:
    """A moment as people in the city read it: in the city's time zone."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value: datetime | date | None) -> str:
    if value is None:
        return NONE
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT")


def _place(location: Location | None) -> str:
    if location is None:
        return _("nicht angegeben")
    town = f"{location.postal_code} {location.locality}".strip()
    parts = [
        location.description or location.street_address,
        location.room,
        location.street_address if location.description else "",
        town,
    ]
    return ", ".join(part for part in parts if part) or _("nicht angegeben")


def meeting_title(meeting: Meeting) -> str:
    """The meeting by its name, else by its bodies."""
    bodies = ", ".join(organization.name for organization in meeting.organizations.all())
    return meeting.name or bodies or _("Sitzung")


def _cover(dossier: Dossier) -> list[Block]:
    meeting = dossier.meeting
    bodies = ", ".join(o.name for o in meeting.organizations.all()) or _("nicht angegeben")
    rows = [
        [_("Gremium"), bodies],
        [_("Beginn"), _moment(meeting.start) if meeting.start else _("nicht angegeben")],
        *([[_("Ende"), _moment(meeting.end)]] if meeting.end else []),
        [_("Ort"), _place(meeting.location)],
        *([[_("Status"), meeting.meeting_state]] if meeting.meeting_state else []),
        *([[_("Im Ratsinformationssystem"), meeting.web]] if meeting.web else []),
        [_("Erstellt"), _moment(dossier.generated_at)],
    ]
    blocks: list[Block] = [
        Heading(_("Dossier: %(meeting)s") % {"meeting": meeting_title(meeting)}),
        Paragraph(
            _(
                "%(name)s: was die Plattform über die Smart-City-Vorhaben auf der Tagesordnung "
                "veröffentlicht hat – die Prüfung nach der Charta, die Verträge, die "
                "Verarbeitungen personenbezogener Daten, die Ergebnisse der Beteiligung und die "
                "offenen Befunde. Es enthält nur Veröffentlichtes."
            )
            % {"name": settings.OPERATOR_NAME}
        ),
    ]
    if meeting.cancelled:
        blocks.append(Paragraph(_("Die Sitzung ist abgesagt.")))
    blocks.append(Table(rows, widths=[LABEL_WIDTH, None], label_column=True))
    if not dossier.items:
        blocks.append(
            Paragraph(
                _(
                    "Auf der Tagesordnung dieser Sitzung steht kein Punkt, dessen Vorlagen mit "
                    "einem veröffentlichten Smart-City-Projekt oder Vertrag verknüpft sind."
                )
            )
        )
    return blocks


def _scorecard(entry: ProjectEntry) -> list[Block]:
    blocks: list[Block] = [Heading(_("Prüfung nach der Charta"), 4)]
    scorecard, evaluation = entry.scorecard, entry.evaluation
    if scorecard.charter is None or evaluation is None:
        return [*blocks, Paragraph(_("Das Projekt ist noch nicht nach der Charta geprüft."))]
    blocks.append(
        Paragraph(
            _("Geprüft nach Charta-Version %(number)s am %(day)s.")
            % {"number": scorecard.charter.number, "day": _day(evaluation.evaluated_at)}
        )
    )
    header = [_("Grundsatz"), _("Ergebnis"), _("Befunde")]
    rows = [
        [
            f"{row.principle.id}: {row.principle.title}",
            f"{row.icon} {row.status.label}" if row.status else _("keine Regel"),
            [str(finding.message) for finding in row.findings] or [NONE],
        ]
        for row in scorecard.rows
    ]
    return [*blocks, Table([header, *rows], widths=[50, 32, None], header=True)]


def _open_findings(entry: ProjectEntry) -> list[Block]:
    blocks: list[Block] = [Heading(_("Offene Befunde"), 4)]
    if not entry.open_findings:
        return [*blocks, Paragraph(_("Keine offenen Befunde."))]
    header = [_("Grundsatz"), _("Ergebnis"), _("Befund"), _("Veröffentlicht am")]
    rows = [
        [
            open_finding.finding.principle,
            str(open_finding.finding.status.label),
            str(open_finding.finding.message),
            _day(open_finding.published_at),
        ]
        for open_finding in entry.open_findings
    ]
    return [*blocks, Table([header, *rows], widths=[22, 30, None, 30], header=True)]


def _redaction(redaction: Redaction) -> str:
    """A redacted passage with what it protects, its legal basis and its justification."""
    parts = [redaction.passage, redaction.get_category_display(), redaction.legal_basis]
    return " – ".join(str(part) for part in [*parts, redaction.reason] if part)


def _contract(entry: ContractEntry, level: int) -> list[Block]:
    contract = entry.contract
    rows: list[list[str | list[str]]] = [
        [_("Auftragnehmer"), str(contract.vendor or NONE)],
        [_("Stand"), str(contract.get_status_display())],
        [_("Veröffentlicht am"), _day(contract.published_at)],
        [_("Eigentum an den Daten"), str(contract.get_data_owner_display() or NONE)],
        [_("Ort der Daten"), str(entry.region.label)],
        [_("Orte im Einzelnen"), entry.places or [_("nicht angegeben")]],
        [
            _("Schwärzungen"),
            [_redaction(redaction) for redaction in entry.redactions] or [_("keine")],
        ],
    ]
    if contract.purpose:
        rows.insert(0, [_("Zweck"), contract.purpose])
    return [
        Heading(_("Vertrag: %(title)s") % {"title": contract.title}, level),
        Table(rows, widths=[LABEL_WIDTH, None], label_column=True),
    ]


def _contracts(entry: ProjectEntry) -> list[Block]:
    blocks: list[Block] = [Heading(_("Verträge"), 4)]
    if not entry.contracts:
        return [*blocks, Paragraph(_("Kein veröffentlichter Vertrag."))]
    return blocks + [block for contract in entry.contracts for block in _contract(contract, 5)]


def _activities(entry: ProjectEntry) -> list[Block]:
    blocks: list[Block] = [Heading(_("Verarbeitungstätigkeiten"), 4)]
    if not entry.activities:
        return [*blocks, Paragraph(_("Keine veröffentlichte Verarbeitungstätigkeit."))]
    header = [
        _("Verarbeitungstätigkeit"),
        _("Zwecke"),
        _("Datenkategorien"),
        _("Veröffentlicht am"),
    ]
    rows = [
        [
            activity.title,
            activity.purposes or NONE,
            [category.name for category in activity.categories.all()] or [NONE],
            _day(activity.published_at),
        ]
        for activity in entry.activities
    ]
    return [*blocks, Table([header, *rows], widths=[45, None, 45, 30], header=True)]


def _procedures(entry: ProjectEntry) -> list[Block]:
    blocks: list[Block] = [Heading(_("Beteiligung"), 4)]
    if not entry.procedures:
        return [*blocks, Paragraph(_("Kein veröffentlichtes Beteiligungsverfahren."))]
    for procedure in entry.procedures:
        blocks.append(
            Paragraph(
                _("%(title)s (veröffentlicht am %(day)s)")
                % {"title": procedure.title, "day": _day(procedure.published_at)}
            )
        )
        if procedure.result_report_published_at and procedure.result_report:
            blocks += [
                Paragraph(
                    _("Ergebnisbericht, veröffentlicht am %(day)s:")
                    % {"day": _day(procedure.result_report_published_at)}
                ),
                Paragraph(procedure.result_report),
            ]
        else:
            blocks.append(Paragraph(_("Der Ergebnisbericht ist noch nicht veröffentlicht.")))
    return blocks


def _project(entry: ProjectEntry) -> list[Block]:
    project = entry.project
    return [
        Heading(_("Projekt: %(title)s") % {"title": project.title}, 3),
        Table(
            [
                [_("Stand"), str(project.get_status_display())],
                [_("Zuständig"), str(project.office)],
                [_("Veröffentlicht am"), _day(project.published_at)],
                [_("Worum es geht"), project.summary],
            ],
            widths=[LABEL_WIDTH, None],
            label_column=True,
        ),
        *_scorecard(entry),
        *_open_findings(entry),
        *_contracts(entry),
        *_activities(entry),
        *_procedures(entry),
    ]


def _item(entry: ItemEntry) -> list[Block]:
    item = entry.item
    name = item.name or _("ohne Bezeichnung")
    papers = [
        " ".join(part for part in (paper.reference, paper.name) if part) for paper in entry.papers
    ]
    blocks: list[Block] = [
        Heading(
            _("Tagesordnungspunkt %(number)s: %(name)s") % {"number": item.number, "name": name}
            if item.number
            else name,
            2,
        ),
        Table(
            [[_("Vorlagen"), papers or [NONE]]],
            widths=[LABEL_WIDTH, None],
            label_column=True,
        ),
    ]
    for project in entry.projects:
        blocks += _project(project)
    for contract in entry.contracts:
        blocks += _contract(contract, 3)
    return blocks


def dossier_pdf(dossier: Dossier) -> bytes:
    """The dossier as the bytes of a tagged PDF in the language now active."""
    title = _("Dossier: %(meeting)s") % {"meeting": meeting_title(dossier.meeting)}
    blocks = _cover(dossier)
    for item in dossier.items:
        blocks += _item(item)
    return pdf_build(
        blocks,
        title=title,
        subject=_("Dossier zur Ratssitzung mit den Smart-City-Vorhaben auf der Tagesordnung"),
        footer=f"{title} – {settings.OPERATOR_NAME} – {_moment(dossier.generated_at)}",
    )
