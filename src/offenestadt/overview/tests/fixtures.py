"""The records the dashboard and the report count, set up as the city would have them: a
project whose contract sends data to a third country without a safeguard (a P2 breach), one
whose contract keeps it in the EU, contributions through each channel, datasets, training."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import Contract, DataLocation, DataOwner, Location, SubProcessor
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save, project_evaluate
from offenestadt.registry.tests.factories import ProjectFactory


@dataclass(frozen=True)
class Programme:
    breaching: Project
    keeping: Project
    us_contract: Contract
    eu_contract: Contract


def contract_for(
    editor: User,
    project: Project,
    title: str,
    countries: list[str],
    *,
    signed_on: date | None = None,
) -> Contract:
    """A published contract of ``project`` whose data is processed in ``countries``."""
    contract = Contract(
        title=title,
        data_owner=DataOwner.CITY,
        published_at=timezone.now(),
        signed_on=signed_on,
    )
    linked_record_save(actor=editor, record=contract, projects=[project])
    for country in countries:
        contract_services.contract_clause_save(
            actor=editor,
            clause=DataLocation(contract=contract, kind=Location.PROCESSING, country=country),
        )
    return contract


def programme(editor: User) -> Programme:
    """Two published projects: one breaches P2 (data in the US without a safeguard), one
    keeps its data in France; a draft project is not counted."""
    breaching = ProjectFactory.create(office=editor.office, title="Parkraum")
    keeping = ProjectFactory.create(office=editor.office, title="Bodenfeuchte")
    ProjectFactory.create(office=editor.office, draft=True)
    us_contract = contract_for(
        editor, breaching, "Cloud-Sensorik", ["US"], signed_on=timezone.localdate()
    )
    eu_contract = contract_for(editor, keeping, "Messnetz", ["FR"])
    SubProcessor.objects.create(contract=eu_contract, name="Hosting GmbH", country="DE")
    for project in (breaching, keeping):
        project_evaluate(project=project)
    return Programme(breaching, keeping, us_contract, eu_contract)
