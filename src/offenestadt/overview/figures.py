"""The dashboard's figures, each from one selector of the app that owns the records: the
charter's ratings (now and over the last twelve months), contracts by where their data goes,
contributions by channel, open datasets and training offers."""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Status
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts.selectors import DataRegion, contracts_by_data_region
from offenestadt.opendata.catalogue.selectors import datasets_published_by_year
from offenestadt.overview.charts import Bar, Chart, Series
from offenestadt.participation.procedures.figures import contributions_by_channel
from offenestadt.registry.selectors import principle_counts, standings_on, training_offer_counts

# Each status in its colour and its pattern: told apart without colour too.
STATUS_SERIES = {
    Status.MET: Series(Status.MET.label, "#1b6e3a"),
    Status.VIOLATED: Series(Status.VIOLATED.label, "#b42318", "hatch"),
    Status.MISSING: Series(Status.MISSING.label, "#8a4b00", "dots"),
    Status.NOT_APPLICABLE: Series(Status.NOT_APPLICABLE.label, "#5f6773"),
}
# From best to worst, as the legend reads.
STATUSES = [Status.MET, Status.VIOLATED, Status.MISSING, Status.NOT_APPLICABLE]
SINGLE = Series(_("Anzahl"), "#1d4e89")
MONTHS = 12


def principles_chart(charter: CharterVersion | None) -> Chart:
    """Per principle of the charter in force: the published projects that meet it, breach
    it, lack evidence for it or to which it does not apply."""
    counts = principle_counts()
    projects = reverse("registry:project_list")
    return Chart(
        id="grundsaetze",
        title=_("Projekte nach Grundsätzen der Charta"),
        description=_(
            "Für jeden Grundsatz: wie viele veröffentlichte Projekte ihn erfüllen, verletzen, "
            "ohne Nachweis sind oder nicht betroffen sind, nach der letzten Prüfung."
        ),
        series=[STATUS_SERIES[status] for status in STATUSES],
        bars=[
            Bar(
                label=principle.id,
                heading=f"{principle.id}: {principle.title}",
                href=f"{projects}?{urlencode({'prinzip': principle.id})}",
                values=[counts.get((principle.id, status), 0) for status in STATUSES],
            )
            for principle in (charter.principles() if charter else [])
        ],
        row_heading=_("Grundsatz"),
        unit=_("Projekte"),
    )


def month_ends(now: datetime, months: int = MONTHS) -> list[datetime]:
    """The last moment of each of the ``months`` months up to ``now``'s (which ends now)."""
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    ends = [now]
    for _month in range(months - 1):
        ends.append(start - timedelta(microseconds=1))
        start = (start - timedelta(days=1)).replace(day=1)
    return ends[::-1]


def timeline_chart(now: datetime) -> Chart:
    """For the end of each of the last twelve months: the published projects by the worst
    status of their evaluation then."""
    moments = month_ends(now)
    standings = standings_on(moments)
    return Chart(
        id="verlauf",
        title=_("Verlauf: Projekte nach ihrem schlechtesten Befund"),
        description=_(
            "Für das Ende jedes der letzten zwölf Monate: wie viele veröffentlichte Projekte "
            "alle Grundsätze erfüllen, mindestens einen verletzen oder einen Nachweis schuldig "
            "sind, nach der damals gültigen Prüfung."
        ),
        series=[STATUS_SERIES[status] for status in STATUSES],
        bars=[
            Bar(
                label=date_format(timezone.localtime(moment), "M Y"),
                heading=date_format(timezone.localtime(moment), "F Y"),
                values=[standings[moment].worst[status] for status in STATUSES],
            )
            for moment in moments
        ],
        row_heading=_("Monat"),
        unit=_("Projekte"),
    )


def contracts_chart() -> Chart:
    counts = contracts_by_data_region()
    return Chart(
        id="vertraege",
        title=_("Verträge nach Ort der Daten"),
        description=_(
            "Veröffentlichte Verträge danach, wo ihre Daten verarbeitet, gespeichert oder "
            "abgerufen werden: nur in der EU und im EWR, auch in Drittländern, oder ohne "
            "vollständige Angabe."
        ),
        series=[SINGLE],
        bars=[Bar(label=str(region.label), values=[counts[region]]) for region in DataRegion],
        row_heading=_("Ort der Daten"),
        unit=_("Verträge"),
    )


def participation_chart() -> Chart:
    counts = contributions_by_channel()
    return Chart(
        id="beteiligung",
        title=_("Beteiligung nach Eingangsweg"),
        description=_(
            "Kommentare und Vorschläge zu veröffentlichten Beteiligungsverfahren danach, ob "
            "sie online, per Telefon, per Post oder persönlich eingingen."
        ),
        series=[Series(_("Kommentare"), "#1d4e89"), Series(_("Vorschläge"), "#6b3fa0", "hatch")],
        bars=[
            Bar(label=str(channel.label), values=[row.comments, row.proposals])
            for channel, row in counts.items()
        ],
        row_heading=_("Eingangsweg"),
        unit=_("Beiträge"),
    )


def datasets_chart() -> Chart:
    years = datasets_published_by_year()
    return Chart(
        id="daten",
        title=_("Veröffentlichte offene Datensätze"),
        description=_(
            "Die Datensätze im Katalog danach, in welchem Jahr sie veröffentlicht wurden."
        ),
        series=[SINGLE],
        bars=[Bar(label=str(year), values=[count]) for year, count in years.items()],
        row_heading=_("Jahr"),
        unit=_("Datensätze"),
    )


def training_chart() -> Chart:
    counts = training_offer_counts()
    return Chart(
        id="schulungen",
        title=_("Schulungsangebote"),
        description=_(
            "Die Schulungsangebote veröffentlichter Projekte, kostenlos oder mit Kosten."
        ),
        series=[SINGLE],
        bars=[
            Bar(label=str(_("kostenlos")), values=[counts["free"]]),
            Bar(label=str(_("mit Kosten")), values=[counts["paid"]]),
        ],
        row_heading=_("Angebot"),
        unit=_("Schulungsangebote"),
    )


def dashboard(charter: CharterVersion | None, now: datetime) -> list[Chart]:
    """Every figure of the full dashboard, in the order of the page."""
    return [
        principles_chart(charter),
        timeline_chart(now),
        contracts_chart(),
        participation_chart(),
        datasets_chart(),
        training_chart(),
    ]
