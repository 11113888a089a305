"""The catalogue's staff pages that describe, publish and withdraw datasets and change their
files, and who may use them."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.catalogue.tests.support import TREES, ClientFor, make_dataset, titles
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    """Each test its own files, so a file keeps the name it was uploaded with."""
    return temporary_storage


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office, title="Stadtgrün (Test)")


@pytest.fixture
def other_project(other_office: Office) -> Project:
    return ProjectFactory.create(office=other_office, title="Umweltmessnetz (Test)")


def _dataset_form(project: Project, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "baumkataster",
        "title": "Baumkataster (Test)",
        "title_en": "Tree register (test)",
        "description": "Alle Bäume in Parks.",
        "publisher": project.office_id,
        "contact_name": "Grünflächenamt",
        "contact_email": "gruen@example.org",
        "licence": Licence.DL_BY.value,
        "frequency": "ANNUAL",
        "themes": ["ENVI", "REGI"],
        "keywords": "Bäume, Parks, , Bäume",
        "projects": [project.pk],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_editor_describes_uploads_and_publishes_a_dataset(
    editor: User, project: Project, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    client = client_for(editor)
    assert client.get("/daten/neu/").status_code == 200

    response = client.post("/daten/neu/", _dataset_form(project))
    dataset = Dataset.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/daten/baumkataster/")
    assert sorted(dataset.themes.values_list("theme", flat=True)) == ["ENVI", "REGI"]
    assert sorted(dataset.keywords.values_list("name", flat=True)) == ["Bäume", "Parks"]
    assert list(dataset.projects.all()) == [project]
    assert AuditEntry.objects.for_record(dataset).get().action == Action.CREATE
    assert dataset.published_at is None

    # Without a file it cannot be published; the page says why.
    refused = client.post("/daten/baumkataster/veroeffentlichen/")
    assert refused.status_code == 400
    assert "Fügen Sie mindestens eine Datei oder Adresse hinzu." in refused.content.decode()

    form = client.get("/daten/baumkataster/dateien/neu/")
    assert "Veröffentlichungsstrecke" in form.content.decode()
    assert 'enctype="multipart/form-data"' in form.content.decode()
    added = client.post(
        "/daten/baumkataster/dateien/neu/",
        {"title": "Bäume", "upload": SimpleUploadedFile("baeume.csv", TREES)},
    )
    assert (added.status_code, added["Location"]) == (302, "/daten/baumkataster/#dateien")
    distribution = dataset.distributions.get()
    assert (distribution.format, distribution.media_type) == ("CSV", "text/csv")
    assert distribution.byte_size == len(TREES)

    # Until the worker has checked the file for personal data, it is not published.
    waiting = client.post("/daten/baumkataster/veroeffentlichen/")
    assert waiting.status_code == 400
    assert "wird noch auf personenbezogene Daten geprüft" in waiting.content.decode()
    # … and, as long as no worker has reported, that nothing happens without one.
    assert "Der Hintergrunddienst hat sich seit über" in waiting.content.decode()
    run_worker()

    # Publishing asks once more; only the confirmed request publishes, and says so.
    asked = client.post("/daten/baumkataster/veroeffentlichen/")
    assert asked.status_code == 200
    assert "„Baumkataster (Test)“ in den Katalog aufnehmen?" in asked.content.decode()
    dataset.refresh_from_db()
    assert dataset.published_at is None
    published = client.post(
        "/daten/baumkataster/veroeffentlichen/", {"bestaetigt": "1"}, follow=True
    )
    assert published.redirect_chain == [("/daten/baumkataster/", 302)]
    assert "Der Datensatz ist im Katalog veröffentlicht." in published.content.decode()
    dataset.refresh_from_db()
    assert dataset.in_catalogue
    assert titles(client_for(None).get("/daten/")) == ["Baumkataster (Test)"]

    # Once published, the name (the address harvesters know) stays.
    changed = client.post(
        "/daten/baumkataster/bearbeiten/",
        _dataset_form(project, name="neuer-name", title="Baumkataster 2026"),
    )
    assert changed.status_code == 302
    dataset.refresh_from_db()
    assert (dataset.name, dataset.title) == ("baumkataster", "Baumkataster 2026")
    assert dataset.modified_at is not None


def test_withdrawing_needs_a_reason(editor: User, project: Project, client_for: ClientFor) -> None:
    dataset = make_dataset(editor, project, name="baumkataster")
    client = client_for(editor)
    assert (
        'action="/daten/baumkataster/zurueckziehen/"'
        in client.get("/daten/baumkataster/").content.decode()
    )
    refused = client.post("/daten/baumkataster/zurueckziehen/", {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["withdraw_form"].errors
    dataset.refresh_from_db()
    assert dataset.in_catalogue

    done = client.post("/daten/baumkataster/zurueckziehen/", {"reason": "Bäume neu gezählt."})
    assert done.status_code == 302
    dataset.refresh_from_db()
    assert (dataset.in_catalogue, dataset.withdrawn_reason) == (False, "Bäume neu gezählt.")
    # Published again, it is back in the catalogue.
    again = client.post("/daten/baumkataster/veroeffentlichen/", {"bestaetigt": "1"})
    assert again.status_code == 302
    assert titles(client_for(None).get("/daten/")) == ["Baumkataster"]


def test_the_dataset_form_shows_what_is_wrong(
    editor: User, project: Project, other_project: Project, client_for: ClientFor
) -> None:
    client = client_for(editor)
    no_theme = client.post("/daten/neu/", _dataset_form(project, themes=None))
    assert no_theme.status_code == 400
    assert "themes" in no_theme.context["form"].errors

    reserved = client.post("/daten/neu/", _dataset_form(project, name="neu"))
    assert "name" in reserved.context["form"].errors
    bad_name = client.post("/daten/neu/", _dataset_form(project, name="Bäume!"))
    assert "name" in bad_name.context["form"].errors

    backwards = client.post(
        "/daten/neu/",
        _dataset_form(project, temporal_start="2026-02-01", temporal_end="2026-01-01"),
    )
    assert backwards.status_code == 400
    assert "Der Zeitraum endet vor seinem Beginn." in backwards.content.decode()

    # Another office's project and another office as publisher are not on offer.
    foreign = client.post(
        "/daten/neu/",
        _dataset_form(project, projects=[other_project.pk], publisher=other_project.office_id),
    )
    assert foreign.status_code == 400
    assert {"projects", "publisher"} <= set(foreign.context["form"].errors)
    assert not Dataset.objects.exists()


def test_distribution_form_errors(editor: User, project: Project, client_for: ClientFor) -> None:
    make_dataset(editor, project, name="extern", content=None, publish=False)
    client = client_for(editor)
    nothing = client.post("/daten/extern/dateien/neu/", {"title": "Leer"})
    assert nothing.status_code == 400
    assert "Laden Sie eine Datei hoch oder nennen Sie eine Adresse." in nothing.content.decode()
    no_format = client.post(
        "/daten/extern/dateien/neu/", {"title": "API", "access_url": "https://example.org/api"}
    )
    assert "format" in no_format.context["form"].errors
    both = client.post(
        "/daten/extern/dateien/neu/",
        {
            "title": "Beides",
            "access_url": "https://example.org/api",
            "format": "JSON",
            "upload": SimpleUploadedFile("a.csv", TREES),
            "no_personal_data": "on",
        },
    )
    assert both.status_code == 400
    linked = client.post(
        "/daten/extern/dateien/neu/",
        {"title": "API", "access_url": "https://example.org/api", "format": "json"},
    )
    assert linked.status_code == 302
    assert Distribution.objects.get().format == "JSON"


def test_changing_and_removing_files(editor: User, project: Project, client_for: ClientFor) -> None:
    dataset = make_dataset(editor, project, name="baumkataster")
    distribution = dataset.distributions.get()
    base = f"/daten/baumkataster/dateien/{distribution.identifier}"
    client = client_for(editor)

    changed = client.post(
        f"{base}/aendern/",
        {"title": "Bäume 2026", "provenance": "Zählung durch das Grünflächenamt."},
    )
    assert changed.status_code == 302, changed.context["form"].errors
    distribution.refresh_from_db()
    assert (distribution.title, distribution.format) == ("Bäume 2026", "CSV")
    assert (
        "Zählung durch das Grünflächenamt." in client.get("/daten/baumkataster/").content.decode()
    )

    # The only file of a published dataset stays: the page says so instead of asking, and a
    # removal sent anyway is refused the same way.
    opened, sent = client.get(f"{base}/entfernen/"), client.post(f"{base}/entfernen/")
    assert (opened.status_code, sent.status_code) == (200, 409)
    for refused in (opened, sent):
        page = refused.content.decode()
        assert "mindestens eine Datei oder Adresse" in page
        assert page.index("<h1>") < page.index('role="alert" tabindex="-1" autofocus')
        assert ">Entfernen</button>" not in page
    assert dataset.distributions.exists()

    services.dataset_withdraw(actor=editor, dataset=dataset, reason="Neu gezählt.")
    assert ">Entfernen</button>" in client.get(f"{base}/entfernen/").content.decode()
    assert client.post(f"{base}/entfernen/").status_code == 302
    assert not dataset.distributions.exists()
    entry = AuditEntry.objects.filter(object_type="opendata.distribution").latest("seq")
    assert entry.action == Action.DELETE


def test_who_may_use_the_staff_pages(
    people: dict[str, User | None],
    editor: User,
    project: Project,
    client_for: ClientFor,
) -> None:
    dataset = make_dataset(editor, project, name="baumkataster")
    distribution = dataset.distributions.get()
    make_dataset(editor, project, name="entwurf", publish=False)
    pages = {
        "create": ("get", "/daten/neu/"),
        "edit": ("get", "/daten/baumkataster/bearbeiten/"),
        "add_file": ("get", "/daten/baumkataster/dateien/neu/"),
        "change_file": ("get", f"/daten/baumkataster/dateien/{distribution.identifier}/aendern/"),
        "withdraw": ("post", "/daten/baumkataster/zurueckziehen/"),
        "publish_draft": ("post", "/daten/entwurf/veroeffentlichen/"),
    }
    # Those who may publish come last: the draft is a draft for everyone before them.
    roles = ["anonymous", "resident", "council", "dpo", "other_editor", "editor", "admin"]
    assert set(roles) == set(people)
    statuses = {
        role: {
            page: getattr(client_for(people[role]), method)(path).status_code
            for page, (method, path) in pages.items()
        }
        for role in roles
    }
    everywhere = dict.fromkeys(pages, 403)
    assert (
        statuses["anonymous"]
        == statuses["resident"]
        == statuses["council"]
        == {
            **everywhere,
            "create": 404,
            "publish_draft": 404,
        }
    )
    assert statuses["other_editor"] == {**everywhere, "create": 200}
    assert statuses["dpo"] == everywhere
    # A withdrawal without a reason is refused with the form; publishing the draft is asked
    # about once more (its confirmation page).
    assert statuses["editor"] == {**dict.fromkeys(pages, 200), "withdraw": 400}
    assert statuses["admin"]["edit"] == 200
    dataset.refresh_from_db()
    assert dataset.in_catalogue


def test_staff_controls_show_only_to_those_who_may_use_them(
    editor: User, other_editor: User, project: Project, client_for: ClientFor
) -> None:
    make_dataset(editor, project, name="baumkataster")
    own = client_for(editor).get("/daten/baumkataster/").content.decode()
    assert 'href="/daten/baumkataster/bearbeiten/"' in own
    for user in (None, other_editor):
        text = client_for(user).get("/daten/baumkataster/").content.decode()
        assert "/bearbeiten/" not in text and "Für die Verwaltung" not in text
    assert 'href="/daten/neu/"' in client_for(editor).get("/daten/").content.decode()
    assert 'href="/daten/neu/"' not in client_for(None).get("/daten/").content.decode()


def test_the_history_shows_the_dataset_and_its_files(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    dataset = make_dataset(editor, project, name="baumkataster")
    kinds = {"opendata.dataset", "opendata.distribution"}
    staff = client_for(editor).get("/daten/baumkataster/").context["history"]
    assert {entry.object_type for entry in staff} == kinds
    # What happened before publication is internal; a file changed since is public.
    public = client_for(None).get("/daten/baumkataster/").context["history"]
    assert {entry.object_type for entry in public} == {"opendata.dataset"}
    distribution = dataset.distributions.get()
    distribution.provenance = "Zählung 2026."
    services.distribution_save(actor=editor, distribution=distribution)
    public = client_for(None).get("/daten/baumkataster/").context["history"]
    assert {entry.object_type for entry in public} == kinds
    assert all(entry.is_public for entry in public)


def test_the_project_page_links_its_datasets(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    make_dataset(editor, project, name="baumkataster")
    assert (
        'href="/daten/baumkataster/"'
        in client_for(None).get(project.get_absolute_url()).content.decode()
    )
