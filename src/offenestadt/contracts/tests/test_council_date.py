"""A contract's council date is its linked paper's meeting (council.selectors.deliberation),
else the day entered by hand: the staff's dates ahead and the OCDS releases read it."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.contracts.models import Contract, ContractStatus
from offenestadt.contracts.selectors import contracts_meeting_between
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.council import models as m
from offenestadt.council.tests import factories as council
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _contract(editor: User, title: str, meeting_date: date | None) -> Contract:
    """A published contract of one of ``editor``'s projects, the council's day entered by hand."""
    contract = Contract.objects.create(
        title=title,
        status=ContractStatus.PUBLISHED,
        published_at=timezone.now(),
        meeting_date=meeting_date,
    )
    contract.projects.add(ProjectFactory.create(office=editor.office))
    return contract


def _on_meeting(contract: Contract, body: m.Body, day: date, reference: str) -> m.Paper:
    paper = council.paper(body, reference)
    council.consult(paper, council.meeting(body, day))
    contract.council_papers.add(paper)
    return paper


def test_the_contracts_before_the_council_soon_are_found_by_their_paper_s_meeting(
    editor: User,
) -> None:
    today = timezone.localdate()
    city = council.body()
    linked = _contract(editor, "Mit Vorlage", today + timedelta(days=40))
    _on_meeting(linked, city, today + timedelta(days=5), "2026/001")
    moved = _contract(editor, "Vorlage verschoben", today + timedelta(days=3))
    _on_meeting(moved, city, today + timedelta(days=30), "2026/002")
    by_hand = _contract(editor, "Ohne Vorlage", today + timedelta(days=7))
    # A paper on no meeting yet: the day entered by hand counts.
    waiting = _contract(editor, "Vorlage ohne Sitzung", today + timedelta(days=9))
    waiting.council_papers.add(council.paper(city, "2026/003"))

    found = list(contracts_meeting_between(editor, today, today + timedelta(days=14), today))

    assert found == [linked, by_hand, waiting]
    assert [c.council_date(today) for c in found] == [
        today + timedelta(days=5),
        today + timedelta(days=7),
        today + timedelta(days=9),
    ]
    assert moved.council_date(today) == today + timedelta(days=30)


def test_the_ocds_approval_is_due_on_the_paper_s_meeting(client: Client, editor: User) -> None:
    today = timezone.localdate()
    contract = _contract(editor, "Wartungsvertrag", today + timedelta(days=40))
    _on_meeting(contract, council.body(), today + timedelta(days=12), "2026/001")

    response = client.get(f"/api/ocds/contracts/{contract.pk}/release-package.json")

    (approval,) = [
        m
        for m in response.json()["releases"][-1]["planning"]["milestones"]
        if m["id"] == "approval"
    ]
    assert approval["dueDate"].startswith((today + timedelta(days=12)).isoformat())
    assert approval["status"] == "scheduled"


def test_the_demo_s_sensor_project_and_contract_go_to_the_council(client: Client) -> None:
    load_demo_content()
    contract = Contract.objects.get(title="Lizenz- und Servicevertrag Sensorplattform (Demo)")
    meeting = contract.council_deliberation()
    assert meeting is not None and meeting.meeting.name == "Rat der Stadt (Demo), 12. Sitzung"
    assert contract.council_date() == timezone.localdate() + timedelta(days=33)

    page = client.get(f"/rat/sitzungen/{meeting.meeting.pk}/").content.decode()
    assert f'href="{contract.get_absolute_url()}"' in page
    project = contract.projects.get()
    assert f'href="{project.get_absolute_url()}"' in page
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert f'<a href="/rat/vorlagen/{meeting.paper.pk}/">Vorlage DV/019/2026</a>' in project_page
