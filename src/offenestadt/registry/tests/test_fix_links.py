"""Every finding of a project that asks for something links to the form that does it, for the
project's editor; a waiting period is told as its days and links nowhere."""

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from offenestadt.accounts.models import User
from offenestadt.charter.engine import Finding, Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts.models import Contract, DataOwner
from offenestadt.participation.models import Phase as ParticipationPhase
from offenestadt.participation.models import PhaseKind, Procedure
from offenestadt.processing.models import ProcessingActivity
from offenestadt.processing.services import activity_save
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase, Project, Service
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def _finding(project: Project, charter: CharterVersion, rule: str) -> Finding:
    (finding,) = [f for f in evaluate(project, charter) if f.rule == rule]
    return finding


def _form(client: Client, address: str) -> str:
    """The page a "beheben" link leads to (through any redirect), which must be there."""
    response = client.get(address, follow=True)
    assert response.status_code == 200, address
    return response.content.decode()


def test_a_project_waiting_its_days_in_public_says_until_when_and_links_nowhere(
    charter: CharterVersion, editor: User
) -> None:
    project = ProjectFactory.create(office=editor.office)
    since = timezone.localdate(project.published_at)

    finding = _finding(project, charter, "public-before-decision")

    assert finding.status == Status.MISSING
    assert finding.fix_url == ""
    assert "seit 0 Tagen" not in finding.message.de
    assert f"seit dem {date_format(since)} öffentlich" in finding.message.de
    earliest = date_format(since + timedelta(days=28))
    assert f"frühestens am {earliest}" in finding.message.de


def test_a_participation_not_over_opens_the_form_of_its_last_phase(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    procedure = Procedure.objects.create(
        slug="ring", title="Sensoren am Ring", office=editor.office, published_at=timezone.now()
    )
    procedure.projects.add(project)
    today = timezone.localdate()
    ParticipationPhase.objects.create(
        procedure=procedure,
        kind=PhaseKind.INFORMATION,
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=10),
    )
    last = ParticipationPhase.objects.create(
        procedure=procedure,
        kind=PhaseKind.CONSULTATION,
        starts_on=today - timedelta(days=9),
        ends_on=today + timedelta(days=5),
    )

    finding = _finding(project, charter, "participation-before-decision")

    assert finding.fix_url == f"/beteiligung/ring/phasen/{last.pk}/aendern/#id_ends_on"
    page = _form(client_for(editor), finding.fix_url)
    assert f'value="{last.ends_on.isoformat()}"' in page


def test_a_participation_without_phases_opens_the_form_that_adds_one(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    procedure = Procedure.objects.create(
        slug="ring", title="Sensoren am Ring", office=editor.office, published_at=timezone.now()
    )
    procedure.projects.add(project)

    finding = _finding(project, charter, "participation-before-decision")

    assert finding.fix_url == "/beteiligung/ring/phasen/neu/"
    assert 'id="id_ends_on"' in _form(client_for(editor), finding.fix_url)


def _channels(project: Project, before: list[Channel], after: list[Channel]) -> Service:
    service = Service.objects.create(project=project, name="Meldebescheinigung")
    for phase, kinds in ((Phase.BEFORE, before), (Phase.AFTER, after)):
        for kind in kinds:
            AccessChannel.objects.create(
                service=service, phase=phase, kind=kind, district="Mitte", step_free=True
            )
    return service


def test_a_lost_channel_opens_the_form_that_adds_it_again(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    service = _channels(project, [Channel.POST], [Channel.ONLINE])

    finding = _finding(project, charter, "non-digital-channels-kept")

    assert finding.status == Status.VIOLATED
    assert finding.fix_url == (
        f"/projekte/{project.slug}/dienstleistung/{service.pk}/zugangsweg/neu/"
    )
    assert 'name="zugang-0-kind"' in _form(client_for(editor), finding.fix_url)


def test_a_channel_that_gets_worse_opens_its_own_form(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    service = _channels(project, [Channel.IN_PERSON], [Channel.IN_PERSON])
    after = service.channels.get(phase=Phase.AFTER)
    after.district = "Wattenscheid"
    after.save()

    finding = _finding(project, charter, "non-digital-channels-kept")

    assert finding.status == Status.VIOLATED
    assert finding.fix_url == (
        f"/projekte/{project.slug}/dienstleistung/{service.pk}/zugangsweg/{after.pk}/aendern/"
    )
    assert 'value="Wattenscheid"' in _form(client_for(editor), finding.fix_url)


def test_a_published_contract_s_finding_opens_the_contract_s_form(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    contract = Contract(title="Wartung", published_at=timezone.now(), data_owner=DataOwner.VENDOR)
    linked_record_save(actor=editor, record=contract, projects=[project])

    finding = _finding(project, charter, "contracts-keep-data-with-city")

    assert finding.fix_url == f"/vertraege/{contract.pk}/bearbeiten/#id_data_owner"
    page = _form(client_for(editor), finding.fix_url)
    assert 'name="data_owner"' in page and 'value="Wartung"' in page


def test_a_draft_s_address_is_not_kept_but_found_when_followed(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    """A draft's address may carry its title (a slug); the kept finding names kind and id."""
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    activity = ProcessingActivity(title="Geheime Kennzeichenerfassung", office=editor.office)
    activity_save(actor=editor, activity=activity, projects=[project])

    finding = _finding(project, charter, "processing-minimised")

    assert "kennzeichen" not in finding.fix_url
    assert finding.fix_url == (
        f"/charta/beheben/processing.processingactivity/{activity.pk}/processing-minimised/"
    )
    response = client_for(editor).get(finding.fix_url)
    assert response["Location"] == f"/verarbeitungen/{activity.slug}/kategorie/neu/"
    assert 'name="purpose"' in _form(client_for(editor), finding.fix_url)
    # Nobody outside the administration learns the address.
    assert client_for(None).get(finding.fix_url).status_code == 404


def test_a_linked_contract_s_fix_follows_what_is_worst_today(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office)
    contract = Contract(title="Wartung", data_owner=DataOwner.VENDOR)
    linked_record_save(actor=editor, record=contract, projects=[project])
    address = _finding(project, charter, "contracts-keep-data-with-city").fix_url
    assert (
        address
        == f"/charta/beheben/contracts.contract/{contract.pk}/contracts-keep-data-with-city/"
    )
    assert client_for(editor).get(address)["Location"] == (
        f"/vertraege/{contract.pk}/bearbeiten/#id_data_owner"
    )

    contract.data_owner = DataOwner.CITY
    contract.save()

    # Owned by the city now: who may reach the data is missing (and where it is processed).
    assert client_for(editor).get(address)["Location"] == f"/vertraege/{contract.pk}/zugriff/neu/"
