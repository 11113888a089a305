"""A contract's findings link to the form that fixes them."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, Redaction
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def test_missing_data_locations_open_the_form_that_adds_one(
    charter: CharterVersion, editor: User, office: Office, client_for: ClientFor
) -> None:
    contract = Contract(title="Wartungsvertrag (Test)")
    linked_record_save(
        actor=editor, record=contract, projects=[ProjectFactory.create(office=office)]
    )
    # Stored before the charter asked for more (the form would refuse it today).
    Redaction.objects.create(contract=contract, passage="§ 2", category="security", reason="")
    _, findings = services.contract_findings(contract)
    fixes = {finding.rule: finding.fix_url for finding in findings}

    assert fixes["data-stays-in-eu"] == f"/vertraege/{contract.pk}/ort/neu/"
    redaction = contract.redactions.get()
    assert fixes["redactions-justified"] == (
        f"/vertraege/{contract.pk}/schwaerzung/{redaction.pk}/aendern/#id_reason"
    )
    client = client_for(editor)
    assert client.get(fixes["data-stays-in-eu"]).status_code == 200
    assert 'id="id_reason"' in client.get(fixes["redactions-justified"]).content.decode()
