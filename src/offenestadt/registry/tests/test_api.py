"""The projects in the public API: only published ones, their parts, filters, findings, pages."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Finding, principle_statuses
from offenestadt.charter.models import CharterVersion
from offenestadt.core.tests.openapi import assert_matches_openapi
from offenestadt.council.models import Body, Consultation, Meeting, Paper
from offenestadt.council.tests.records import oparl_id, small_council
from offenestadt.infrastructure.models import Asset
from offenestadt.registry.models import (
    AccessChannel,
    CouncilOverride,
    EvaluatedPrinciple,
    FundingSource,
    Project,
    ProjectEvaluation,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.tests.factories import OfficeFactory, ProjectFactory
from offenestadt.training.tests.factories import CourseFactory, SessionFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def anonymous(client_for: ClientFor) -> Client:
    return client_for(None)


def finding(principle: str, status: str, rule: str = "a-rule") -> dict[str, Any]:
    return {
        "principle": principle,
        "rule": rule,
        "status": status,
        "message": {"de": f"{principle} {status}", "en": f"{principle} {status}"},
        "fix_url": "/projekte/x/#stammdaten",
    }


def evaluate(
    project: Project, charter: CharterVersion, findings: list[dict[str, Any]], **fields: Any
) -> ProjectEvaluation:
    """An evaluation row as services.project_evaluate stores it, with the given findings."""
    evaluation = ProjectEvaluation.objects.create(
        project=project, charter_version=charter, findings=findings, **fields
    )
    statuses = principle_statuses([Finding.from_dict(data) for data in findings])
    EvaluatedPrinciple.objects.bulk_create(
        EvaluatedPrinciple(evaluation=evaluation, principle=principle, status=status)
        for principle, status in statuses.items()
    )
    return evaluation


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


# --- the list ----------------------------------------------------------------------------


def test_list_shows_published_projects_and_never_drafts(
    anonymous: Client, people: dict[str, User | None], client_for: ClientFor, office: Office
) -> None:
    ProjectFactory.create(slug="offen", title="Offen", office=office)
    ProjectFactory.create(slug="entwurf", title="Entwurf", office=office, draft=True)
    response = anonymous.get("/api/v1/projects")
    assert slugs(response) == ["offen"]
    assert response.json()["count"] == 1
    # Not even staff who see drafts on the site get them through the public API.
    assert slugs(client_for(people["editor"]).get("/api/v1/projects")) == ["offen"]


def test_list_item_has_the_public_fields(anonymous: Client, office: Office) -> None:
    published_at = datetime(2025, 3, 1, 9, 30, 15, 123000, tzinfo=UTC)
    project = ProjectFactory.create(
        slug="parken",
        title="Parken per App",
        summary="Parkscheine per Handy.",
        plain_language_summary="Sie können mit dem Handy bezahlen.",
        office=office,
        status="planning",
        contact_name="Erika Muster",
        contact_email="erika@example.org",
        contact_phone="0234 1",
        budget=Decimal("120000.50"),
        published_at=published_at,
        internal_note="Nur intern.",
    )
    FundingSource.objects.create(project=project, name="Stadt", amount=Decimal(750))
    FundingSource.objects.create(
        project=project, name="Firma", amount=Decimal(250), is_public=False
    )

    response = anonymous.get("/api/v1/projects")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "limit": 50,
        "offset": 0,
        "items": [
            {
                "id": project.pk,
                "slug": "parken",
                "title": "Parken per App",
                "summary": "Parkscheine per Handy.",
                "plain_language_summary": "Sie können mit dem Handy bezahlen.",
                "office": {"slug": "digitalisierung", "name": "Stabsstelle Digitalisierung"},
                "status": {"code": "planning", "label": {"de": "Planung", "en": "Planning"}},
                "contact_name": "Erika Muster",
                "contact_email": "erika@example.org",
                "contact_phone": "0234 1",
                "budget": "120000.50",
                "public_funding_share": 0.75,
                "published_at": "2025-03-01T09:30:15.123Z",
                "html_url": "http://testserver/projekte/parken/",
            }
        ],
    }
    assert "internal_note" not in response.content.decode()
    assert_matches_openapi(anonymous, "/api/v1/projects", response)


def test_list_is_paged_by_title(anonymous: Client, office: Office) -> None:
    for letter in "EDCBA":
        ProjectFactory.create(slug=f"p-{letter.lower()}", title=f"Projekt {letter}", office=office)
    response = anonymous.get("/api/v1/projects?limit=2&offset=2")
    assert slugs(response) == ["p-c", "p-d"]
    assert response.json()["count"] == 5
    assert (response.json()["limit"], response.json()["offset"]) == (2, 2)
    assert slugs(anonymous.get("/api/v1/projects?limit=2&offset=4")) == ["p-e"]
    assert slugs(anonymous.get("/api/v1/projects?offset=10")) == []


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("limit=viele", "limit"),
        ("status=abgeschlossen", "status"),
        ("finding_status=bad", "finding_status"),
    ],
)
def test_bad_filter_values_are_refused_with_the_parameter_named(
    anonymous: Client, query: str, names: str
) -> None:
    response = anonymous.get(f"/api/v1/projects?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith(f"{names}: ")
    assert body["errors"][0]["loc"] == ["query", names]
    assert_matches_openapi(anonymous, "/api/v1/projects", response)


def test_unknown_status_lists_the_known_ones(anonymous: Client) -> None:
    detail = anonymous.get("/api/v1/projects?status=abgeschlossen").json()["detail"]
    assert "'idea'" in detail
    assert "'ended'" in detail


def test_filter_by_status(anonymous: Client, office: Office) -> None:
    ProjectFactory.create(slug="idee", office=office, status="idea")
    ProjectFactory.create(slug="betrieb", office=office, status="operation")
    assert slugs(anonymous.get("/api/v1/projects?status=operation")) == ["betrieb"]


def test_filter_by_office(anonymous: Client, office: Office, other_office: Office) -> None:
    ProjectFactory.create(slug="digital", office=office)
    ProjectFactory.create(slug="gruen", office=other_office)
    assert slugs(anonymous.get("/api/v1/projects?office=umwelt")) == ["gruen"]


def test_unknown_office_is_refused(anonymous: Client, office: Office) -> None:
    response = anonymous.get("/api/v1/projects?office=gibt-es-nicht")
    assert response.status_code == 422
    assert response.json()["detail"] == "office: There is no office 'gibt-es-nicht'."


def test_search_in_title_and_summary(anonymous: Client, office: Office) -> None:
    ProjectFactory.create(
        slug="wlan", title="Freies WLAN", summary="In der Innenstadt.", office=office
    )
    ProjectFactory.create(
        slug="sensor", title="Sensoren", summary="Messen die Luft.", office=office
    )
    ProjectFactory.create(
        slug="parken", title="Parken", summary="Freie Plätze finden.", office=office
    )
    assert slugs(anonymous.get("/api/v1/projects?q=wlan")) == ["wlan"]
    assert slugs(anonymous.get("/api/v1/projects?q=LUFT")) == ["sensor"]
    assert slugs(anonymous.get("/api/v1/projects?q=frei")) == ["wlan", "parken"]
    assert slugs(anonymous.get("/api/v1/projects?q=")) == ["wlan", "parken", "sensor"]


def test_filter_by_a_principle_status_in_the_current_evaluation(
    anonymous: Client, office: Office, charter: CharterVersion
) -> None:
    training_missing = ProjectFactory.create(slug="a-schulung-fehlt", office=office)
    evaluate(training_missing, charter, [finding("P1", "met"), finding("P4", "missing")])
    training_met = ProjectFactory.create(slug="b-schulung-da", office=office)
    evaluate(training_met, charter, [finding("P1", "violated"), finding("P4", "met")])
    # Missing once, met now: only the current evaluation counts.
    fixed = ProjectFactory.create(slug="c-behoben", office=office)
    evaluate(fixed, charter, [finding("P4", "missing")], is_current=False)
    evaluate(fixed, charter, [finding("P4", "met")])
    # One rule met, one missing: the principle is as good as its worst finding.
    half = ProjectFactory.create(slug="d-halb", office=office)
    evaluate(half, charter, [finding("P4", "met", "training"), finding("P4", "missing", "plain")])
    ProjectFactory.create(slug="e-nie-bewertet", office=office)
    draft = ProjectFactory.create(slug="f-entwurf", office=office, draft=True)
    evaluate(draft, charter, [finding("P4", "missing")])

    def matching(query: str) -> list[str]:
        # The list is ordered by title, and the factory numbers titles ("Projekt 9" comes
        # after "Projekt 10"): compare the projects, not their order.
        return sorted(slugs(anonymous.get(f"/api/v1/projects?{query}")))

    assert matching("principle=P4&finding_status=missing") == ["a-schulung-fehlt", "d-halb"]
    assert matching("principle=P4&finding_status=met") == ["b-schulung-da", "c-behoben"]
    # A status belongs to its principle, not to another one of the same project.
    assert matching("principle=P1&finding_status=missing") == []
    assert matching("finding_status=violated") == ["b-schulung-da"]
    # Any principle with that status, each project once.
    assert matching("finding_status=met") == ["a-schulung-fehlt", "b-schulung-da", "c-behoben"]
    assert matching("principle=P1") == ["a-schulung-fehlt", "b-schulung-da"]
    assert matching("principle=P4&finding_status=missing&status=operation") == []
    response = anonymous.get("/api/v1/projects?principle=P4&finding_status=missing")
    assert response.json()["count"] == 2


def test_unknown_principle_is_refused(anonymous: Client, charter: CharterVersion) -> None:
    response = anonymous.get("/api/v1/projects?principle=P99&finding_status=met")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "principle: There is no principle 'P99'; the charter has P1, P2, P3, P4, P5, P6, P7."
    )


def _list_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _add_projects(count: int, charter: CharterVersion) -> None:
    for _ in range(count):
        project = ProjectFactory.create(office=OfficeFactory.create(), status="planning")
        FundingSource.objects.create(project=project, name="Stadt", amount=Decimal(100))
        FundingSource.objects.create(
            project=project, name="Land", amount=Decimal(50), is_public=False
        )
        evaluate(project, charter, [finding("P4", "missing")])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects",
        "/api/v1/projects?limit=200&status=planning&q=Projekt",
        "/api/v1/projects?limit=200&principle=P4&finding_status=missing",
    ],
)
def test_list_queries_do_not_grow_with_the_projects(
    anonymous: Client, office: Office, charter: CharterVersion, path: str
) -> None:
    ProjectFactory.create(office=office)
    _add_projects(3, charter)
    few = _list_queries(anonymous, path)
    _add_projects(27, charter)
    assert len(anonymous.get(path).json()["items"]) >= 30
    assert _list_queries(anonymous, path) == few


# --- one project ---------------------------------------------------------------------


def test_detail_has_every_public_part(anonymous: Client, office: Office) -> None:
    project = ProjectFactory.create(
        slug="wlan", title="Freies WLAN", office=office, status="operation"
    )
    FundingSource.objects.create(project=project, name="Land NRW", amount=Decimal("5000.00"))
    service = Service.objects.create(project=project, name="Bürgerbüro", description="Termine")
    AccessChannel.objects.create(
        service=service,
        phase="before",
        kind="in_person",
        place="Rathaus",
        district="Mitte",
        hours=[
            {"day": "monday", "opens": "08:00", "closes": "12:00"},
            {"day": "monday", "opens": "13:00", "closes": "15:30"},
        ],
        hours_note="und nach Vereinbarung",
        step_free=True,
        accessibility="Aufzug",
    )
    AccessChannel.objects.create(service=service, phase="after", kind="online", place="web")
    SoftwareComponent.objects.create(
        project=project,
        name="Portal",
        repository_url="https://example.org/portal",
        licence="EUPL-1.2",
        hosting="city",
    )
    SoftwareComponent.objects.create(project=project, name="Karte")
    course = CourseFactory.create(project=project, title="Handy-Kurs", provider="VHS")
    coming = SessionFactory.create(course=course, place="Stadtbücherei", capacity=12)
    SessionFactory.create(course=course, starts_at=timezone.now() - timedelta(days=7))
    register_asset = Asset.objects.create(
        kind="wlan_access_point",
        name="AP Rathaus",
        location="Rathausplatz",
        latitude=Decimal("51.481845"),
        longitude=Decimal("7.216236"),
        owner="public",
        net_neutral=True,
    )
    register_asset.projects.add(project)
    CouncilOverride.objects.create(
        project=project,
        to_status="operation",
        decision_reference="2024/0815",
        decided_on=date(2024, 5, 2),
        justification="Dringend.",
        overridden_findings=[finding("P4", "missing")],
    )

    response = anonymous.get("/api/v1/projects/wlan")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == project.pk
    assert body["status"] == {"code": "operation", "label": {"de": "Betrieb", "en": "In operation"}}
    assert body["funding_sources"] == [{"name": "Land NRW", "amount": "5000.00", "is_public": True}]
    assert body["public_funding_share"] == 1.0
    assert body["services"] == [
        {
            "name": "Bürgerbüro",
            "description": "Termine",
            "changes_on": None,
            "channels": [
                {
                    "phase": "before",
                    "kind": "in_person",
                    "service_point": None,
                    "place": "Rathaus",
                    "district": "Mitte",
                    "hours": [
                        {"day": "monday", "opens": "08:00", "closes": "12:00"},
                        {"day": "monday", "opens": "13:00", "closes": "15:30"},
                    ],
                    "hours_per_week": 6.5,
                    "hours_note": "und nach Vereinbarung",
                    "step_free": True,
                    "accessibility": "Aufzug",
                },
                {
                    "phase": "after",
                    "kind": "online",
                    "service_point": None,
                    "place": "web",
                    "district": "",
                    "hours": [],
                    "hours_per_week": None,
                    "hours_note": "",
                    "step_free": None,
                    "accessibility": "",
                },
            ],
        }
    ]
    assert [c["name"] for c in body["software_components"]] == ["Portal", "Karte"]
    assert body["software_components"][0]["licence"] == "EUPL-1.2"
    assert body["software_components"][0]["hosting"] == "city"
    assert body["software_components"][1]["hosting"] is None
    (listed,) = body["courses"]
    assert (listed["title"], listed["is_free"], listed["cost"]) == ("Handy-Kurs", True, "0.00")
    assert listed["html_url"] == f"http://testserver/schulungen/kurs/{course.pk}/"
    # Only the sessions still to come, with their free places.
    assert [(s["place"], s["capacity"], s["free_places"]) for s in listed["next_sessions"]] == [
        ("Stadtbücherei", 12, 12)
    ]
    assert listed["next_sessions"][0]["html_url"].endswith(f"/schulungen/termin/{coming.pk}/")
    (asset,) = body["infrastructure_assets"]
    assert (asset["name"], asset["kind"], asset["location"]) == (
        "AP Rathaus",
        "wlan_access_point",
        "Rathausplatz",
    )
    assert (asset["owner"], asset["operator"], asset["net_neutral"]) == ("public", None, True)
    assert asset["url"] == f"http://testserver/api/v1/infrastructure/{register_asset.pk}"
    assert asset["html_url"] == f"http://testserver/infrastruktur/{register_asset.pk}/"
    override = body["overrides"][0]
    assert override["to_status"]["code"] == "operation"
    assert override["decided_on"] == "2024-05-02"
    assert override["overridden_findings"][0]["fix_url"] == (
        "http://testserver/projekte/x/#stammdaten"
    )
    assert_matches_openapi(anonymous, "/api/v1/projects/{slug}", response)


def test_detail_queries_do_not_grow_with_the_parts(anonymous: Client, office: Office) -> None:
    project = ProjectFactory.create(slug="teile", office=office)
    body = Body.objects.create(oparl_id=oparl_id("body", 1), name="Musterstadt")

    def add_parts() -> None:
        service = Service.objects.create(project=project, name="Dienst")
        AccessChannel.objects.create(service=service, phase="before", kind="phone")
        AccessChannel.objects.create(service=service, phase="after", kind="phone")
        FundingSource.objects.create(project=project, name="Stadt", amount=Decimal(1))
        SoftwareComponent.objects.create(project=project, name="App")
        Asset.objects.create(kind="sensor", name="Sensor").projects.add(project)
        number = Paper.objects.count() + 1
        paper = Paper.objects.create(oparl_id=oparl_id("paper", number), body=body)
        project.council_papers.add(paper)
        meeting = Meeting.objects.create(oparl_id=oparl_id("meeting", number), body=body)
        Consultation.objects.create(
            oparl_id=oparl_id("consultation", number),
            paper=paper,
            meeting=meeting,
        )

    add_parts()
    few = _list_queries(anonymous, "/api/v1/projects/teile")
    for _ in range(5):
        add_parts()
    assert _list_queries(anonymous, "/api/v1/projects/teile") == few


def test_detail_names_the_council_papers_and_their_meetings(
    anonymous: Client, office: Office
) -> None:
    council = small_council()
    project = ProjectFactory.create(slug="sensoren", office=office)
    deleted_paper = Paper.objects.get(deleted=True)
    Consultation.objects.create(
        oparl_id=oparl_id("consultation", 2),
        paper=council["sensors"],
        meeting=Meeting.objects.get(deleted=True),
    )
    project.council_papers.add(council["sensors"], deleted_paper)
    response = anonymous.get("/api/v1/projects/sensoren")
    body = response.json()
    assert [p["reference"] for p in body["council_papers"]] == ["V/2026/017"]
    assert [m["oparl_id"] for m in body["council_meetings"]] == [oparl_id("meeting", 1)]
    assert_matches_openapi(anonymous, "/api/v1/projects/{slug}", response)


@pytest.mark.parametrize("suffix", ["", "/findings", "/evaluations"])
def test_a_draft_is_not_found_like_an_unknown_slug(
    anonymous: Client, office: Office, charter: CharterVersion, suffix: str
) -> None:
    draft = ProjectFactory.create(slug="entwurf", office=office, draft=True)
    evaluate(draft, charter, [finding("P4", "missing")])
    response = anonymous.get(f"/api/v1/projects/entwurf{suffix}")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no published project 'entwurf'."}
    unknown = anonymous.get(f"/api/v1/projects/gibt-es-nicht{suffix}")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "There is no published project 'gibt-es-nicht'."}
    assert_matches_openapi(anonymous, f"/api/v1/projects/{{slug}}{suffix}", response)


# --- findings ------------------------------------------------------------------------


def test_findings_are_the_current_evaluation(
    anonymous: Client, office: Office, charter: CharterVersion
) -> None:
    project = ProjectFactory.create(slug="bewertet", office=office)
    evaluate(
        project,
        charter,
        [finding("P4", "missing")],
        is_current=False,
        evaluated_at=timezone.now() - timedelta(days=2),
    )
    evaluate(
        project,
        charter,
        [finding("P4", "met", rule="free-training")],
        evaluated_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    )

    response = anonymous.get("/api/v1/projects/bewertet/findings")

    assert response.status_code == 200
    assert response.json() == {
        "charter_version": charter.number,
        "evaluated_at": "2025-03-01T09:30:00Z",
        "is_current": True,
        "findings": [
            {
                "principle": "P4",
                "rule": "free-training",
                "status": "met",
                "message": {"de": "P4 met", "en": "P4 met"},
                "fix_url": "http://testserver/projekte/x/#stammdaten",
            }
        ],
    }
    assert_matches_openapi(anonymous, "/api/v1/projects/{slug}/findings", response)


def test_a_project_never_evaluated_has_no_findings_yet(anonymous: Client, office: Office) -> None:
    ProjectFactory.create(slug="neu", office=office)
    response = anonymous.get("/api/v1/projects/neu/findings")
    assert response.status_code == 404
    assert response.json() == {"detail": "The project 'neu' has not been evaluated yet."}
    assert anonymous.get("/api/v1/projects/neu/evaluations").json() == []


def test_evaluations_are_the_history_newest_first(
    anonymous: Client, office: Office, charter: CharterVersion
) -> None:
    now = timezone.now()
    project = ProjectFactory.create(
        slug="verlauf", office=office, published_at=now - timedelta(days=60)
    )
    first_charter = CharterVersion.objects.get(number=1)
    evaluate(
        project,
        first_charter,
        [finding("P4", "missing")],
        is_current=False,
        evaluated_at=now - timedelta(days=30),
    )
    evaluate(
        project,
        charter,
        [finding("P4", "violated")],
        is_current=False,
        evaluated_at=now - timedelta(days=3),
    )
    evaluate(project, charter, [finding("P4", "met")], evaluated_at=now)

    response = anonymous.get("/api/v1/projects/verlauf/evaluations")

    assert response.status_code == 200
    history = response.json()
    assert [e["findings"][0]["status"] for e in history] == ["met", "violated", "missing"]
    assert [e["charter_version"] for e in history] == [charter.number, charter.number, 1]
    assert [e["is_current"] for e in history] == [True, False, False]
    assert_matches_openapi(anonymous, "/api/v1/projects/{slug}/evaluations", response)
