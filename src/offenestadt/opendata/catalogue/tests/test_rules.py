"""Role x dataset: who may describe datasets and change which (the same answer as a queryset,
for the forms that offer datasets)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue import rules
from offenestadt.opendata.catalogue.models import Dataset

# who: (creates a dataset, edits one of the editor's office, edits one of the other office)
EXPECTED = {
    "anonymous": (False, False, False),
    "resident": (False, False, False),
    "editor": (True, True, False),
    "other_editor": (True, False, True),
    "dpo": (False, False, False),
    "council": (False, False, False),
    "admin": (True, True, True),
}


def dataset(name: str, publisher: Office) -> Dataset:
    return Dataset.objects.create(
        name=name,
        title=name.title(),
        description="Daten der Stadt (Test).",
        publisher=publisher,
        contact_name=publisher.name,
        contact_email="amt@example.org",
    )


@pytest.mark.parametrize("who", EXPECTED)
def test_who_describes_and_changes_datasets(
    who: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    ours = dataset("unserer", office)
    theirs = dataset("ihrer", other_office)
    user = people[who] or AnonymousUser()
    creates, own, other = EXPECTED[who]
    assert rules.can_create_dataset(user) is creates
    assert rules.can_edit_dataset(user, ours) is own
    assert rules.can_edit_dataset(user, theirs) is other
    allowed = {ours: own, theirs: other}
    expected = sorted((d for d, may in allowed.items() if may), key=lambda d: d.pk)
    assert list(rules.datasets_editable_by(user).order_by("pk")) == expected
