"""The dashboard's figures, each from one selector of the app that owns the records: the
charter's ratings (now and, per principle, over the programme's life), contracts by where
their data goes, contributions by channel, open datasets and training offers."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.engine import Status
from offenestadt.charter.models import CharterVersion, Principle
from offenestadt.contracts.selectors import DataRegion, contracts_by_data_region
from offenestadt.opendata.catalogue.selectors import datasets_published_by_year
from offenestadt.overview.charts import Bar, Chart, Series
from offenestadt.participation.procedures.figures import contributions_by_channel
from offenestadt.registry.selectors import (
    Standing,
    first_publication,
    principle_counts,
    standings_on,
)
from offenestadt.training.selectors import places_ahead

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
NO_BREAK = "\N{NO-BREAK SPACE}"
# The most quarters the timeline shows; a longer programme is shown by year.
QUARTERS = 12


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


@dataclass(frozen=True)
class Period:
    """A quarter or a year of the programme: its last moment (now, for the current one), its
    short label in the drawing and its name in the table."""

    end: datetime
    label: str
    heading: str


@dataclass(frozen=True)
class Timeline:
    """The periods whose ends the timeline counts at, and whether they are years."""

    periods: list[Period]
    by_year: bool


def _quarter_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    month = (local.month - 1) // 3 * 3 + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_quarter(start: datetime) -> datetime:
    if start.month == 10:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 3)


def _period(following: datetime, now: datetime, label: str, heading: str) -> Period:
    """The period that ends before ``following`` starts; the current one ends now."""
    if following <= now:
        return Period(end=following - timedelta(microseconds=1), label=label, heading=heading)
    running = gettext("%(period)s (bis heute)") % {"period": heading}
    return Period(end=now, label=label, heading=running)


def programme_timeline(first: datetime | None, now: datetime) -> Timeline:
    """The quarters from ``first``'s to ``now``'s; the years instead when there would be more
    than ``QUARTERS`` quarters."""
    starts = [_quarter_start(first or now)]
    while (following := _next_quarter(starts[-1])) <= now:
        starts.append(following)
    if len(starts) > QUARTERS:
        years = range(starts[0].year, starts[-1].year + 1)
        new_year = starts[0].replace(month=1)
        return Timeline(
            [_period(new_year.replace(year=year + 1), now, str(year), str(year)) for year in years],
            by_year=True,
        )
    quarters = []
    for start in starts:
        names = {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
        label = gettext("Q%(quarter)s %(year)s") % names
        # A quarter's name is not broken across lines (in the table's narrow first column).
        heading = (gettext("%(quarter)s. Quartal %(year)s") % names).replace(" ", NO_BREAK)
        quarters.append(_period(_next_quarter(start), now, label, heading))
    return Timeline(quarters, by_year=False)


def timeline_charts(charter: CharterVersion | None, now: datetime) -> list[Chart]:
    """Per principle of the charter in force, at the end of each quarter (or year) since the
    first project was published: the published projects that met it, breached it, lacked
    evidence for it or to which it did not apply, by the evaluation then in force."""
    timeline = programme_timeline(first_publication(), now)
    standings = standings_on([period.end for period in timeline.periods])
    return [
        _timeline_chart(principle, timeline, standings)
        for principle in (charter.principles() if charter else [])
    ]


def _timeline_chart(
    principle: Principle, timeline: Timeline, standings: dict[datetime, Standing]
) -> Chart:
    """One principle's chart; the periods before projects were first rated under it (an
    earlier version of the charter did not have it) are left out, and the chart says so."""
    rated = [
        period
        for period in timeline.periods
        if any(standings[period.end].get((principle.id, status)) for status in STATUSES)
    ]
    periods = timeline.periods[timeline.periods.index(rated[0]) :] if rated else timeline.periods
    note = (
        gettext(
            "Projekte wurden erst ab %(period)s nach diesem Grundsatz geprüft; frühere "
            "Zeiträume fehlen daher."
        )
        % {"period": periods[0].label}
        if periods != timeline.periods
        else ""
    )
    return Chart(
        id=f"verlauf-{principle.id.lower()}",
        title=gettext("Verlauf %(principle)s: %(title)s")
        % {"principle": principle.id, "title": principle.title},
        description=(
            gettext(
                "Für das Ende jedes Jahres: wie viele veröffentlichte Projekte den "
                "Grundsatz damals erfüllten, verletzten, ohne Nachweis waren oder nicht "
                "betroffen waren, nach der damals gültigen Prüfung."
            )
            if timeline.by_year
            else gettext(
                "Für das Ende jedes Quartals: wie viele veröffentlichte Projekte den "
                "Grundsatz damals erfüllten, verletzten, ohne Nachweis waren oder nicht "
                "betroffen waren, nach der damals gültigen Prüfung."
            )
        ),
        series=[STATUS_SERIES[status] for status in STATUSES],
        bars=[
            Bar(
                label=period.label,
                heading=period.heading,
                values=[
                    standings[period.end].get((principle.id, status), 0) for status in STATUSES
                ],
            )
            for period in periods
        ],
        row_heading=_("Jahr") if timeline.by_year else _("Quartal"),
        unit=_("Projekte"),
        note=note,
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
    places = places_ahead()
    return Chart(
        id="schulungen",
        title=_("Plätze in Schulungen"),
        description=_(
            "Die Plätze der kommenden Termine im Schulungskatalog, in kostenlosen Schulungen "
            "und in Schulungen mit Kosten."
        ),
        note=_("Abgesagte Termine zählen nicht."),
        series=[SINGLE],
        bars=[
            Bar(label=str(_("kostenlos")), values=[places["free"]]),
            Bar(label=str(_("mit Kosten")), values=[places["paid"]]),
        ],
        row_heading=_("Schulung"),
        unit=_("Plätze"),
    )


@dataclass(frozen=True)
class Dashboard:
    """The full dashboard's figures in the order of the page: the principles now, each
    principle over time, then the programme's other figures."""

    principles: Chart
    timeline: list[Chart]
    others: list[Chart]


def dashboard(charter: CharterVersion | None, now: datetime) -> Dashboard:
    return Dashboard(
        principles=principles_chart(charter),
        timeline=timeline_charts(charter, now),
        others=[contracts_chart(), participation_chart(), datasets_chart(), training_chart()],
    )
