"""The contract register as OCDS 1.1: valid against the standard, one release per stage.

Validation runs offline with the community's validator (libcoveocds) against the schema
of OCDS 1.1.5 shipped in data/ocds (origin and licence in its SOURCE.md).
"""

import copy
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.text import slugify
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import ocds, services
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataAccess,
    DataLocation,
    DataOwner,
    Location,
    Vendor,
)
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.participation.models import Procedure
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

PACKAGE_URL = "/api/ocds/release-package.json"
# The zip's top folder, as in the standard's own archive of tag 1__1__5.
STANDARD_TOP = "standard-1__1__5"
SCHEMA = Path(__file__).parent / "data" / "ocds" / "schema"


@pytest.fixture(scope="session")
def standard_zip(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The standard's schema/ folder as the zip libcoveocds reads instead of GitHub."""
    path = tmp_path_factory.mktemp("ocds") / f"{STANDARD_TOP}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        # The first entry names the top folder: the validator reads the schema below it.
        archive.writestr(f"{STANDARD_TOP}/", "")
        for file in sorted(SCHEMA.rglob("*")):
            if file.is_file():
                archive.write(file, f"{STANDARD_TOP}/schema/{file.relative_to(SCHEMA).as_posix()}")
    return path.as_uri()


@pytest.fixture
def validate(
    standard_zip: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Check a release package; any attempt to reach the network fails the test."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("libcoveocds tried to reach the network")

    monkeypatch.setattr(requests.Session, "request", no_network)

    def check(package: dict[str, Any]) -> dict[str, Any]:
        config = LibCoveOCDSConfig({"standard_zip": standard_zip, "context": "api"})
        result: dict[str, Any] = ocds_json_output(
            json_data=copy.deepcopy(package), schema_version="1.1", lib_cove_ocds_config=config
        )
        return result

    return check


def assert_valid(result: dict[str, Any]) -> None:
    assert result["validation_errors"] == []
    assert result["additional_fields"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_open_codelist_values"] == {}
    assert result["deprecated_fields"] == []
    # Empty strings, objects and lists.
    assert result["additional_checks"] == {}


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office, published_at=timezone.now())


@pytest.fixture
def contract(charter: CharterVersion, editor: User, project: Project) -> Contract:
    """A contract ready for every gate: data with the city, in the EU, access listed."""
    vendor = Vendor.objects.create(
        legal_name="Netzbau GmbH",
        registry_number="HRB 1234",
        country="DE",
        address="Hafenstraße 1, 44700 Musterstadt",
    )
    contract = Contract(
        title="Wartungsvertrag Netz",
        purpose="Wartung der Zugangspunkte.",
        vendor=vendor,
        value="48000.50",
        starts_on=date(2027, 1, 1),
        ends_on=date(2028, 12, 31),
        procurement_procedure="Verhandlungsvergabe",
        data_owner=DataOwner.CITY,
        secondary_use_prohibited=True,
    )
    linked_record_save(actor=editor, record=contract, projects=[project])
    for clause in (
        DataLocation(contract=contract, kind=Location.PROCESSING, country="DE", city="Bochum"),
        DataAccess(
            contract=contract,
            organisation="Netzbau GmbH",
            role="Betrieb",
            purpose="Wartung",
            mode=AccessMode.REMOTE,
            country="DE",
        ),
    ):
        services.contract_clause_save(actor=editor, clause=clause)
    return contract


def _move(contract: Contract, editor: User, to: ContractStatus, today: date) -> None:
    services.contract_transition(actor=editor, contract=contract, to=to, today=today)


def _package(client: Client, contract: Contract) -> dict[str, Any]:
    response = client.get(f"/api/ocds/contracts/{contract.pk}/release-package.json")
    assert response.status_code == 200
    package: dict[str, Any] = response.json()
    return package


def _milestone(release: dict[str, Any], milestone_id: str) -> dict[str, Any]:
    milestones: list[dict[str, Any]] = release["planning"]["milestones"]
    (milestone,) = [m for m in milestones if m["id"] == milestone_id]
    return milestone


def test_the_demo_register_is_valid_ocds(
    db: None, client: Client, validate: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    load_demo_content()
    response = client.get(PACKAGE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()
    assert_valid(validate(package))
    published = Contract.objects.filter(published_at__isnull=False)
    assert published.exists()
    assert {r["ocid"] for r in package["releases"]} == {ocds.contract_ocid(c) for c in published}
    assert package["version"] == "1.1"
    assert package["uri"] == "http://testserver/api/ocds/release-package.json"
    assert package["publisher"]["name"] == "Stadt Musterstadt (Demo)"
    # Each published contract names its vendor, with the country the register keeps.
    for release in package["releases"]:
        (supplier,) = [p for p in release["parties"] if p["roles"] == ["supplier"]]
        assert len(supplier["address"]["countryName"]) == 2
    # The workshop on the Wi-Fi sites has published its results.
    wifi = next(r for r in package["releases"] if "WLAN" in r["planning"]["budget"]["project"])
    workshop = next(m for m in wifi["planning"]["milestones"] if m["type"] == "engagement")
    assert workshop["status"] == "met"


def test_every_stage_adds_a_valid_release(
    client: Client,
    validate: Callable[[dict[str, Any]], dict[str, Any]],
    contract: Contract,
    editor: User,
) -> None:
    today = timezone.localdate()
    meeting = today + timedelta(days=28)
    steps = [
        (ContractStatus.PUBLISHED, today, "planning"),
        (ContractStatus.DELIBERATION, meeting, "planningUpdate"),
        (ContractStatus.DECIDED, meeting, "planningUpdate"),
        (ContractStatus.SIGNED, meeting, "contract"),
        (ContractStatus.ACTIVE, today + timedelta(days=30), "implementation"),
        (ContractStatus.ENDED, today + timedelta(days=400), "contractTermination"),
    ]
    ocid = f"ocds-offenestadt-{contract.pk}"
    earlier: list[tuple[str, str, list[str]]] = []
    added: dict[ContractStatus, dict[str, Any]] = {}
    for position, (status, day, tag) in enumerate(steps, start=1):
        if status == ContractStatus.DELIBERATION:
            contract.council_body, contract.meeting_date = "Rat", meeting
            contract.agenda_item, contract.decision_reference = "7", "RB 2027/12"
        _move(contract, editor, status, day)
        package = _package(client, contract)
        assert_valid(validate(package))
        releases = package["releases"]
        assert len(releases) == position
        assert releases[-1]["id"] == f"{ocid}-{status.value}"
        assert releases[-1]["tag"] == [tag]
        # Earlier releases keep their ids, dates and tags.
        stamps = [(r["id"], r["date"], r["tag"]) for r in releases]
        assert stamps[:-1] == earlier
        earlier, added[status] = stamps, releases[-1]

    published, deliberation, decided, signed, active, ended = added.values()
    assert "awards" not in decided
    # Before the council's date is known the decision has no status.
    assert _milestone(published, "approval").get("status") is None
    assert _milestone(deliberation, "approval")["status"] == "scheduled"
    approval = _milestone(decided, "approval")
    assert approval["status"] == "met"
    assert approval["dateMet"].startswith(meeting.isoformat())
    assert "RB 2027/12" in approval["description"]
    assert "Rat" in approval["title"]
    (supplier,) = [p for p in signed["parties"] if p["roles"] == ["supplier"]]
    assert supplier["identifier"] == {"id": "HRB 1234", "legalName": "Netzbau GmbH"}
    assert supplier["address"]["countryName"] == "DE"
    assert signed["awards"][0]["suppliers"] == [{"id": supplier["id"], "name": "Netzbau GmbH"}]
    assert signed["contracts"][0]["value"] == {"amount": 48000.5, "currency": "EUR"}
    assert signed["contracts"][0]["dateSigned"].startswith(meeting.isoformat())
    assert signed["contracts"][0]["period"]["startDate"].startswith("2027-01-01")
    assert "Eigentum an den Daten: die Stadt" in signed["contracts"][0]["description"]
    assert [r["contracts"][0]["status"] for r in (signed, active, ended)] == [
        "pending",
        "active",
        "terminated",
    ]
    assert signed["buyer"] == {"id": "city", "name": "Stadt Musterstadt (Demo)"}


def test_drafts_never_appear(
    client: Client,
    validate: Callable[[dict[str, Any]], dict[str, Any]],
    contract: Contract,
    editor: User,
    project: Project,
) -> None:
    draft = Contract(title="Noch ein Entwurf")
    linked_record_save(actor=editor, record=draft, projects=[project])
    assert ocds.contract_releases(draft) == []
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())

    package = client.get(PACKAGE_URL).json()
    assert {r["ocid"] for r in package["releases"]} == {ocds.contract_ocid(contract)}
    assert_valid(validate(package))
    draft_url = f"/api/ocds/contracts/{draft.pk}/release-package.json"
    assert client.get(draft_url).status_code == 404
    assert client.get("/api/ocds/contracts/999999/release-package.json").status_code == 404


def test_an_empty_register_is_an_empty_package(db: None, client: Client) -> None:
    package = client.get(PACKAGE_URL).json()
    assert package["releases"] == []


def test_ending_before_the_signature_cancels_the_contract(
    client: Client,
    validate: Callable[[dict[str, Any]], dict[str, Any]],
    contract: Contract,
    editor: User,
) -> None:
    today = timezone.localdate()
    _move(contract, editor, ContractStatus.PUBLISHED, today)
    _move(contract, editor, ContractStatus.ENDED, today + timedelta(days=3))
    package = _package(client, contract)
    assert_valid(validate(package))
    published, ended = package["releases"]
    assert [published["tag"], ended["tag"]] == [["planning"], ["contractTermination"]]
    assert ended["contracts"][0]["status"] == "cancelled"
    assert ended["awards"][0]["status"] == "cancelled"
    assert _milestone(ended, "approval")["status"] == "notMet"


def test_engagement_milestones_are_the_projects_published_procedures(
    contract: Contract, editor: User, project: Project
) -> None:
    now = timezone.now()
    for title, fields in (
        ("Werkstatt", {"published_at": now, "result_report_published_at": now}),
        ("Umfrage", {"published_at": now}),
        ("Noch nicht öffentlich", {}),
    ):
        linked_record_save(
            actor=editor,
            record=Procedure(title=title, slug=slugify(title), summary=title, **fields),
            projects=[project],
        )
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())
    (release,) = ocds.contract_releases(ocds.published_contracts().get(pk=contract.pk))
    engagements = {
        m["title"]: m["status"]
        for m in release["planning"]["milestones"]
        if m["type"] == "engagement"
    }
    assert engagements == {"Werkstatt": "met", "Umfrage": "scheduled"}


def test_the_ocid_prefix_comes_from_the_settings(
    settings: Any, contract: Contract, editor: User
) -> None:
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())
    (release,) = ocds.contract_releases(contract)
    assert release["ocid"] == f"ocds-abc123-{contract.pk}"
    assert release["id"] == f"ocds-abc123-{contract.pk}-published"


def test_the_package_takes_the_same_queries_for_more_contracts(
    client: Client,
    django_assert_num_queries: Any,
    contract: Contract,
    editor: User,
    project: Project,
) -> None:
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())
    with CaptureQueriesContext(connection) as one:
        client.get(PACKAGE_URL)
    for number in range(3):
        another = Contract(title=f"Vertrag {number}", vendor=contract.vendor)
        linked_record_save(actor=editor, record=another, projects=[project])
        _move(another, editor, ContractStatus.PUBLISHED, timezone.localdate())
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(PACKAGE_URL)


def test_generated_texts_stay_in_the_register_language(contract: Contract, editor: User) -> None:
    _move(contract, editor, ContractStatus.PUBLISHED, timezone.localdate())
    with translation.override("en"):
        (release,) = ocds.contract_releases(contract)
    assert _milestone(release, "approval")["title"] == "Beschluss"
