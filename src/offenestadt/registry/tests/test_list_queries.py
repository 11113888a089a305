"""The project list costs the same number of queries for 3 projects as for 60 (no N+1)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from offenestadt.accounts.models import Office, User
from offenestadt.registry.tests.factories import OfficeFactory, ProjectFactory


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_project_list_queries_do_not_grow_with_the_projects(
    role: str,
    people: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    office: Office,
) -> None:
    client = client_for(people[role])
    ProjectFactory.create_batch(3, office=office)
    few = _queries(client, "/projekte/")
    for _ in range(20):
        ProjectFactory.create_batch(3, office=OfficeFactory())
    assert _queries(client, "/projekte/") == few


def test_project_list_is_paged(client_for: Callable[[User | None], Client], office: Office) -> None:
    ProjectFactory.create_batch(55, office=office)
    first = client_for(None).get("/projekte/").content.decode()
    second = client_for(None).get("/projekte/?seite=2").content.decode()
    assert first.count('class="card"') == 50
    assert second.count('class="card"') == 5
    assert 'rel="next"' in first
