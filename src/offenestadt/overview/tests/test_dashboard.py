"""The public dashboard: per principle how many projects meet, breach or lack evidence (as the
charter engine stored it), over time, and the programme's other figures; each chart an SVG
with a title and a description and a table with the same numbers."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Status
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts.models import Contract
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.overview import figures
from offenestadt.overview.charts import Chart
from offenestadt.overview.tests.fixtures import Programme, contract_for, programme
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals.models import Proposal
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import (
    EvaluatedPrinciple,
    Project,
    ProjectEvaluation,
)
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.training.tests.factories import CourseFactory, SessionFactory

ClientFor = Callable[[User | None], Client]
VIOLATED = figures.STATUSES.index(Status.VIOLATED)


@pytest.fixture
def city(charter: CharterVersion, editor: User) -> Programme:
    return programme(editor)


def _bar(chart: Chart, label: str) -> list[int]:
    (bar,) = [bar for bar in chart.bars if bar.label == label]
    values: list[int] = bar.values
    return values


def test_a_project_breaching_p2_is_counted_under_breach(
    city: Programme, charter: CharterVersion
) -> None:
    chart = figures.principles_chart(charter)
    assert [bar.label for bar in chart.bars] == [p.id for p in charter.principles()]
    p2 = _bar(chart, "P2")
    # The project whose data stays in France is not in breach of P2 (whatever else it lacks).
    assert p2[VIOLATED] == 1
    # Every published project is rated under every principle; the draft is not counted.
    assert all(sum(bar.values) == 2 for bar in chart.bars)


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _evaluated(
    project: Project, charter: CharterVersion, at: datetime, statuses: dict[str, Status]
) -> None:
    """A stored evaluation of ``project`` at ``at`` rating each principle so."""
    evaluation = ProjectEvaluation.objects.create(
        project=project, charter_version=charter, evaluated_at=at, findings=[], is_current=False
    )
    for principle, status in statuses.items():
        EvaluatedPrinciple.objects.create(evaluation=evaluation, principle=principle, status=status)


def _rows(chart: Chart) -> dict[str, list[int]]:
    return {bar.heading.replace(figures.NO_BREAK, " "): bar.values for bar in chart.bars}


def test_each_principle_over_time_counts_the_evaluation_in_force_at_each_quarters_end(
    charter: CharterVersion, office: Office
) -> None:
    now = _local(2026, 12, 3, 12)
    # Published in February breaching P1; it met P1 from May (and was in breach again for a
    # day in August, mended before the quarter ended).
    mended = ProjectFactory.create(office=office, published_at=_local(2026, 2, 10))
    _evaluated(mended, charter, _local(2026, 2, 10), {"P1": Status.VIOLATED, "P2": Status.MET})
    _evaluated(mended, charter, _local(2026, 5, 20), {"P1": Status.MET, "P2": Status.MET})
    _evaluated(mended, charter, _local(2026, 8, 3), {"P1": Status.VIOLATED, "P2": Status.MET})
    _evaluated(mended, charter, _local(2026, 8, 4), {"P1": Status.MET, "P2": Status.MET})
    # Evaluated in March, counted only from its publication in July.
    late = ProjectFactory.create(office=office, published_at=_local(2026, 7, 1))
    _evaluated(late, charter, _local(2026, 3, 1), {"P1": Status.MISSING, "P2": Status.VIOLATED})
    # Evaluated on the last evening of September (local time): still the third quarter.
    _evaluated(late, charter, _local(2026, 9, 30, 23, 30), {"P1": Status.NOT_APPLICABLE})
    draft = ProjectFactory.create(office=office, draft=True)
    _evaluated(draft, charter, _local(2026, 4, 1), {"P1": Status.VIOLATED})

    charts = {chart.id: chart for chart in figures.timeline_charts(charter, now)}
    assert list(charts) == [f"verlauf-{p.id.lower()}" for p in charter.principles()]
    p1, p2 = charts["verlauf-p1"], charts["verlauf-p2"]
    assert p1.title == f"Verlauf P1: {charter.principles()[0].title}"
    assert str(p1.row_heading) == "Quartal"
    # met, breached, lacking evidence, not applicable
    assert _rows(p1) == {
        "1. Quartal 2026": [0, 1, 0, 0],
        "2. Quartal 2026": [1, 0, 0, 0],
        "3. Quartal 2026": [1, 0, 0, 1],
        "4. Quartal 2026 (bis heute)": [1, 0, 0, 1],
    }
    assert _rows(p2) == {
        "1. Quartal 2026": [1, 0, 0, 0],
        "2. Quartal 2026": [1, 0, 0, 0],
        "3. Quartal 2026": [1, 0, 0, 0],
        "4. Quartal 2026 (bis heute)": [1, 0, 0, 0],
    }
    assert [bar.label for bar in p1.bars] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]


def test_a_principle_rated_only_since_a_later_charter_is_shown_from_then_on(
    charter: CharterVersion, office: Office
) -> None:
    """A principle an amendment added (or a regrouping named anew): the quarters before any
    project was rated under it are left out, not counted as quarters without projects."""
    now = _local(2026, 12, 3, 12)
    project = ProjectFactory.create(office=office, published_at=_local(2026, 2, 10))
    _evaluated(project, charter, _local(2026, 2, 10), {"P2": Status.MET})
    _evaluated(project, charter, _local(2026, 8, 3), {"P1": Status.VIOLATED, "P2": Status.MET})

    charts = {chart.id: chart for chart in figures.timeline_charts(charter, now)}
    p1, p2 = charts["verlauf-p1"], charts["verlauf-p2"]
    assert _rows(p1) == {
        "3. Quartal 2026": [0, 1, 0, 0],
        "4. Quartal 2026 (bis heute)": [0, 1, 0, 0],
    }
    assert str(p1.note) == (
        "Projekte wurden erst ab Q3 2026 nach diesem Grundsatz geprüft; frühere Zeiträume "
        "fehlen daher."
    )
    assert len(p2.bars) == 4 and not p2.note


def test_a_programme_longer_than_three_years_is_shown_by_year(db: None) -> None:
    now = _local(2026, 12, 3, 12)
    timeline = figures.programme_timeline(_local(2023, 1, 15), now)
    assert timeline.by_year
    assert [period.heading for period in timeline.periods] == [
        "2023",
        "2024",
        "2025",
        "2026 (bis heute)",
    ]
    assert timeline.periods[0].end == _local(2024, 1, 1) - timedelta(microseconds=1)
    assert timeline.periods[-1].end == now
    # Twelve quarters are still shown as quarters.
    quarters = figures.programme_timeline(_local(2024, 1, 1), now)
    assert not quarters.by_year
    assert len(quarters.periods) == figures.QUARTERS
    assert quarters.periods[0].end == _local(2024, 4, 1) - timedelta(microseconds=1)


def test_without_a_published_project_the_timeline_has_no_numbers(
    charter: CharterVersion,
) -> None:
    charts = figures.timeline_charts(charter, timezone.now())
    assert charts and all(chart.is_empty and len(chart.bars) == 1 for chart in charts)


def test_contracts_are_counted_by_where_their_data_goes(city: Programme, editor: User) -> None:
    open_contract = Contract(title="Ohne Angaben", published_at=timezone.now())
    open_contract.save()
    Contract.objects.create(title="Entwurf")  # not published: not counted
    contract_for(editor, city.keeping, "Zweiter EU-Vertrag", ["DE", "AT"])
    chart = figures.contracts_chart()
    assert [bar.values[0] for bar in chart.bars] == [2, 1, 1]


def test_participation_is_counted_by_channel_on_published_procedures(db: None) -> None:
    published = Procedure.objects.create(
        slug="park", title="Park", summary="Worum es geht", published_at=timezone.now()
    )
    draft = Procedure.objects.create(slug="entwurf", title="Entwurf", summary="Noch nicht")
    for channel in (Channel.ONLINE, Channel.ONLINE, Channel.PHONE, Channel.POST):
        Comment.objects.create(procedure=published, text="Gut so.", channel=channel)
    Comment.objects.create(procedure=draft, text="Nicht gezählt.", channel=Channel.PHONE)
    Proposal.objects.create(
        procedure=published, title="Bänke", text="Mehr Bänke.", channel=Channel.IN_PERSON
    )
    chart = figures.participation_chart()
    values = {bar.label: bar.values for bar in chart.bars}
    assert values == {
        str(Channel.ONLINE.label): [2, 0],
        str(Channel.PHONE.label): [1, 0],
        str(Channel.IN_PERSON.label): [0, 1],
        str(Channel.POST.label): [1, 0],
    }


def test_datasets_and_training_places_count_only_what_is_public_and_ahead(
    city: Programme, editor: User, office: Office
) -> None:
    this_year = timezone.now()
    for name, published_at, withdrawn_at in (
        ("luft", this_year, None),
        ("wasser", this_year - timedelta(days=400), None),
        ("alt", this_year, this_year),
        ("entwurf", None, None),
    ):
        Dataset.objects.create(
            name=name,
            title=name,
            description="Messwerte",
            publisher=office,
            contact_name="Amt",
            contact_email="amt@example.org",
            published_at=published_at,
            withdrawn_at=withdrawn_at,
        )
    years = {bar.label: bar.values[0] for bar in figures.datasets_chart().bars}
    assert years == {str(this_year.year - 1): 1, str(this_year.year): 1} or years == {
        str(this_year.year): 2
    }
    free = CourseFactory.create(project=city.keeping)
    paid = CourseFactory.create(project=city.breaching, cost=Decimal(25))
    SessionFactory.create(course=free, capacity=12)
    SessionFactory.create(course=free, capacity=8)
    SessionFactory.create(course=paid, capacity=5)
    # Neither a session that is over nor one called off offers a place.
    SessionFactory.create(course=free, capacity=30, starts_at=this_year - timedelta(days=2))
    SessionFactory.create(course=paid, capacity=30, cancelled_at=this_year)
    assert [bar.values[0] for bar in figures.training_chart().bars] == [20, 5]


SVG = "{http://www.w3.org/2000/svg}"
# The drawing itself (the legend's swatches are small SVGs too).
DRAWING = f".//div[@class='chart-drawing']/{SVG}svg"


def _figures(html: bytes) -> list[ET.Element]:
    """The page's figures, each parsed on its own (the chart's markup is well-formed XML)."""
    # The markup is the page under test, not untrusted input.
    found = re.findall(r"<figure.*?</figure>", html.decode(), re.S)
    return [ET.fromstring(figure) for figure in found]  # noqa: S314


def _text(element: ET.Element | None) -> str:
    assert element is not None
    return "".join(element.itertext()).strip()


def test_each_chart_has_a_title_a_description_and_a_table_with_its_numbers(
    city: Programme, charter: CharterVersion, client_for: ClientFor
) -> None:
    response = client_for(None).get("/charta/stand/")
    assert response.status_code == 200
    charts = _figures(response.content)
    assert len(charts) == 1 + len(charter.principles()) + 4
    titles = [_text(chart.find(".//figcaption")) for chart in charts]
    assert titles[1] == f"Verlauf P1: {charter.principles()[0].title}"
    assert "Abgesagte Termine zählen nicht" in _text(charts[-1])
    drawn = [chart for chart in charts if chart.find(DRAWING) is not None]
    assert len(drawn) >= 3
    for chart in drawn:
        svg = chart.find(DRAWING)
        assert svg is not None
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None
        assert _text(title) == _text(chart.find(".//figcaption"))
        assert _text(desc)
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        # Beside the drawing, a table named by its caption, in a region named by it too.
        region = chart.find(".//div[@role='region']")
        caption = chart.find(".//table/caption")
        assert region is not None and caption is not None
        assert _text(caption) == f"{_text(title)}: die Zahlen"
        assert region.get("aria-labelledby") == caption.get("id")
        # The number at the end of each bar is the row's total in the table.
        totals = [
            _text(bar.findall(f"{SVG}text")[-1])
            for bar in svg.findall(f"{SVG}g[@class='chart-bar']")
        ]
        rows = chart.findall(".//tbody/tr")
        assert len(rows) == len(totals)
        for row, total in zip(rows, totals, strict=True):
            cells = [int(_text(cell)) for cell in row.findall("td")]
            assert total == str(cells[-1] if len(cells) > 1 else cells[0])
            if len(cells) > 1:
                assert sum(cells[:-1]) == cells[-1]


def test_the_home_page_shows_the_principles_chart_and_links_the_dashboard(
    city: Programme, client_for: ClientFor
) -> None:
    response = client_for(None).get("/")
    assert response.status_code == 200
    (chart,) = _figures(response.content)
    svg = chart.find(DRAWING)
    assert svg is not None and svg.get("role") == "img"
    (p2,) = [row for row in chart.findall(".//tbody/tr") if _text(row.find("th")).startswith("P2")]
    assert [int(_text(td)) for td in p2.findall("td")][VIOLATED] == 1
    assert b'href="/charta/stand/"' in response.content


def test_the_dashboard_in_english_and_without_a_charter(db: None, client_for: ClientFor) -> None:
    # The request switches the language; the block switches it back for the tests after.
    with translation.override("de"):
        response = client_for(None).get("/en/charta/stand/")
    assert response.status_code == 200
    assert b"No charter has been adopted yet." in response.content
    assert client_for(None).get("/").status_code == 200
