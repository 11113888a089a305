"""A contract's findings link to the form that fixes them."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, DataLocation, Location, Redaction
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def _linked_contract(editor: User, office: Office) -> Contract:
    """A draft contract of a project of ``office``, stored through the services."""
    contract = Contract(title="Wartungsvertrag (Test)")
    linked_record_save(
        actor=editor, record=contract, projects=[ProjectFactory.create(office=office)]
    )
    return contract


def _fixes(contract: Contract) -> dict[str, str]:
    """Where each of the contract's findings links, by rule."""
    _, findings = services.contract_findings(contract)
    return {finding.rule: finding.fix_url for finding in findings}


def test_missing_data_locations_open_the_form_that_adds_one(
    charter: CharterVersion, editor: User, office: Office, client_for: ClientFor
) -> None:
    contract = _linked_contract(editor, office)
    # Stored before the charter asked for more (the form would refuse it today).
    Redaction.objects.create(contract=contract, passage="§ 2", category="security", reason="")
    fixes = _fixes(contract)

    assert fixes["data-stays-in-eu"] == f"/vertraege/{contract.pk}/ort/neu/"
    redaction = contract.redactions.get()
    assert fixes["redactions-justified"] == (
        f"/vertraege/{contract.pk}/schwaerzung/{redaction.pk}/aendern/#id_reason"
    )
    client = client_for(editor)
    assert client.get(fixes["data-stays-in-eu"]).status_code == 200
    assert 'id="id_reason"' in client.get(fixes["redactions-justified"]).content.decode()


def test_each_data_clause_finding_opens_the_form_that_fixes_it(
    charter: CharterVersion, editor: User, office: Office, client_for: ClientFor
) -> None:
    contract = _linked_contract(editor, office)
    client = client_for(editor)

    assert _fixes(contract)["data-owned-by-city"] == (
        f"/vertraege/{contract.pk}/bearbeiten/#id_data_owner"
    )
    assert _fixes(contract)["access-listed"] == f"/vertraege/{contract.pk}/zugriff/neu/"
    page = client.get(_fixes(contract)["data-owned-by-city"]).content.decode()
    assert 'name="data_owner"' in page and 'value="Wartungsvertrag (Test)"' in page
    assert 'name="organisation"' in client.get(_fixes(contract)["access-listed"]).content.decode()

    location = DataLocation.objects.create(contract=contract, kind=Location.PROCESSING)
    assert _fixes(contract)["data-stays-in-eu"] == (
        f"/vertraege/{contract.pk}/ort/{location.pk}/aendern/#id_country"
    )
    location.country = "US"
    location.save()
    assert _fixes(contract)["data-stays-in-eu"] == (
        f"/vertraege/{contract.pk}/ort/{location.pk}/aendern/#id_safeguard"
    )
    response = client.get(_fixes(contract)["data-stays-in-eu"])
    assert 'id="id_safeguard"' in response.content.decode()
    assert response.context["form"]["country"].value() == "US"
