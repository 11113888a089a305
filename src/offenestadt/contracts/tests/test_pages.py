"""The public contract register: filters, the page with where data goes, drafts hidden."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, ContractStatus, SubProcessor
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
WLAN = "Betriebsvertrag WLAN-Backbone mit den Stadtwerken (Demo)"
SENSORS = "Lizenz- und Servicevertrag Sensorplattform (Demo)"


@pytest.fixture
def demo(db: None) -> None:
    load_demo_content()


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("", [WLAN, SENSORS], []),
        ("?land=US", [SENSORS], [WLAN]),
        ("?land=de", [WLAN], [SENSORS]),
        ("?wert_ab=50000", [WLAN], [SENSORS]),
        ("?wert_bis=50.000", [SENSORS], [WLAN]),
        ("?q=Sensorplattform", [SENSORS], [WLAN]),
        ("?status=draft", [], [WLAN, SENSORS]),
        ("?projekt=offenes-wlan-in-stadtteilzentren-demo", [WLAN], [SENSORS]),
    ],
)
def test_the_register_filters(
    client_for: ClientFor, query: str, shown: list[str], hidden: list[str]
) -> None:
    page = client_for(None).get(f"/vertraege/{query}").content.decode()
    for title in shown:
        assert title in page
    for title in hidden:
        assert title not in page


@pytest.mark.usefixtures("demo")
def test_the_contract_page_shows_where_data_goes_and_who_sees_it(
    client_for: ClientFor,
) -> None:
    contract = Contract.objects.get(title=SENSORS)
    page = " ".join(client_for(None).get(contract.get_absolute_url()).content.decode().split())
    assert "Wo die Daten hingehen und wer sie sieht" in page
    assert "<td>Unterauftragnehmer: Analytics Partner (Demo) (Auswertung)</td><td>SG</td>" in page
    assert "Im öffentlichen Dokument ist 1 Stelle geschwärzt." in page
    # Each redaction says what it protects, under which provision of which law, and why.
    assert (
        "<dt>§ 7 Stückpreise je Sensor</dt> <dd> <p>Geschäftsgeheimnis im Rechtssinn – "
        "Rechtsgrundlage: § 8 Informationsfreiheitsgesetz Nordrhein-Westfalen (IFG NRW)</p> "
        "<p>Begründung: Die Stückpreise zeigen die Kalkulation des Anbieters"
    ) in page
    assert "Außerhalb von EU/EWR ohne benannte Garantie" in page


def test_drafts_stay_internal(client_for: ClientFor, people: dict[str, User | None]) -> None:
    draft = Contract.objects.create(title="Geheimer Vertragsentwurf")
    for role, person in people.items():
        response = client_for(person).get(draft.get_absolute_url())
        listing = client_for(person).get("/vertraege/").content.decode()
        sees = role in {"editor", "other_editor", "dpo", "admin"}
        assert response.status_code == (200 if sees else 404), role
        assert ("Geheimer Vertragsentwurf" in listing) is sees, role


@pytest.mark.usefixtures("charter")
def test_the_page_shows_what_changed_since_publication(editor: User, client_for: ClientFor) -> None:
    project = ProjectFactory.create(office=editor.office)
    contract = Contract(title="Wartung", value=Decimal("1000"))
    linked_record_save(actor=editor, record=contract, projects=[project])
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    unchanged = client_for(None).get(contract.get_absolute_url()).content.decode()
    assert "der Vertrag steht so, wie er veröffentlicht wurde" in unchanged

    contract.value = Decimal("1500")
    save_record(record=contract, actor=editor, event=AuditEvent.CHANGED)
    services.contract_clause_save(
        actor=editor, clause=SubProcessor(contract=contract, name="Hoster", country="NL")
    )
    page = " ".join(client_for(None).get(contract.get_absolute_url()).content.decode().split())
    assert '<th scope="row">Wert</th><td><del>1000.00</del></td><td><ins>1500.00</ins></td>' in page
    assert "<ins>Hoster, NL</ins>" in page
