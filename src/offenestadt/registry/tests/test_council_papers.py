"""Linking a project to the council's papers on its edit form, by reference number or title."""

from collections.abc import Callable

import pytest
from django.test import Client

from offenestadt.accounts.models import Office, User
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
