"""P2 follows the data wherever it goes: places, sub-processors and remote access.

Remote access or support from a third country is a transfer there, like a data centre
there; each needs a stated safeguard, and a country the contract leaves open is missing
evidence, not a pass.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Finding, Status, evaluate
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractStatus,
    DataAccess,
    DataLocation,
    DataOwner,
    Location,
    SubProcessor,
)
from offenestadt.contracts.ocds import _data_clauses
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


@pytest.fixture
def contract(charter: CharterVersion, editor: User, project: Project) -> Contract:
    """Data processed in France, maintained on site."""
    contract = Contract(title="Parkraumsensoren", data_owner=DataOwner.CITY)
    linked_record_save(actor=editor, record=contract, projects=[project])
    for clause in (
        DataLocation(contract=contract, kind=Location.PROCESSING, country="FR", city="Lyon"),
        DataAccess(
            contract=contract,
            organisation="Stadtwerke",
            role="Betrieb",
            purpose="Wartung",
            mode=AccessMode.ON_SITE,
        ),
    ):
        services.contract_clause_save(actor=editor, clause=clause)
    return contract


def _finding(contract: Contract, charter: CharterVersion) -> Finding:
    (finding,) = [f for f in evaluate(contract, charter) if f.rule == "data-stays-in-eu"]
    return finding


def _add(editor: User, clause: SubProcessor | DataAccess) -> None:
    services.contract_clause_save(actor=editor, clause=clause)


def _support(contract: Contract, country: str, safeguard: str = "") -> DataAccess:
    return DataAccess(
        contract=contract,
        organisation="Vendor Support Inc.",
        role="Support",
        purpose="Fehlersuche",
        mode=AccessMode.REMOTE,
        country=country,
        safeguard=safeguard,
    )


def test_data_processed_in_france_meets_p2(contract: Contract, charter: CharterVersion) -> None:
    assert _finding(contract, charter).status == Status.MET


def test_remote_access_from_the_us_without_safeguard_is_a_violation(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(editor, _support(contract, "US"))
    finding = _finding(contract, charter)
    assert finding.status == Status.VIOLATED
    assert finding.message.de == (
        "Außerhalb von EU/EWR ohne benannte Garantie: Fernzugriff: Vendor Support Inc. (US)."
    )
    assert "Vendor Support Inc. (US)" in finding.message.en


@pytest.mark.parametrize("safeguard", ["", "keine", "–", "unbekannt"])
def test_a_safeguard_that_names_none_is_no_safeguard(
    contract: Contract, charter: CharterVersion, editor: User, safeguard: str
) -> None:
    _add(editor, _support(contract, "US", safeguard))
    assert _finding(contract, charter).status == Status.VIOLATED


def test_remote_access_from_the_us_under_the_data_privacy_framework_meets_p2(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(editor, _support(contract, "US", "EU-US Data Privacy Framework (zertifiziert)"))
    assert _finding(contract, charter).status == Status.MET


def test_remote_access_from_the_eea_needs_no_safeguard(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(editor, _support(contract, "NO"))
    assert _finding(contract, charter).status == Status.MET


def test_a_sub_processor_in_india_with_standard_clauses_meets_p2(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(
        editor,
        SubProcessor(
            contract=contract,
            name="Monitoring Pune",
            country="IN",
            safeguard="Standardvertragsklauseln (Art. 46 Abs. 2 c DSGVO)",
        ),
    )
    assert _finding(contract, charter).status == Status.MET


def test_a_sub_processor_in_india_without_safeguard_is_named(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(editor, SubProcessor(contract=contract, name="Monitoring Pune", country="IN"))
    finding = _finding(contract, charter)
    assert finding.status == Status.VIOLATED
    assert "Unterauftragnehmer: Monitoring Pune (IN)" in finding.message.de


@pytest.mark.parametrize("unknown", ["sub-processor", "remote access"])
def test_an_unknown_country_is_missing_evidence(
    contract: Contract, charter: CharterVersion, editor: User, unknown: str
) -> None:
    if unknown == "sub-processor":
        _add(editor, SubProcessor(contract=contract, name="Kartendienst", country=""))
        named = "Unterauftragnehmer: Kartendienst (?)"
    else:
        _add(editor, _support(contract, ""))
        named = "Fernzugriff: Vendor Support Inc. (?)"
    finding = _finding(contract, charter)
    assert finding.status == Status.MISSING
    assert finding.message.de == f"Es fehlt, aus welchem Land: {named}."


def test_a_violation_outweighs_an_unknown_country(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    _add(editor, SubProcessor(contract=contract, name="Kartendienst", country=""))
    _add(editor, _support(contract, "US"))
    assert _finding(contract, charter).status == Status.VIOLATED


def test_on_site_access_adds_no_country(
    contract: Contract, charter: CharterVersion, editor: User
) -> None:
    # The fixture's on-site access has no country; it happens where the data is (FR).
    assert contract.accesses.get().country == ""
    assert _finding(contract, charter).status == Status.MET


def test_remote_access_without_safeguard_holds_the_contract_from_the_council(
    contract: Contract, editor: User
) -> None:
    _add(editor, _support(contract, "US"))
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    today = timezone.localdate()
    contract.council_body, contract.meeting_date = "Rat", today
    later = today + timedelta(days=60)
    with pytest.raises(GateRefusedError) as refusal:
        services.contract_transition(
            actor=editor, contract=contract, to=ContractStatus.DELIBERATION, today=later
        )
    assert [f.rule for f in refusal.value.findings] == ["data-stays-in-eu"]


def test_the_page_api_and_ocds_say_from_where_data_is_accessed(
    contract: Contract, editor: User, client_for: ClientFor
) -> None:
    _add(editor, _support(contract, "US", "Standardvertragsklauseln"))
    _add(editor, SubProcessor(contract=contract, name="Kartendienst", country=""))
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    anonymous = client_for(None)
    page = anonymous.get(contract.get_absolute_url()).content.decode()
    assert "Von wo (Land)" in page
    assert "<td>US</td><td>Standardvertragsklauseln</td>" in page
    assert "<td>unbekannt</td>" in page
    detail = anonymous.get(f"/api/v1/contracts/{contract.pk}").json()
    [remote] = [a for a in detail["accesses"] if a["mode"] == "remote"]
    assert (remote["country"], remote["safeguard"]) == ("US", "Standardvertragsklauseln")
    assert detail["subprocessors"][0]["country"] == ""
    [p2] = [f for f in detail["findings"] if f["rule"] == "data-stays-in-eu"]
    assert p2["status"] == "missing"
    # The register filters by the country data is accessed from.
    assert anonymous.get("/api/v1/contracts?country=US").json()["count"] == 1
    assert contract.title in anonymous.get("/vertraege/?land=US").content.decode()
    # OCDS carries the data clauses in the contract's description.
    with translation.override("de"):
        description = _data_clauses(contract)
    assert "Vendor Support Inc. (Support; Fehlersuche; aus der Ferne; " in description
    assert "Land, aus dem zugegriffen wird (ISO-Code): US" in description
