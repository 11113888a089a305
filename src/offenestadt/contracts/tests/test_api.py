"""Contracts and vendors in the REST API: published only, filtered, as the schema promises."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.contracts.models import Contract
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.core.tests.openapi import assert_matches_openapi
from offenestadt.council.models import Paper
from offenestadt.council.tests.records import oparl_id, small_council

ClientFor = Callable[[User | None], Client]
SENSORS = "Lizenz- und Servicevertrag Sensorplattform (Demo)"


@pytest.fixture
def anonymous(db: None, client_for: ClientFor) -> Client:
    load_demo_content()
    Contract.objects.create(title="Vertragsentwurf")
    return client_for(None)


def _titles(response: object) -> list[str]:
    return [item["title"] for item in response.json()["items"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 2),
        ("?country=us", 1),
        ("?min_value=50000", 1),
        ("?status=published", 2),
        ("?status=draft", 0),
        ("?project=sensoren-fuer-bodenfeuchte-in-parks-demo", 1),
        ("?q=Sensorplattform", 1),
    ],
)
def test_the_list_filters_published_contracts(anonymous: Client, query: str, expected: int) -> None:
    response = anonymous.get(f"/api/v1/contracts{query}")
    assert response.status_code == 200
    assert response.json()["count"] == expected
    assert "Vertragsentwurf" not in _titles(response)
    assert_matches_openapi(anonymous, "/api/v1/contracts", response)


def test_the_detail_has_clauses_redactions_and_findings(anonymous: Client) -> None:
    contract = Contract.objects.get(title=SENSORS)
    response = anonymous.get(f"/api/v1/contracts/{contract.pk}")
    body = response.json()
    assert body["data_owner"] == "vendor"
    # A sub-processor whose country the contract leaves open is listed without one.
    assert [s["country"] for s in body["subprocessors"]] == ["SG", ""]
    assert [(a["mode"], a["country"]) for a in body["accesses"]] == [("remote", "US")]
    [redaction] = body["redactions"]
    assert (redaction["category"], redaction["legal_basis"]) == (
        "trade_secret",
        "§ 8 Informationsfreiheitsgesetz Nordrhein-Westfalen (IFG NRW)",
    )
    assert redaction["reason"].startswith("Die Stückpreise zeigen")
    statuses = {f["rule"]: f["status"] for f in body["findings"]}
    assert statuses["data-owned-by-city"] == "violated"
    assert statuses["data-stays-in-eu"] == "violated"
    assert statuses["redactions-justified"] == "met"
    assert_matches_openapi(anonymous, "/api/v1/contracts/{contract_id}", response)


def test_the_detail_names_the_council_papers(anonymous: Client) -> None:
    council = small_council()
    contract = Contract.objects.get(title=SENSORS)
    contract.council_papers.set([council["sensors"], Paper.objects.get(deleted=True)])
    response = anonymous.get(f"/api/v1/contracts/{contract.pk}")
    papers = response.json()["council_papers"]
    assert [(p["reference"], p["oparl_id"]) for p in papers] == [
        ("V/2026/017", oparl_id("paper", 1))
    ]
    assert_matches_openapi(anonymous, "/api/v1/contracts/{contract_id}", response)


def test_drafts_and_unknown_ids_are_not_found(anonymous: Client) -> None:
    draft = Contract.objects.get(title="Vertragsentwurf")
    for path in (f"/api/v1/contracts/{draft.pk}", "/api/v1/contracts/999999"):
        response = anonymous.get(path)
        assert response.status_code == 404
        assert_matches_openapi(anonymous, "/api/v1/contracts/{contract_id}", response)


def test_vendors_of_published_contracts(anonymous: Client) -> None:
    response = anonymous.get("/api/v1/vendors")
    names = sorted(v["legal_name"] for v in response.json())
    assert names == ["SensorCloud Inc. (Demo)", "Stadtwerke Musterstadt GmbH (Demo)"]
    assert_matches_openapi(anonymous, "/api/v1/vendors", response)
    vendor_id = response.json()[0]["id"]
    assert anonymous.get(f"/api/v1/vendors/{vendor_id}").status_code == 200


def test_the_detail_names_the_meeting_that_deliberates_it(anonymous: Client) -> None:
    council = small_council()
    contract = Contract.objects.get(title=SENSORS)
    Contract.objects.filter(pk=contract.pk).update(meeting_date=date(2026, 4, 30))
    contract.council_papers.set([])
    path = f"/api/v1/contracts/{contract.pk}"

    by_hand = anonymous.get(path).json()
    assert by_hand["council_deliberation"] is None
    assert by_hand["council_date"] == by_hand["meeting_date"] == "2026-04-30"

    contract.council_papers.add(council["sensors"])
    response = anonymous.get(path)
    found = response.json()
    assert found["council_date"] == "2026-03-05"
    assert found["meeting_date"] == "2026-04-30"
    deliberation = found["council_deliberation"]
    assert deliberation["date"] == "2026-03-05"
    assert deliberation["paper"]["reference"] == "V/2026/017"
    assert deliberation["meeting"]["oparl_id"] == oparl_id("meeting", 1)
    assert deliberation["agenda_item"]["number"] == "Ö 3"
    assert deliberation["decided"] is False
    assert_matches_openapi(anonymous, "/api/v1/contracts/{contract_id}", response)


def test_the_page_shows_the_council_fields_entered_by_hand_only_without_a_paper_on_a_meeting(
    anonymous: Client,
) -> None:
    council = small_council()
    contract = Contract.objects.get(title=SENSORS)
    Contract.objects.filter(pk=contract.pk).update(
        council_body="Rat der Stadt", meeting_date=date(2026, 4, 30)
    )
    contract.council_papers.set([])
    by_hand = anonymous.get(contract.get_absolute_url()).content.decode()
    assert "<dt>Beratung</dt><dd>Rat der Stadt, 30. April 2026" in by_hand

    contract.council_papers.add(council["sensors"])
    linked = anonymous.get(contract.get_absolute_url()).content.decode()
    assert "<dt>Beratung</dt>" not in linked
    assert "Vorlage V/2026/017" in linked and "30. April 2026" not in linked
