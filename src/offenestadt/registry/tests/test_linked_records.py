"""Procedures, contracts, processings and datasets linked to projects: audited, and visible
to the public only once published."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.contracts.models import Contract
from offenestadt.registry import services
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


def test_a_linked_record_is_audited_and_linked(editor: User, office: Office) -> None:
    project = ProjectFactory.create(office=office)
    contract = services.linked_record_save(
        actor=editor,
        record=Contract(title="Wartungsvertrag", published_at=timezone.now()),
        projects=[project],
    )
    assert list(project.contracts.all()) == [contract]
    (entry,) = AuditEntry.objects.for_record(contract)
    assert (entry.action, entry.is_public) == ("create", True)


def test_only_editors_of_every_linked_project_may_link(
    editor: User, office: Office, other_office: Office
) -> None:
    mine = ProjectFactory.create(office=office)
    theirs = ProjectFactory.create(office=other_office)
    with pytest.raises(PermissionDenied):
        services.linked_record_save(
            actor=editor, record=Contract(title="Messvertrag"), projects=[mine, theirs]
        )
    assert not Contract.objects.exists()


def test_the_public_sees_published_links_only(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    services.linked_record_save(
        actor=editor,
        record=Contract(title="Öffentlicher Messvertrag", published_at=timezone.now()),
        projects=[project],
    )
    services.linked_record_save(
        actor=editor, record=Contract(title="Messvertrag im Entwurf"), projects=[project]
    )
    public = client_for(None).get(project.get_absolute_url()).content.decode()
    assert "Öffentlicher Messvertrag" in public
    assert "Messvertrag im Entwurf" not in public
    staff = client_for(editor).get(project.get_absolute_url()).content.decode()
    assert "Messvertrag im Entwurf" in staff


def test_the_api_lists_published_links_only(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    services.linked_record_save(
        actor=editor,
        record=Contract(title="Betriebsvertrag", published_at=timezone.now()),
        projects=[project],
    )
    services.linked_record_save(
        actor=editor, record=Contract(title="Vertragsentwurf"), projects=[project]
    )
    detail = client_for(None).get(f"/api/v1/projects/{project.slug}").json()
    assert [contract["title"] for contract in detail["contracts"]] == ["Betriebsvertrag"]
    assert detail["participation_procedures"] == []


def test_unlinking_needs_the_right_to_edit_the_project_left(
    editor: User, other_editor: User, office: Office, other_office: Office
) -> None:
    theirs = ProjectFactory.create(office=other_office)
    mine = ProjectFactory.create(office=office)
    contract = Contract(title="Messvertrag")
    services.linked_record_save(actor=other_editor, record=contract, projects=[theirs])
    with pytest.raises(PermissionDenied):
        services.linked_record_save(actor=editor, record=contract, projects=[mine])
    assert list(contract.projects.all()) == [theirs]


def test_a_record_without_projects_is_for_administrators(editor: User, administrator: User) -> None:
    with pytest.raises(PermissionDenied):
        services.linked_record_save(actor=editor, record=Contract(title="Lose"), projects=[])
    services.linked_record_save(actor=administrator, record=Contract(title="Lose"), projects=[])
    assert Contract.objects.filter(title="Lose").exists()
