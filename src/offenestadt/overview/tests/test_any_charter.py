"""The demo's projects under each charter that ships with the platform, and under a charter the
city regroups: scorecards, the dashboard, the home page, the report, the API and the gates
show the principles of the charter in force, whatever their number and ids."""

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from offenestadt.accounts.models import Role, User
from offenestadt.charter.demo import shipped_charters
from offenestadt.charter.document import parse_charter, write_charter
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.gates import GateRefusedError, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.registry import services
from offenestadt.registry.models import Project, ProjectStatus

IDS = {
    "sieben-grundsaetze": [f"P{n}" for n in range(1, 8)],
    "smart-city-charta": ["L1", "L2", "L3", "L4"],
}
EVERY_ID = {principle for ids in IDS.values() for principle in ids}
# A demo project in consultation whose gate before the decision free training holds too.
SENSORS = "sensoren-fuer-bodenfeuchte-in-parks-demo"
# A demo project in planning that only participation holds back before its decision.
CONSULTATION_HOUR = "digitale-sprechstunde-im-seniorenbuero"


def _shipped(name: str) -> dict[str, Any]:
    return parse_charter(shipped_charters()[name].read_text(encoding="utf-8"))


@pytest.fixture(params=list(IDS))
def demo(request: pytest.FixtureRequest, settings: Any, db: None) -> CharterVersion:
    """The demo, started with one of the shipped charters; its version in force."""
    settings.DEMO_CHARTER = request.param
    load_demo_content()
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None
    return in_force


def _editor_of(project: Project) -> User:
    return User.objects.get(role=Role.EDITOR, office=project.office)


def _page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_pages_and_figures_show_the_principles_of_the_charter_in_force(
    demo: CharterVersion,
) -> None:
    principles = demo.principles()
    ids = [principle.id for principle in principles]
    foreign = EVERY_ID - set(ids)
    rows = [f'<th scope="row">{p.id}: {p.title}</th>' for p in principles]
    year = timezone.localdate().year
    pages = {
        path: _page(path)
        for path in ["/", "/charta/", "/charta/pruefungen/", "/charta/stand/", "/projekte/",
                     f"/charta/bericht/{year}/"]
    }  # fmt: skip
    for project in Project.objects.published():
        pages[project.get_absolute_url()] = page = _page(project.get_absolute_url())
        # The scorecard: one row per principle, in the charter's order.
        positions = [page.index(row) for row in rows]
        assert positions == sorted(positions), project.slug
    for principle in principles:
        assert f'<h3 id="prinzip-{principle.id}">{principle.id}: ' in pages["/charta/"]
        assert f'#prinzip-{principle.id}">{principle.id}</a>' in pages["/charta/pruefungen/"]
        assert f'id="verlauf-{principle.id.lower()}-titel"' in pages["/charta/stand/"]
        assert f'<option value="{principle.id}">{principle.id}: ' in pages["/projekte/"]
    # The figure of the principles now (on the home page and the dashboard), each row linking
    # to the projects it counts, and the annual report's table.
    bars = [f'?prinzip={p.id}">{p.id}: {p.title}</a></th>' for p in principles]
    assert all(bar in pages["/"] and bar in pages["/charta/stand/"] for bar in bars)
    assert all(row in pages[f"/charta/bericht/{year}/"] for row in rows)
    for path, page in pages.items():
        assert not [p for p in foreign if f">{p}: " in page or f">{p}<" in page], path


def test_the_forms_that_feed_a_check_do_not_name_a_principle_of_another_charter(
    demo: CharterVersion,
) -> None:
    """The asset form explains which projects' check reads the asset, by what it checks."""
    project = Project.objects.get(slug=SENSORS)
    page = sign_in(Client(), _editor_of(project)).get("/infrastruktur/neu/").content.decode()
    assert "Prüfung der Infrastruktur in öffentlicher Hand liest sie" in page
    assert not [p for p in EVERY_ID if re.search(rf"\b{p}\b", page)]


def test_the_api_gives_the_charters_principles_and_findings_under_them(
    demo: CharterVersion,
) -> None:
    ids = [principle.id for principle in demo.principles()]
    charter = json.loads(_page("/api/v1/charter"))
    assert [principle["id"] for principle in charter["principles"]] == ids
    for project in Project.objects.published():
        findings = json.loads(_page(f"/api/v1/projects/{project.slug}/findings"))["findings"]
        # Every principle binds a check over projects: each rates every project.
        assert {finding["principle"] for finding in findings} == set(ids), project.slug


def test_the_gate_names_the_principle_of_the_charter_in_force(demo: CharterVersion) -> None:
    (training,) = [p.id for p in demo.principles() if "free-training" in p.checks]
    project = Project.objects.get(slug=SENSORS)
    with pytest.raises(GateRefusedError) as refused:
        services.project_transition(
            actor=_editor_of(project), project=project, to=ProjectStatus.DECISION
        )
    held = {(finding.principle, finding.rule) for finding in refused.value.findings}
    assert (training, "free-training") in held
    assert {principle for principle, _rule in held} <= {p.id for p in demo.principles()}
    assert f"{training}: " in str(refused.value)


@pytest.mark.django_db
def test_the_same_projects_fare_the_same_under_both_charters() -> None:
    """The four guidelines bind the same checks with the same values as the seven principles:
    every check of every project comes out the same, and the same findings hold it back."""
    load_demo_content()
    seven, four = (CharterVersion(number=1, content=_shipped(name)) for name in IDS)
    for project in Project.objects.all():
        under_seven, under_four = evaluate(project, seven), evaluate(project, four)
        assert {f.principle for f in under_four} <= set(IDS["smart-city-charta"])
        assert {f.rule: f.status for f in under_four} == {f.rule: f.status for f in under_seven}
        assert {f.rule for f in gate_blockers(under_four, four)} == {
            f.rule for f in gate_blockers(under_seven, seven)
        }, project.slug


def _scorecard(page: str) -> str:
    """The project page's scorecard (the page goes on with council decisions of the past,
    which name the principles they set aside as the charter then in force named them)."""
    start = page.index('<table class="scorecard">')
    return page[start : page.index("</table>", start)]


def _regrouped() -> str:
    """The demo's checks in three principles with ids of the city's choosing (longer than
    P1: up to 40 characters); participation and transparency are advisory."""
    content = _shipped("sieben-grundsaetze")
    p1, p2, p3, p4, p5, p6, p7 = content["principles"]

    def merged(new_id: str, *parts: dict[str, Any], gate: bool = True) -> dict[str, Any]:
        return parts[0] | {
            "id": new_id,
            "gate": gate,
            "checks": [check for part in parts for check in part["checks"]],
            "parameters": {k: v for part in parts for k, v in part["parameters"].items()},
        }

    content["principles"] = [
        merged("daten-und-infrastruktur", p1, p2, p6, p7),
        merged("beteiligung-und-transparenz", p3, gate=False),
        merged("teilhabe-fuer-alle", p4, p5),
    ]
    content["charter"] |= {"version": 3, "adopted_on": timezone.localdate().isoformat()}
    return write_charter(content)


@pytest.mark.django_db
def test_a_regrouped_charter_evaluated_shows_its_three_principles_and_gates_by_them() -> None:
    load_demo_content()
    # Before: the decision of the consultation hour is held back by P3.
    project = Project.objects.get(slug=CONSULTATION_HOUR)
    editor = _editor_of(project)
    services.project_transition(actor=editor, project=project, to=ProjectStatus.CONSULTATION)
    with pytest.raises(GateRefusedError) as refused:
        services.project_transition(actor=editor, project=project, to=ProjectStatus.DECISION)
    assert {finding.principle for finding in refused.value.findings} == {"P3"}

    version, created = charter_load(text=_regrouped(), actor=None)
    assert created and CharterVersion.objects.in_force() == version
    call_command("evaluate_projects", stdout=io.StringIO())
    ids = ["daten-und-infrastruktur", "beteiligung-und-transparenz", "teilhabe-fuer-alle"]

    charter = json.loads(_page("/api/v1/charter"))
    assert [principle["id"] for principle in charter["principles"]] == ids
    assert [principle["gate"] for principle in charter["principles"]] == [True, False, True]
    statuses: set[str] = set()
    for published in Project.objects.published():
        findings = json.loads(_page(f"/api/v1/projects/{published.slug}/findings"))
        assert findings["charter_version"] == 3
        assert {finding["principle"] for finding in findings["findings"]} == set(ids)
        statuses |= {finding["status"] for finding in findings["findings"]}
        scorecard = _scorecard(_page(published.get_absolute_url()))
        assert [i for i in ids if f'<th scope="row">{i}: ' in scorecard] == ids
        assert not [p for p in EVERY_ID if f">{p}: " in scorecard]
    assert {Status.MET, Status.VIOLATED} <= statuses
    dashboard = _page("/charta/stand/")
    assert all(f'id="verlauf-{i}-titel"' in dashboard for i in ids)
    breaching = _page("/projekte/?prinzip=teilhabe-fuer-alle&befund=violated")
    assert Project.objects.get(slug=SENSORS).title in breaching

    # After: participation is advisory, so nothing holds the decision back any more.
    services.project_transition(actor=editor, project=project, to=ProjectStatus.DECISION)
    project.refresh_from_db()
    assert project.status == ProjectStatus.DECISION
    # The sensors' gate holds by the new grouping: free training still, under its new id.
    sensors = Project.objects.get(slug=SENSORS)
    with pytest.raises(GateRefusedError) as still:
        services.project_transition(
            actor=_editor_of(sensors), project=sensors, to=ProjectStatus.DECISION
        )
    held = {(finding.principle, finding.rule) for finding in still.value.findings}
    assert ("teilhabe-fuer-alle", "free-training") in held
    assert {principle for principle, _rule in held} == {
        "daten-und-infrastruktur",
        "teilhabe-fuer-alle",
    }
