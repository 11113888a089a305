"""Role x question: who someone is to the platform, as every app's rules ask it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offenestadt.accounts import rules
from offenestadt.accounts.models import Office, User

# who: (admin, DPO, editor, reads internal records, offices served: own, other)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False),
    "resident": (False, False, False, False, False, False),
    "editor": (False, False, True, True, True, False),
    "other_editor": (False, False, True, True, False, True),
    "dpo": (False, True, False, True, False, False),
    "council": (False, False, False, False, False, False),
    "admin": (True, False, False, True, True, True),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_who_someone_is(
    who: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    user = people[who] or AnonymousUser()
    admin, dpo, editor, internal, own, other = EXPECTED[who]
    assert rules.is_admin(user) is admin
    assert rules.is_dpo(user) is dpo
    assert rules.is_editor(user) is editor
    assert rules.reads_internal(user) is internal
    allowed = {office: own, other_office: other}
    assert rules.editor_office(user) == ((office if own else other_office).pk if editor else None)
    assert set(rules.offices_served_by(user)) == {o for o, may in allowed.items() if may}
