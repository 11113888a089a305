"""A contract's dates that its gates read cannot be backdated: when it was published (days
in public), when the council meets, when the withdrawal period ends (core.gate_dates)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, ContractStatus, DataOwner
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


@pytest.fixture
def published(charter: CharterVersion, editor: User, project: Project) -> Contract:
    contract = Contract(title="Wartungsvertrag", data_owner=DataOwner.CITY)
    linked_record_save(actor=editor, record=contract, projects=[project])
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    return contract


def test_a_contracts_days_in_public_cannot_be_backdated(published: Contract, editor: User) -> None:
    assert published.published_at is not None
    published.published_at -= timedelta(days=60)
    with pytest.raises(ValidationError, match="nicht zurückdatiert"):
        save_record(record=published, actor=editor, event=AuditEvent.CHANGED)
    published.refresh_from_db()
    assert published.days_public(timezone.localdate()) == 0
    # Nor is a draft published with a date in the past.
    draft = Contract(title="Entwurf", published_at=timezone.now() - timedelta(days=60))
    with pytest.raises(ValidationError, match="nicht zurückdatiert"):
        save_record(record=draft, actor=editor, event=AuditEvent.CREATED)


def _edit(client: Client, contract: Contract, project: Project, meeting_date: str) -> str:
    data = {
        "title": contract.title,
        "currency": "EUR",
        "data_owner": contract.data_owner,
        "secondary_use_prohibited": "unknown",
        "audit_rights": "unknown",
        "deletion_at_end": "unknown",
        "council_body": "Ausschuss für Digitales",
        "meeting_date": meeting_date,
        "projects": [project.pk],
    }
    return client.post(f"/vertraege/{contract.pk}/bearbeiten/", data).content.decode()


def test_the_council_meeting_date_cannot_be_backdated_once_public(
    published: Contract, editor: User, project: Project, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    client = client_for(editor)
    page = _edit(client, published, project, (today - timedelta(days=1)).isoformat())
    assert "darf nicht vor heute liegen" in page
    assert Contract.objects.get(pk=published.pk).meeting_date is None
    meeting = today + timedelta(days=40)
    _edit(client, published, project, meeting.isoformat())
    assert Contract.objects.get(pk=published.pk).meeting_date == meeting
    # Postponed: fine. Brought forward: only later, never earlier.
    published.refresh_from_db()
    published.meeting_date = meeting + timedelta(days=7)
    linked_record_save(actor=editor, record=published, projects=[project])
    page = _edit(client, published, project, (meeting - timedelta(days=10)).isoformat())
    assert "kann nur auf später verschoben werden" in page
    assert Contract.objects.get(pk=published.pk).meeting_date == meeting + timedelta(days=7)


def test_the_council_meets_only_after_the_minimum_days_in_public(
    published: Contract, editor: User
) -> None:
    today = timezone.localdate()
    published.council_body = "Rat"
    published.meeting_date = today + timedelta(days=10)
    save_record(record=published, actor=editor, event=AuditEvent.CHANGED)
    # Asked on day 28, but the council already met on day 10: refused.
    with pytest.raises(GateRefusedError) as refusal:
        services.contract_transition(
            actor=editor,
            contract=published,
            to=ContractStatus.DELIBERATION,
            today=today + timedelta(days=28),
        )
    assert any("Bis zur Sitzung am" in problem for problem in refusal.value.problems)


def test_the_withdrawal_period_never_shrinks(published: Contract, editor: User) -> None:
    assert published.withdrawal_until is not None
    published.withdrawal_until = timezone.localdate()
    with pytest.raises(ValidationError, match="nicht verkürzt"):
        save_record(record=published, actor=editor, event=AuditEvent.CHANGED)
    published.refresh_from_db()
    published.withdrawal_until += timedelta(days=5)
    save_record(record=published, actor=editor, event=AuditEvent.CHANGED)
    entry = AuditEntry.objects.for_record(published).order_by("-seq").first()
    assert entry is not None and "withdrawal_until" in entry.changes
