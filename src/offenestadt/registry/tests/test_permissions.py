"""Role x action: who may see and change projects, checked in the service layer and the pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.registry import rules, services
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

ROLES = ["anonymous", "resident", "editor", "other_editor", "dpo", "council", "admin"]

# role: (sees a draft, creates a project, edits/publishes a project of the editor's office)
EXPECTED = {
    "anonymous": (False, False, False),
    "resident": (False, False, False),
    "editor": (True, True, True),
    "other_editor": (True, True, False),
    "dpo": (True, False, False),
    "council": (False, False, False),
    "admin": (True, True, True),
}


def _actor(people: dict[str, User | None], role: str) -> User | AnonymousUser:
    return people[role] or AnonymousUser()


ClientFor = Callable[[User | None], Client]


@pytest.mark.parametrize("role", ROLES)
def test_draft_visibility_on_pages(
    role: str, people: dict[str, User | None], office: Office, client_for: ClientFor
) -> None:
    draft = ProjectFactory.create(office=office, draft=True, title="Geheimer Entwurf")
    ProjectFactory.create(office=office, title="Öffentliches Projekt")
    client = client_for(people[role])
    sees_draft = EXPECTED[role][0]

    listing = client.get("/projekte/").content.decode()
    assert "Öffentliches Projekt" in listing
    assert ("Geheimer Entwurf" in listing) is sees_draft
    detail = client.get(draft.get_absolute_url())
    assert detail.status_code == (200 if sees_draft else 404)
    if not sees_draft:
        assert "Noch nicht abgestimmt" not in detail.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_create_is_enforced_by_the_service(
    role: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    actor = _actor(people, role)
    own_office = getattr(actor, "office", None) or office
    may_create = EXPECTED[role][1]
    if may_create:
        project = services.project_create(
            actor=actor, office=own_office, title="Neues Projekt", summary="Worum es geht."
        )
        assert project.published_at is None
    else:
        with pytest.raises(PermissionDenied):
            services.project_create(
                actor=actor, office=own_office, title="Neues Projekt", summary="Worum es geht."
            )
        assert not Project.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_publish_are_enforced_by_the_service(
    role: str, people: dict[str, User | None], office: Office
) -> None:
    project = ProjectFactory.create(office=office, draft=True, title="Entwurf")
    actor = _actor(people, role)
    may_edit = EXPECTED[role][2]
    fields: dict[str, Any] = {
        "title": "Geändert",
        "summary": project.summary,
        "plain_language_summary": "",
        "internal_note": "",
    }
    if may_edit:
        services.project_update(actor=actor, project=project, **fields)
        services.project_publish(actor=actor, project=project)
        project.refresh_from_db()
        assert (project.title, project.is_public_record()) == ("Geändert", True)
    else:
        with pytest.raises(PermissionDenied):
            services.project_update(actor=actor, project=project, **fields)
        with pytest.raises(PermissionDenied):
            services.project_publish(actor=actor, project=project)
        project.refresh_from_db()
        assert (project.title, project.is_public_record()) == ("Entwurf", False)


@pytest.mark.parametrize("role", ROLES)
def test_edit_pages_follow_the_same_rules(
    role: str, people: dict[str, User | None], office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office, draft=True)
    client = client_for(people[role])
    response = client.post(f"/projekte/{project.slug}/veroeffentlichen/", {"bestaetigt": "1"})
    sees_draft, _, may_edit = EXPECTED[role]
    if may_edit:
        assert response.status_code == 302
    elif role in {"anonymous", "resident", "council"}:
        # Those who may not see a draft learn nothing about it, not even that it exists.
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    project.refresh_from_db()
    assert project.is_public_record() is may_edit
    assert sees_draft or client.get(f"/projekte/{project.slug}/bearbeiten/").status_code == 404


def test_editor_cannot_register_a_project_for_another_office(
    editor: User, other_office: Office
) -> None:
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=editor, office=other_office, title="Fremdes Projekt", summary="…"
        )
    assert not Project.objects.exists()


def test_the_project_form_offers_an_editor_only_their_office(
    editor: User, office: Office, other_office: Office, client_for: ClientFor
) -> None:
    client = client_for(editor)
    form = client.get("/projekte/neu/").content.decode()
    assert f'<option value="{office.pk}" selected>{office}</option>' in form
    assert f'value="{other_office.pk}"' not in form
    # Another office sent anyway (a hand-made request) is refused at the field, nothing stored.
    response = client.post(
        "/projekte/neu/",
        {"title": "Fremdes Projekt", "summary": "Worum es geht.", "office": other_office.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sie können nur Projekte Ihres eigenen Amts anlegen." in page
    assert '<select name="office" aria-invalid="true"' in page
    assert not Project.objects.exists()


def test_the_project_form_offers_an_administrator_every_office(
    administrator: User, office: Office, other_office: Office, client_for: ClientFor
) -> None:
    form = client_for(administrator).get("/projekte/neu/").content.decode()
    assert f'value="{office.pk}"' in form and f'value="{other_office.pk}"' in form


def test_staff_page_form_creates_an_audited_draft(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    client = client_for(editor)
    response = client.post(
        "/projekte/neu/",
        {
            "title": "Smarte Straßenbeleuchtung",
            "summary": "Laternen dimmen nachts.",
            "plain_language_summary": "",
            "office": office.pk,
            "internal_note": "",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.published_at is None


# role: (projects editable and linkable: the editor's office's, the other office's; saves a
# record without a project)
QUERYSETS = {
    "anonymous": (False, False, False),
    "resident": (False, False, False),
    "editor": (True, False, False),
    "other_editor": (False, True, False),
    "dpo": (False, False, False),
    "council": (False, False, False),
    "admin": (True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_editable_and_linkable_projects_follow_the_edit_rule(
    role: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    ours = ProjectFactory.create(office=office, draft=True)
    theirs = ProjectFactory.create(office=other_office)
    actor = _actor(people, role)
    own, other, without_project = QUERYSETS[role]
    allowed = {ours: own, theirs: other}
    expected = {project for project, may in allowed.items() if may}
    assert set(rules.projects_editable_by(actor)) == expected
    assert set(rules.projects_linkable_by(actor)) == expected
    assert rules.can_edit_project(actor, ours) is own
    assert rules.can_edit_project(actor, theirs) is other
    assert rules.can_keep_record_without_project(actor) is without_project
