"""The public dashboard: per principle how many projects meet, breach or lack evidence (as the
charter engine stored it), over time, and the programme's other figures; each chart an SVG
with a title and a description and a table with the same numbers."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
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
from offenestadt.registry.models import ProjectEvaluation, TrainingOffer
from offenestadt.registry.tests.factories import ProjectFactory

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


def test_the_timeline_counts_a_project_from_its_publication_by_its_worst_finding(
    city: Programme,
) -> None:
    now = timezone.now()
    # The breaching project was published and evaluated the day before the end of the month
    # three months ago, the other today.
    earlier = figures.month_ends(now)[-4] - timedelta(days=1)
    ProjectEvaluation.objects.filter(project=city.breaching).update(evaluated_at=earlier)
    type(city.breaching).objects.filter(pk=city.breaching.pk).update(published_at=earlier)
    chart = figures.timeline_chart(now)
    assert len(chart.bars) == figures.MONTHS
    totals = [bar.total for bar in chart.bars]
    assert totals[-1] == 2
    assert totals[-4] == 1
    assert totals[:-4] == [0] * (figures.MONTHS - 4)
    assert chart.bars[-4].values[VIOLATED] == 1


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


def test_datasets_and_training_offers_count_only_what_is_public(
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
    draft = ProjectFactory.create(office=editor.office, draft=True)
    for project, cost in ((city.keeping, 0), (city.breaching, 0), (city.keeping, 25), (draft, 0)):
        TrainingOffer.objects.create(
            project=project,
            title="Kurs",
            provider="VHS",
            dates="montags",
            place="Rathaus",
            cost=Decimal(cost),
        )
    assert [bar.values[0] for bar in figures.training_chart().bars] == [2, 1]


SVG = "{http://www.w3.org/2000/svg}"


def _figures(html: bytes) -> list[ET.Element]:
    """The page's figures, each parsed on its own (the chart's markup is well-formed XML)."""
    # The markup is the page under test, not untrusted input.
    found = re.findall(r"<figure.*?</figure>", html.decode(), re.S)
    return [ET.fromstring(figure) for figure in found]  # noqa: S314


def _text(element: ET.Element | None) -> str:
    assert element is not None
    return "".join(element.itertext()).strip()


def test_each_chart_has_a_title_a_description_and_a_table_with_its_numbers(
    city: Programme, client_for: ClientFor
) -> None:
    response = client_for(None).get("/charta/stand/")
    assert response.status_code == 200
    charts = _figures(response.content)
    assert len(charts) == 6
    drawn = [chart for chart in charts if chart.find(f".//{SVG}svg") is not None]
    assert len(drawn) >= 3
    for chart in drawn:
        svg = chart.find(f".//{SVG}svg")
        assert svg is not None
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None
        assert _text(title) == _text(chart.find(".//figcaption"))
        assert _text(desc)
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
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
    svg = chart.find(f".//{SVG}svg")
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
