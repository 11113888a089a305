"""P6 reads the register: a project linked to register assets is judged by them, and its
findings follow when an asset changes."""

import pytest
from django.core.exceptions import PermissionDenied

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.infrastructure.models import Asset, AssetKind, Holder
from offenestadt.infrastructure.services import asset_save
from offenestadt.infrastructure.tests import factories
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

RULE = "infrastructure-in-public-hands"


def finding(project: Project, charter: CharterVersion) -> tuple[Status, str, str]:
    (found,) = [f for f in evaluate(project, charter) if f.rule == RULE]
    return found.status, found.message.de, found.fix_url


def wlan(**fields: object) -> Asset:
    return factories.wlan(**({"name": "WLAN Markt"} | fields))


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


def test_a_project_without_register_assets_is_not_concerned(
    charter: CharterVersion, project: Project
) -> None:
    assert finding(project, charter)[0] == Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, Status.MET),
        ({"owner": Holder.PRIVATE, "publicly_funded": False}, Status.MET),
        ({"owner": Holder.PRIVATE}, Status.VIOLATED),
        ({"net_neutral": False}, Status.VIOLATED),
        ({"commercial_use": True}, Status.VIOLATED),
        ({"owner": ""}, Status.MISSING),
        ({"net_neutral": None}, Status.MISSING),
    ],
)
def test_the_linked_assets_decide(
    charter: CharterVersion,
    editor: User,
    project: Project,
    changes: dict[str, object],
    status: Status,
) -> None:
    asset = asset_save(actor=editor, asset=wlan(**changes), projects=[project])

    found_status, message, fix = finding(project, charter)

    assert found_status == status
    if status != Status.MET:
        assert "WLAN Markt" in message
        assert fix.startswith(f"/infrastruktur/{asset.pk}/bearbeiten/#id_")


def test_changing_an_asset_evaluates_its_projects_again(
    charter: CharterVersion, editor: User, project: Project
) -> None:
    asset = asset_save(actor=editor, asset=wlan(), projects=[project])
    asset.owner = Holder.PRIVATE

    asset_save(actor=editor, asset=asset)

    current = project.evaluations.get(is_current=True)
    (stored,) = [f for f in current.findings if f["rule"] == RULE]
    assert stored["status"] == Status.VIOLATED
    assert list(asset.projects.all()) == [project]


def test_only_the_projects_editors_link_an_asset_to_it(
    charter: CharterVersion, other_editor: User, project: Project
) -> None:
    with pytest.raises(PermissionDenied):
        asset_save(actor=other_editor, asset=wlan(), projects=[project])
    assert not Asset.objects.exists()


def test_the_form_links_projects(
    client_for, charter: CharterVersion, editor: User, project: Project
) -> None:
    response = client_for(editor).post(
        "/infrastruktur/neu/",
        {
            "kind": AssetKind.WLAN_ACCESS_POINT,
            "name": "WLAN Markt",
            "owner": Holder.PRIVATE,
            "publicly_funded": "on",
            "net_neutral": "true",
            "commercial_use": "false",
            "status": "active",
            "projects": [project.pk],
        },
    )

    assert response.status_code == 302
    assert finding(project, charter)[0] == Status.VIOLATED
    page = client_for(None).get(Asset.objects.get().get_absolute_url()).content.decode()
    assert project.title in page


def test_the_project_page_shows_its_register_assets_and_where_to_add_one(
    client_for, editor: User, project: Project
) -> None:
    asset = asset_save(actor=editor, asset=wlan(), projects=[project])
    create = f'href="/infrastruktur/neu/?projekt={project.slug}"'

    public = client_for(None).get(project.get_absolute_url()).content.decode()
    assert f'<a href="/infrastruktur/{asset.pk}/">WLAN Markt</a>' in public
    assert create not in public
    staff = client_for(editor).get(project.get_absolute_url()).content.decode()
    assert create in staff

    form = client_for(editor).get(f"/infrastruktur/neu/?projekt={project.slug}").content.decode()
    assert f'name="projects" value="{project.pk}" id="id_projects_0" checked>' in form
