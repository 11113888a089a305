"""A project's page, its P5 evaluation and its API answer cost the same number of queries
whatever the number of access channels naming service points (no query per channel)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase, Project, Service
from offenestadt.registry.servicepoints.tests.factories import saved_point
from offenestadt.registry.services import project_findings
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.usefixtures("charter")


def _add_services(project: Project, editor: User, office: Office, count: int) -> None:
    """``count`` services, each reached in person at one point before and another after."""
    start = project.services.count()
    for number in range(start, start + count):
        service = Service(
            project=project,
            name=f"Dienst {number}",
            changes_on=timezone.localdate() + timedelta(days=30),
        )
        registry_services.project_part_save(actor=editor, part=service)
        registry_services.project_parts_save(
            actor=editor,
            parts=[
                AccessChannel(
                    service=service,
                    phase=phase,
                    kind=Channel.IN_PERSON,
                    service_point=saved_point(editor, office, f"Stelle {number} {phase}"),
                )
                for phase in (Phase.BEFORE, Phase.AFTER)
            ],
        )


def _queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_project_page_and_api_do_not_query_per_channel(
    role: str,
    people: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    editor: User,
    office: Office,
) -> None:
    client = client_for(people[role])
    project = ProjectFactory.create(office=office)
    _add_services(project, editor, office, 1)

    def page() -> None:
        assert client.get(project.get_absolute_url()).status_code == 200

    def api() -> None:
        assert client.get(f"/api/v1/projects/{project.slug}").status_code == 200

    def p5() -> None:
        project_findings(Project.objects.get(pk=project.pk))

    few = [_queries(page), _queries(api), _queries(p5)]
    _add_services(project, editor, office, 4)
    many = [_queries(page), _queries(api), _queries(p5)]
    assert many == few
    # The page shows every point's hours (valid on the service's day of change).
    assert client.get(project.get_absolute_url()).content.decode().count("Stelle 4 ") == 2
