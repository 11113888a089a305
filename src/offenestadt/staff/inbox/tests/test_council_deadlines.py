"""The inbox dates a contract's council meeting by its linked paper's meeting where there is
one (council.selectors.deliberation), by the day entered by hand where there is none."""

import re
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts.models import Contract
from offenestadt.council.tests import factories as council
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.staff.inbox.tests.test_inbox import (
    held_contract,
    inbox_page,
    listed_items,
    nav_count,
)

ClientFor = Callable[[User | None], Client]


def test_a_contract_s_meeting_is_its_paper_s_meeting(
    charter: CharterVersion, office: Office, editor: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    project = ProjectFactory.create(office=office)
    city = council.body()
    linked = held_contract(editor, project, "Vertrag mit Vorlage")
    paper = council.paper(city, "2026/001")
    council.consult(paper, council.meeting(city, today + timedelta(days=5)))
    linked.council_papers.add(paper)
    # Moved to a later meeting: the day once entered by hand no longer counts.
    moved = held_contract(editor, project, "Vertrag verschoben")
    later = council.paper(city, "2026/002")
    council.consult(later, council.meeting(city, today + timedelta(days=30)))
    moved.council_papers.add(later)
    held_contract(editor, project, "Vertrag ohne Vorlage")
    Contract.objects.filter(title__in=["Vertrag mit Vorlage", "Vertrag verschoben"]).update(
        meeting_date=today + timedelta(days=3)
    )
    Contract.objects.filter(title="Vertrag ohne Vorlage").update(
        meeting_date=today + timedelta(days=7)
    )

    page = inbox_page(client_for(editor))

    meetings = re.findall(
        r'<time datetime="([\d-]+)">[^<]*</time>: Beratung im Gremium · <a [^>]*>([^<]*)</a>',
        page,
    )
    assert meetings == [
        ((today + timedelta(days=5)).isoformat(), "Vertrag mit Vorlage"),
        ((today + timedelta(days=7)).isoformat(), "Vertrag ohne Vorlage"),
    ]
    assert nav_count(page) == listed_items(page)
