"""Administrators create staff accounts in the admin site; an editor always belongs to an office."""

from collections.abc import Callable

from django.test import Client

from offenestadt.accounts.models import Office, Role, User

ClientFor = Callable[[User | None], Client]
PASSWORD = "ein langes Passwort für Tests"


def _add_user(client: Client, **fields: object) -> str:
    data = {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"} | fields
    return client.post("/verwaltung/accounts/user/add/", data).content.decode()


def test_an_administrator_creates_an_editor_of_an_office(
    administrator: User, office: Office, client_for: ClientFor
) -> None:
    client = client_for(administrator)
    _add_user(client, username="neue-redaktion", role=Role.EDITOR, office=office.pk)
    created = User.objects.get(username="neue-redaktion")
    assert (created.role, created.office, created.is_staff) == (Role.EDITOR, office, False)
    assert created.password.startswith("argon2")


def test_an_editor_without_an_office_is_refused_with_a_reason(
    administrator: User, client_for: ClientFor
) -> None:
    page = _add_user(client_for(administrator), username="ohne-amt", role=Role.EDITOR)
    assert "Ein Redaktionskonto gehört zu einem Amt." in page
    assert not User.objects.filter(username="ohne-amt").exists()


def test_only_administrators_reach_the_admin_site(
    people: dict[str, User | None], client_for: ClientFor
) -> None:
    for role, person in people.items():
        response = client_for(person).get("/verwaltung/")
        assert (response.status_code == 200) is (role == "admin"), role
