"""Role x action: who may create and change contracts and vendors, and which contracts each
may change (the same answer as a queryset, for forms that offer them)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offenestadt.accounts.models import Office, User
from offenestadt.contracts import rules
from offenestadt.contracts.models import Contract
from offenestadt.registry.tests.factories import ProjectFactory

# who: (creates a contract, edits vendors, edits a contract of the editor's office's
# project, of the other office's project, one without a project)
EXPECTED = {
    "anonymous": (False, False, False, False, False),
    "resident": (False, False, False, False, False),
    "editor": (True, True, True, False, False),
    "other_editor": (True, True, False, True, False),
    "dpo": (False, False, False, False, False),
    "council": (False, False, False, False, False),
    "admin": (True, True, True, True, True),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_who_changes_contracts(
    who: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    ProjectFactory.create(office=other_office)  # the other editor's office has a project
    ours = Contract.objects.create(title="Unserer")
    ours.projects.add(ProjectFactory.create(office=office))
    theirs = Contract.objects.create(title="Ihrer")
    theirs.projects.add(ProjectFactory.create(office=other_office))
    unlinked = Contract.objects.create(title="Ohne Projekt")
    user = people[who] or AnonymousUser()
    creates, vendors, own, other, without = EXPECTED[who]
    assert rules.can_create_contract(user) is creates
    assert rules.can_edit_vendors(user) is vendors
    assert rules.can_edit_contract(user, ours) is own
    assert rules.can_edit_contract(user, theirs) is other
    assert rules.can_edit_contract(user, unlinked) is without
    assert rules.can_edit_contract(user, Contract(title="Neu")) is (who == "admin")
    allowed = {ours: own, theirs: other, unlinked: without}
    expected = {contract for contract, may in allowed.items() if may}
    # Each contract once, though it may serve several of the office's projects.
    ours.projects.add(ProjectFactory.create(office=office))
    assert list(rules.contracts_editable_by(user).order_by("pk")) == sorted(
        expected, key=lambda contract: contract.pk
    )
