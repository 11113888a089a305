"""Linking a project to the council's papers on its edit form, by reference number or title."""

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.contracts.models import Contract
from offenestadt.contracts.services import contract_save
from offenestadt.council.tests import factories as council
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
pytestmark = pytest.mark.django_db


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


def _save(client: Client, project: Project, papers: str) -> str:
    data = {
        "title": project.title,
        "summary": project.summary,
        "plain_language_summary": "",
        "council_papers": papers,
    }
    response = client.post(f"/projekte/{project.slug}/bearbeiten/", data)
    return "" if response.status_code == 302 else response.content.decode()


def test_papers_are_linked_by_reference_or_title_and_unknown_ones_are_named(
    client_for: ClientFor, editor: User, project: Project
) -> None:
    city = council.body()
    sensors = council.paper(city, "2026/017", name="Sensoren im Stadtpark")
    parking = council.paper(city, "2026/018", name="Parkleitsystem Innenstadt")
    council.paper(city, "2026/019", name="Parkleitsystem Altstadt")
    client = client_for(editor)

    assert _save(client, project, "2026/017\n  Innenstadt ") == ""
    assert set(project.council_papers.all()) == {sensors, parking}
    form = client.get(f"/projekte/{project.slug}/bearbeiten/").content.decode()
    assert "2026/017\n2026/018" in form

    page = _save(client, project, "2026/999\nParkleitsystem")
    assert "Keine Ratsvorlage mit dem Aktenzeichen oder Titel „2026/999“." in page
    assert "„Parkleitsystem“ passt auf mehrere Ratsvorlagen (2026/018, 2026/019)" in page
    assert set(project.council_papers.all()) == {sensors, parking}

    assert _save(client, project, "") == ""
    assert not project.council_papers.exists()


def test_the_project_and_contract_pages_show_the_meeting_item_and_decision(
    client_for: ClientFor, editor: User, project: Project
) -> None:
    city = council.body()
    sensors = council.paper(city, "2026/017", name="Sensoren im Stadtpark")
    sensors.web = "https://ris.example/vo/17"
    sensors.save()
    meeting = council.meeting(city, date(2026, 5, 7), name="Rat", web="https://ris.example/si/3")
    item = council.item(meeting, result="einstimmig beschlossen")
    council.consult(sensors, meeting, agenda_item=item)
    waiting = council.paper(city, "2026/018", name="Parkleitsystem")
    project.council_papers.set([sensors, waiting])
    contract = Contract.objects.create(title="Wartungsvertrag", published_at=timezone.now())
    contract.projects.set([project])
    contract.council_papers.set([sensors])

    for address in (project.get_absolute_url(), contract.get_absolute_url()):
        page = client_for(None).get(address).content.decode()
        # Our own pages of the paper and the meeting; the council system's beside them.
        assert f'<a href="/rat/vorlagen/{sensors.pk}/">Vorlage 2026/017</a>' in page
        assert f'<a href="/rat/sitzungen/{meeting.pk}/">Rat</a>' in page
        for source in ("https://ris.example/vo/17", "https://ris.example/si/3"):
            assert f'(<a href="{source}">im Ratsinformationssystem<span' in page
        assert "7. Mai 2026</time>, TOP Ö 4" in page
        assert "Beschluss: einstimmig beschlossen" in page
    page = client_for(None).get(project.get_absolute_url()).content.decode()
    assert (
        f'<a href="/rat/vorlagen/{waiting.pk}/">Vorlage 2026/018</a>: Parkleitsystem '
        "– noch keiner Sitzung zugeordnet"
    ) in " ".join(page.split())


def _history_rows(page: str) -> list[tuple[str, str, str]]:
    history = page.split('id="history-heading"')[1]
    cell = r"<td>((?:[^<]|<br>)*)</td>"
    return re.findall(rf'<th scope="row">([^<]*)</th>\s*{cell}{cell}', history)


def test_linking_papers_is_in_the_project_s_history(
    client_for: ClientFor, editor: User, project: Project
) -> None:
    city = council.body()
    council.paper(city, "2026/017", name="Sensoren im Stadtpark")
    council.paper(city, "2026/018", name="Parkleitsystem Innenstadt")
    client = client_for(editor)

    assert _save(client, project, "2026/017") == ""
    assert _save(client, project, "2026/017\n2026/018") == ""
    # Saved again unchanged: no entry.
    assert _save(client, project, "2026/018\n2026/017") == ""
    assert _save(client, project, "") == ""

    rows = _history_rows(client.get(project.get_absolute_url()).content.decode())
    both = "Parkleitsystem Innenstadt<br>Sensoren im Stadtpark"
    # Newest first, one entry a change, none for the unchanged save.
    assert [row for row in rows if row[0] == "Ratsvorlagen"] == [
        ("Ratsvorlagen", both, "–"),
        ("Ratsvorlagen", "Sensoren im Stadtpark", both),
        ("Ratsvorlagen", "–", "Sensoren im Stadtpark"),
    ]


def test_linking_papers_is_in_the_contract_s_history(
    client_for: ClientFor, editor: User, project: Project
) -> None:
    paper = council.paper(council.body(), "2026/017", name="Sensoren im Stadtpark")
    contract = Contract(title="Wartungsvertrag")
    contract_save(actor=editor, contract=contract, projects=[project], council_papers=[paper])
    contract_save(actor=editor, contract=contract, projects=[project], council_papers=[])

    rows = _history_rows(client_for(editor).get(contract.get_absolute_url()).content.decode())
    assert [row for row in rows if row[0] == "Ratsvorlagen"] == [
        ("Ratsvorlagen", "Sensoren im Stadtpark", "–"),
        ("Ratsvorlagen", "–", "Sensoren im Stadtpark"),
    ]
    assert not contract.council_papers.exists()
