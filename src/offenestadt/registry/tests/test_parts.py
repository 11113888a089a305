"""Staff add, change and remove what belongs to a project; every write is checked and audited."""

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.db.models import Model
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry
from offenestadt.registry import services
from offenestadt.registry.models import (
    AccessChannel,
    FundingSource,
    Project,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.services import RegisterPart
from offenestadt.registry.tests.factories import (
    ProjectFactory,
    channel_rows,
    channels_base,
    saved_service,
)

ClientFor = Callable[[User | None], Client]

FUNDING = {"name": "Land NRW", "amount": "50000.00", "is_public": "on"}
SERVICE = {"name": "Bewohnerparkausweis", "description": "Beantragen und verlängern."}
CHANNEL = {
    "phase": "after",
    "kind": "online",
    "place": "https://service.example.org/parken",
    "hours_note": "",
    "accessibility": "",
}
SOFTWARE = {
    "name": "Parkplatz-App",
    "repository_url": "https://code.example.org/parken",
    "licence": "EUPL-1.2",
    "publicly_funded": "on",
    "open_standards": "DATEX II",
    "hosting": "city",
    "third_country_safeguard": "",
}


class Kind(NamedTuple):
    model: type[Model]
    data: dict[str, str]
    change: dict[str, str]
    # The section of the project page that lists this kind, and what it shows of the part.
    anchor: str
    shown: str


# Keyed by the word in the address.
KINDS = {
    "finanzierung": Kind(
        FundingSource, FUNDING, {"amount": "65000.00"}, "finanzierung", "Land NRW"
    ),
    "dienstleistung": Kind(
        Service, SERVICE, {"name": "Anwohnerparken"}, "dienstleistungen", "Bewohnerparkausweis"
    ),
    "zugangsweg": Kind(
        AccessChannel,
        CHANNEL,
        {"hours_note": "rund um die Uhr"},
        "dienstleistungen",
        "https://service.example.org/parken",
    ),
    "software": Kind(
        SoftwareComponent, SOFTWARE, {"licence": "MIT OR Apache-2.0"}, "software", "Parkplatz-App"
    ),
}


def _saved[Part: RegisterPart](part: Part, editor: User) -> Part:
    """A part stored the way the pages store it (through the service, audited)."""
    services.project_part_save(actor=editor, part=part)
    return part


def _funding(project: Project, editor: User) -> FundingSource:
    return _saved(
        FundingSource(project=project, name="Land NRW", amount=Decimal(50000), is_public=True),
        editor,
    )


def _base(project: Project, kind: str, editor: User) -> str:
    """Where the pages of a kind live; access channels under a service of the project."""
    if kind == "zugangsweg":
        return channels_base(saved_service(project, editor))
    return f"/projekte/{project.slug}/{kind}/"


@pytest.mark.parametrize("kind", list(KINDS))
def test_staff_add_change_and_remove_a_part(
    kind: str, editor: User, office: Office, client_for: ClientFor
) -> None:
    model, data, change, anchor, shown = KINDS[kind]
    project = ProjectFactory.create(office=office)
    client = client_for(editor)
    base = _base(project, kind, editor)
    section = f"/projekte/{project.slug}/#{anchor}"

    assert client.get(f"{base}neu/").status_code == 200
    # Access channels are added several at once, in rows.
    response = client.post(f"{base}neu/", channel_rows(data) if kind == "zugangsweg" else data)
    assert (response.status_code, response["Location"]) == (302, section)
    part = model._default_manager.get()
    assert shown in client.get(project.get_absolute_url()).content.decode()

    response = client.post(f"{base}{part.pk}/aendern/", data | change)
    assert (response.status_code, response["Location"]) == (302, section)
    field, value = next(iter(change.items()))
    part.refresh_from_db()
    assert str(getattr(part, field)) == value

    # Asking first changes nothing; only the confirmed POST removes the part.
    confirmation = client.get(f"{base}{part.pk}/entfernen/")
    assert confirmation.status_code == 200
    assert 'method="post"' in confirmation.content.decode()
    assert model._default_manager.filter(pk=part.pk).exists()
    response = client.post(f"{base}{part.pk}/entfernen/")
    assert (response.status_code, response["Location"]) == (302, section)
    assert not model._default_manager.filter(pk=part.pk).exists()

    entries = list(AuditEntry.objects.for_record(part).order_by("seq"))
    assert [entry.action for entry in entries] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert all(entry.actor_role == "editor" and entry.is_public for entry in entries)
    assert field in entries[1].changes


# role: what the part pages of a draft answer
ROLE_STATUS = {
    "anonymous": 404,
    "resident": 404,
    "council": 404,
    "other_editor": 403,
    "dpo": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", list(ROLE_STATUS))
def test_who_may_change_the_parts_of_a_draft(
    role: str,
    people: dict[str, User | None],
    editor: User,
    office: Office,
    client_for: ClientFor,
) -> None:
    project = ProjectFactory.create(office=office, draft=True)
    funding = _funding(project, editor)
    service = saved_service(project, editor)
    channel = _saved(AccessChannel(service=service, **CHANNEL), editor)
    client = client_for(people[role])
    expected = ROLE_STATUS[role]
    base = f"/projekte/{project.slug}"
    channels = f"{base}/dienstleistung/{service.pk}/zugangsweg"
    pages = [
        f"{base}/finanzierung/neu/",
        f"{base}/finanzierung/{funding.pk}/aendern/",
        f"{base}/finanzierung/{funding.pk}/entfernen/",
        f"{base}/dienstleistung/{service.pk}/aendern/",
        f"{channels}/neu/",
        f"{channels}/{channel.pk}/aendern/",
        f"{channels}/{channel.pk}/entfernen/",
    ]
    assert {page: client.get(page).status_code for page in pages} == dict.fromkeys(pages, expected)

    entries = AuditEntry.objects.count()
    removed = client.post(f"{base}/finanzierung/{funding.pk}/entfernen/")
    added = client.post(f"{base}/finanzierung/neu/", FUNDING | {"name": "Stadt"})
    if expected == 200:
        assert (removed.status_code, added.status_code) == (302, 302)
        assert list(FundingSource.objects.values_list("name", flat=True)) == ["Stadt"]
    else:
        assert (removed.status_code, added.status_code) == (expected, expected)
        assert list(FundingSource.objects.all()) == [funding]
        assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(("role", "sees_links"), [("anonymous", False), ("editor", True)])
def test_the_project_page_links_to_the_forms_for_those_who_may_edit(
    role: str,
    sees_links: bool,
    people: dict[str, User | None],
    editor: User,
    office: Office,
    client_for: ClientFor,
) -> None:
    project = ProjectFactory.create(office=office)
    component = _saved(SoftwareComponent(project=project, name="Parkplatz-App"), editor)
    page = client_for(people[role]).get(project.get_absolute_url()).content.decode()
    base = f"/projekte/{project.slug}"
    for kind in ("finanzierung", "dienstleistung", "software"):
        assert (f'href="{base}/{kind}/neu/"' in page) is sees_links
    # Infrastructure is kept in the city's register: its form, with the project ticked.
    assert (f'href="/infrastruktur/neu/?projekt={project.slug}"' in page) is sees_links
    assert (f'href="{base}/software/{component.pk}/aendern/"' in page) is sees_links
    assert (f'href="{base}/software/{component.pk}/entfernen/"' in page) is sees_links
    # Courses are the training catalogue's: a new one is made there, for this project.
    assert (f'href="/schulungen/neu/?projekt={project.slug}"' in page) is sees_links
    # The funding section is there to add to, for staff, even before there is any funding.
    assert ('id="finanzierung"' in page) is sees_links


def test_an_invalid_licence_is_shown_on_the_form_and_nothing_is_stored(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    client = client_for(editor)

    response = client.post(
        f"/projekte/{project.slug}/software/neu/", SOFTWARE | {"licence": "Frei für alle"}
    )
    assert response.status_code == 400
    assert "SPDX" in " ".join(response.context["form"].errors["licence"])
    assert 'id="id_licence_error"' in response.content.decode()
    assert not SoftwareComponent.objects.exists()
    assert not AuditEntry.objects.filter(object_type="registry.softwarecomponent").exists()

    component = _saved(
        SoftwareComponent(project=project, **SOFTWARE | {"publicly_funded": True}), editor
    )
    response = client.post(
        f"/projekte/{project.slug}/software/{component.pk}/aendern/",
        SOFTWARE | {"licence": "EUPL-1.2 UND MIT"},
    )
    assert response.status_code == 400
    assert "licence" in response.context["form"].errors
    component.refresh_from_db()
    assert component.licence == "EUPL-1.2"
    assert AuditEntry.objects.for_record(component).count() == 1


def test_errors_of_the_service_layer_are_shown_on_the_form(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    """The form leaves out the service, so only the service's full_clean sees a second channel."""
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    _saved(AccessChannel(service=service, **CHANNEL), editor)

    response = client_for(editor).post(
        f"{channels_base(service)}neu/",
        channel_rows(CHANNEL),
    )
    assert response.status_code == 400
    assert response.context["rows"].forms[0].non_field_errors()
    assert 'class="error-summary"' in response.content.decode()
    assert "Diesen Zugangsweg gibt es für diesen Zeitpunkt schon" in response.content.decode()
    assert AccessChannel.objects.count() == 1


def test_several_access_channels_are_entered_at_once(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    address = f"{channels_base(service)}neu/"
    client = client_for(editor)
    page = client.get(address).content.decode()
    assert page.count('<div class="channel-row" role="group"') == 3
    assert '<h2 id="zugang-2-heading">Zugangsweg 3</h2>' in page
    before = CHANNEL | {"phase": "before", "kind": "phone", "place": "0234 910-0"}

    response = client.post(address, channel_rows(before, CHANNEL), follow=True)

    assert response.redirect_chain[-1][1] == 302
    assert "2 Zugangswege sind eingetragen." in response.content.decode()
    assert sorted(service.channels.values_list("phase", "kind")) == [
        ("after", "online"),
        ("before", "phone"),
    ]
    for channel in service.channels.all():
        assert AuditEntry.objects.for_record(channel).count() == 1


def test_one_wrong_row_stores_none_of_them(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    address = f"{channels_base(service)}neu/"

    # Twice the same way in, at the same time: the second is refused, the first not kept.
    response = client_for(editor).post(address, channel_rows(CHANNEL, CHANNEL))

    assert response.status_code == 400
    assert "Diesen Zugangsweg gibt es für diesen Zeitpunkt schon" in response.content.decode()
    assert not service.channels.exists()


def test_a_part_of_another_project_is_not_found(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    mine = ProjectFactory.create(office=office)
    theirs = ProjectFactory.create(office=office)
    funding = _funding(theirs, editor)
    my_service = saved_service(mine, editor)
    their_service = saved_service(theirs, editor)
    channel = _saved(AccessChannel(service=their_service, **CHANNEL), editor)
    client = client_for(editor)
    base = f"/projekte/{mine.slug}"
    pages = [
        f"{base}/finanzierung/{funding.pk}/aendern/",
        f"{base}/finanzierung/{funding.pk}/entfernen/",
        # The right number under the wrong kind is no address either.
        f"{base}/software/{funding.pk}/aendern/",
        f"{base}/dienstleistung/{their_service.pk}/aendern/",
        f"{base}/dienstleistung/{their_service.pk}/zugangsweg/neu/",
        f"{base}/dienstleistung/{my_service.pk}/zugangsweg/{channel.pk}/aendern/",
        f"{base}/dienstleistung/{my_service.pk}/zugangsweg/{channel.pk}/entfernen/",
        # Access channels live under their service only; unknown kinds nowhere.
        f"{base}/zugangsweg/neu/",
        f"{base}/unbekannt/neu/",
        # Training offers are courses of the training catalogue now.
        f"{base}/schulung/neu/",
    ]
    assert {page: client.get(page).status_code for page in pages} == dict.fromkeys(pages, 404)
    for page in pages:
        assert client.post(page, FUNDING | CHANNEL).status_code == 404
    assert list(FundingSource.objects.all()) == [funding]
    assert list(AccessChannel.objects.all()) == [channel]
    assert not mine.funding_sources.exists()


def test_removing_a_service_removes_its_channels_each_with_an_entry(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    channels = [
        _saved(AccessChannel(service=service, **CHANNEL | {"phase": phase}), editor)
        for phase in ("before", "after")
    ]
    client = client_for(editor)
    url = f"/projekte/{project.slug}/dienstleistung/{service.pk}/entfernen/"

    assert "Zugangswege" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not AccessChannel.objects.exists()
    for channel in [*channels, service]:
        assert AuditEntry.objects.for_record(channel).latest("seq").action == Action.DELETE
