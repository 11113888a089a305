"""The register's pages: what the public reads, the exports, the deletion log, and the staff
pages that write an entry and take it through the four-eyes review."""

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from offenestadt.accounts.models import Office, User
from offenestadt.contracts.models import Contract, DataLocation, SubProcessor
from offenestadt.contracts.services import contract_clause_save
from offenestadt.core.retention import ACCOUNTS
from offenestadt.processing import services
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    RetentionRun,
    RetentionUnit,
    ReviewStatus,
    SpecialCategory,
    Transfer,
)
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import OfficeFactory, ProjectFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office, title="Bürgerbüro digital (Test)")


def _category(**fields: object) -> DataCategory:
    values: dict[str, object] = {
        "name": "E-Mail-Adresse",
        "purpose": "Bestätigung des Termins.",
        "legal_basis": LegalBasis.ART6_E,
        "retention_amount": 1,
        "retention_unit": RetentionUnit.MONTHS,
        "retention_start": "dem Termin",
        "necessity": "Ohne Adresse keine Bestätigung.",
    }
    return DataCategory(**(values | fields))


def _activity(
    editor: User, project: Project, title: str = "Terminvergabe (Test)", **fields: object
) -> ProcessingActivity:
    """An entry with one data category, as its editor writes it: a draft."""
    activity = ProcessingActivity(
        title=title,
        office=editor.office,
        purposes="Termine vergeben.",
        data_subjects="Einwohnerinnen und Einwohner.",
        plain_language="Wir speichern Ihre E-Mail-Adresse bis einen Monat nach dem Termin.",
        **fields,
    )
    services.activity_save(actor=editor, activity=activity, projects=[project])
    services.activity_part_save(actor=editor, part=_category(activity=activity))
    return activity


def _published(
    editor: User, dpo: User, project: Project, title: str = "Terminvergabe (Test)"
) -> ProcessingActivity:
    activity = _activity(editor, project, title)
    services.activity_submit(actor=editor, activity=activity)
    return services.activity_approve(actor=dpo, activity=activity)


def test_the_public_register_shows_published_entries_in_plain_words_and_hides_drafts(
    editor: User, dpo: User, project: Project, client_for: ClientFor
) -> None:
    published = _published(editor, dpo, project, "Terminvergabe (Test)")
    services.activity_part_save(
        actor=editor,
        part=_category(
            activity=_activity(editor, project, "Gesundheitsdaten (Test)"),
            name="Diagnose",
            special_category=SpecialCategory.ART9,
        ),
    )

    page = client_for(None).get("/verarbeitungen/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Welche Daten die Stadt verarbeitet" in text
    assert published.get_absolute_url() in text
    assert "Wir speichern Ihre E-Mail-Adresse" in text
    assert "Bestätigung des Termins." in text
    assert "1 Monat ab dem Termin" in text
    assert "Art. 6 Abs. 1 lit. e DSGVO" in text
    assert project.get_absolute_url() in text
    assert "Gesundheitsdaten (Test)" not in text
    assert "Diagnose" not in text
    assert "/verarbeitungen/neu/" not in text


def test_staff_see_unpublished_entries_with_their_review_status(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    _activity(editor, project, "Gesundheitsdaten (Test)")

    text = client_for(editor).get("/verarbeitungen/").content.decode()

    assert "Gesundheitsdaten (Test)" in text
    assert "nicht veröffentlicht" in text
    assert "in Bearbeitung" in text
    assert 'href="/verarbeitungen/neu/"' in text


def test_the_register_is_filtered_by_project(
    editor: User, dpo: User, project: Project, office: Office, client_for: ClientFor
) -> None:
    other_project = ProjectFactory.create(office=office, title="Anderes Projekt (Test)")
    _published(editor, dpo, project, "Terminvergabe (Test)")
    _published(editor, dpo, other_project, "Parkausweise (Test)")

    text = client_for(None).get(f"/verarbeitungen/?projekt={project.slug}").content.decode()

    assert "Terminvergabe (Test)" in text
    assert "Parkausweise (Test)" not in text
    assert f'<option value="{project.slug}" selected>' in text


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("resident", 404), ("council", 404), ("editor", 200), ("dpo", 200)],
)
def test_a_draft_is_not_found_outside_the_administration(
    role: str,
    status: int,
    people: dict[str, User | None],
    editor: User,
    project: Project,
    client_for: ClientFor,
) -> None:
    activity = _activity(editor, project)

    assert client_for(people[role]).get(activity.get_absolute_url()).status_code == status


@pytest.mark.usefixtures("charter")
def test_the_detail_page_shows_every_art30_field_findings_and_history(
    editor: User, dpo: User, project: Project, client_for: ClientFor
) -> None:
    activity = _published(editor, dpo, project)
    services.activity_part_save(
        actor=editor,
        part=Transfer(
            activity=activity, recipient="Statistikamt (Test)", country="US", safeguard=""
        ),
    )

    page = client_for(None).get(activity.get_absolute_url())

    assert page.status_code == 200
    text = page.content.decode()
    for heading in (
        "a) Verantwortlicher",
        "b) Zwecke der Verarbeitung",
        "c) Kategorien betroffener Personen",
        "d) Kategorien von Empfängern",
        "e) Übermittlungen in Drittländer",
        "f) Fristen für die Löschung",
        "g) Technische und organisatorische Maßnahmen",
    ):
        assert heading in text
    for anchor in ("stammdaten", "kategorien", "uebermittlungen", "pruefung", "verknuepft"):
        assert f'id="{anchor}"' in text
    assert "Ohne Adresse keine Bestätigung." in text
    assert "Statistikamt (Test)" in text
    # The charter's finding on the transfer without a safeguard, as a scorecard.
    assert 'class="scorecard"' in text
    assert "Übermittlung in ein Drittland ohne Garantie" in text
    # The public history, without the internal review notes.
    assert 'id="history-heading"' in text
    assert "Verlauf der Prüfung" not in text
    assert "/bearbeiten/" not in text


def test_the_detail_page_shows_the_processors_of_linked_contracts(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = Contract(title="Terminsoftware (Test)")
    linked_record_save(actor=editor, record=contract, projects=[project])
    contract_clause_save(
        actor=editor,
        clause=DataLocation(
            contract=contract,
            kind="storage",
            country="IE",
            city="Dublin",
            operator="Wolke GmbH (Test)",
        ),
    )
    contract_clause_save(
        actor=editor,
        clause=SubProcessor(
            contract=contract, name="Versand AG (Test)", country="US", safeguard="SCC"
        ),
    )
    activity = _activity(editor, project)
    services.activity_save(
        actor=editor, activity=activity, projects=[project], contracts=[contract]
    )

    text = client_for(editor).get(activity.get_absolute_url()).content.decode()

    assert f'href="{contract.get_absolute_url()}"' in text
    assert "Wolke GmbH (Test)" in text
    assert "Versand AG (Test)" in text
    assert "SCC" in text


@pytest.mark.usefixtures("charter")
def test_the_four_eyes_review_over_http(
    editor: User, dpo: User, project: Project, client_for: ClientFor
) -> None:
    as_editor, as_dpo, anonymous = client_for(editor), client_for(dpo), client_for(None)

    # The editor writes the entry and its data category, and submits it.
    response = as_editor.post(
        "/verarbeitungen/neu/",
        {
            "title": "Hundesteuer online (Test)",
            "controller": "Stadt (Test)",
            "controller_contact": "Rathaus, info@example.org",
            "dpo_contact": "datenschutz@example.org",
            "purposes": "Anmeldung von Hunden zur Steuer.",
            "data_subjects": "Hundehalterinnen und Hundehalter.",
            "plain_language": "Wer einen Hund anmeldet, gibt Name und Anschrift an.",
            "projects": [project.pk],
        },
    )
    activity = ProcessingActivity.objects.get(title="Hundesteuer online (Test)")
    base = activity.get_absolute_url()
    assert (response.status_code, response["Location"]) == (302, base)
    assert activity.office == editor.office
    assert list(activity.projects.all()) == [project]
    assert anonymous.get(base).status_code == 404

    response = as_editor.post(
        f"{base}kategorie/neu/",
        {
            "name": "Name und Anschrift",
            "purpose": "Steuerbescheid zustellen.",
            "legal_basis": LegalBasis.ART6_C,
            "retention_amount": "10",
            "retention_unit": RetentionUnit.YEARS,
            "retention_start": "dem Ende der Steuerpflicht",
            "mandatory": "on",
        },
    )
    assert (response.status_code, response["Location"]) == (302, f"{base}#kategorien")
    category = activity.categories.get()

    response = as_editor.post(f"{base}einreichen/", {"comment": "Bitte prüfen."})
    assert (response.status_code, response["Location"]) == (302, f"{base}#pruefung")
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.SUBMITTED
    assert "Hundesteuer online (Test)" in as_dpo.get("/verarbeitungen/pruefung/").content.decode()

    # Whoever wrote it may not approve it.
    assert as_editor.post(f"{base}pruefen/", {"decision": "approve"}).status_code == 403

    # The DPO returns it: first without saying why, then with comments.
    page = as_dpo.get(base).content.decode()
    assert f'action="{base}pruefen/"' in page
    response = as_dpo.post(f"{base}pruefen/", {"decision": "return", "comment": " "})
    assert response.status_code == 400
    # Above the form, in the summary that takes the focus, linked to the comment field.
    summary = response.content.decode().split('class="error-summary"', 1)[1].split("</div>")[0]
    assert 'href="#id_comment"' in summary
    assert "Schreiben Sie dazu, was geändert werden muss." in summary
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.SUBMITTED

    response = as_dpo.post(
        f"{base}pruefen/",
        {"decision": "return", "comment": "Warum zehn Jahre? Bitte begründen."},
    )
    assert (response.status_code, response["Location"]) == (302, f"{base}#pruefung")
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.RETURNED
    assert activity.published_at is None

    # The editor reads the comment, changes the category and submits again.
    page = as_editor.get(base).content.decode()
    assert "Warum zehn Jahre? Bitte begründen." in page
    assert f'action="{base}einreichen/"' in page
    response = as_editor.post(
        f"{base}kategorie/{category.pk}/aendern/",
        {
            "name": "Name und Anschrift",
            "purpose": "Steuerbescheid zustellen.",
            "legal_basis": LegalBasis.ART6_C,
            "retention_amount": "10",
            "retention_unit": RetentionUnit.YEARS,
            "retention_start": "dem Ende der Steuerpflicht",
            "retention_justification": "Aufbewahrungsfrist der Abgabenordnung.",
            "mandatory": "on",
            "necessity": "Ohne Anschrift kein Bescheid.",
        },
    )
    assert response.status_code == 302
    assert as_editor.post(f"{base}einreichen/", {}).status_code == 302

    # The DPO approves, asked once more: the entry is published.
    asked = as_dpo.post(f"{base}pruefen/", {"decision": "approve", "comment": ""})
    assert "freigeben und veröffentlichen?" in asked.content.decode()
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.SUBMITTED
    response = as_dpo.post(
        f"{base}pruefen/", {"decision": "approve", "comment": "", "bestaetigt": "1"}, follow=True
    )
    assert "Der Eintrag ist freigegeben und veröffentlicht." in response.content.decode()
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.APPROVED
    assert activity.published_at is not None
    public_page = anonymous.get(base)
    assert public_page.status_code == 200
    assert "Aufbewahrungsfrist der Abgabenordnung." in public_page.content.decode()
    assert "Warum zehn Jahre?" not in public_page.content.decode()
    assert "Hundesteuer online (Test)" in anonymous.get("/verarbeitungen/").content.decode()

    # A later change sends the entry back to review.
    response = as_editor.post(
        f"{base}bearbeiten/",
        {
            "title": "Hundesteuer online (Test)",
            "controller": "Stadt (Test)",
            "controller_contact": "Rathaus, info@example.org",
            "dpo_contact": "datenschutz@example.org",
            "purposes": "Anmeldung und Abmeldung von Hunden zur Steuer.",
            "data_subjects": "Hundehalterinnen und Hundehalter.",
            "projects": [project.pk],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.DRAFT
    assert activity.purposes == "Anmeldung und Abmeldung von Hunden zur Steuer."


def test_forms_show_clear_errors(editor: User, project: Project, client_for: ClientFor) -> None:
    client = client_for(editor)

    response = client.post("/verarbeitungen/neu/", {"title": "", "projects": []})
    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "projects"} <= set(form.errors)
    assert 'class="field-error"' in response.content.decode()
    assert not ProcessingActivity.objects.filter(office=editor.office).exists()

    activity = _activity(editor, project)
    response = client.post(
        f"{activity.get_absolute_url()}uebermittlung/neu/",
        {"recipient": "Forschungsinstitut (Test)", "country": "usa"},
    )
    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert not activity.transfers.exists()


def test_an_editor_may_not_link_another_offices_project(
    editor: User, other_office: Office, client_for: ClientFor
) -> None:
    foreign = ProjectFactory.create(office=other_office)

    response = client_for(editor).post(
        "/verarbeitungen/neu/", {"title": "Fremd (Test)", "projects": [foreign.pk]}
    )

    assert response.status_code == 200
    assert "projects" in response.context["form"].errors
    assert not ProcessingActivity.objects.filter(title="Fremd (Test)").exists()


def test_an_editor_adds_and_removes_a_transfer(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    activity = _activity(editor, project)
    client = client_for(editor)
    base = f"{activity.get_absolute_url()}uebermittlung"
    section = f"{activity.get_absolute_url()}#uebermittlungen"

    response = client.post(
        f"{base}/neu/",
        {"recipient": "Forschungsinstitut (Test)", "country": "CH", "safeguard": "Art. 45"},
    )
    assert (response.status_code, response["Location"]) == (302, section)
    transfer = activity.transfers.get()
    assert f"{base}/{transfer.pk}/entfernen/" in client.get(section).content.decode()

    assert client.get(f"{base}/{transfer.pk}/entfernen/").status_code == 200
    response = client.post(f"{base}/{transfer.pk}/entfernen/")
    assert (response.status_code, response["Location"]) == (302, section)
    assert not activity.transfers.exists()


def test_an_unknown_part_kind_or_another_entrys_part_is_not_found(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    activity = _activity(editor, project, "Eins (Test)")
    other = _activity(editor, project, "Zwei (Test)")
    category = other.categories.get()
    client = client_for(editor)

    assert client.get(f"{activity.get_absolute_url()}anhang/neu/").status_code == 404
    page = f"{activity.get_absolute_url()}kategorie/{category.pk}/aendern/"
    assert client.get(page).status_code == 404


# role: what the create page, and the edit and part pages of the editor's draft, answer
WRITE_STATUS = {
    "anonymous": 404,
    "resident": 404,
    "council": 404,
    "other_editor": 403,
    "dpo": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", list(WRITE_STATUS))
def test_who_may_write_entries(
    role: str,
    people: dict[str, User | None],
    project: Project,
    client_for: ClientFor,
) -> None:
    editor = people["editor"]
    assert editor is not None
    activity = _activity(editor, project)
    category = activity.categories.get()
    client = client_for(people[role])
    base = activity.get_absolute_url()
    expected = WRITE_STATUS[role]
    # Another office's editor may still open the create page: for their own office.
    create_status = 200 if role == "other_editor" else expected

    assert client.get("/verarbeitungen/neu/").status_code == create_status
    assert client.get(f"{base}bearbeiten/").status_code == expected
    assert client.get(f"{base}kategorie/neu/").status_code == expected
    assert client.get(f"{base}kategorie/{category.pk}/entfernen/").status_code == expected
    assert client.post(f"{base}einreichen/").status_code == (302 if expected == 200 else expected)
    activity.refresh_from_db()
    submitted = activity.review_status == ReviewStatus.SUBMITTED
    assert submitted == (expected == 200)


# role: what the DPO's review queue answers
QUEUE_STATUS = {
    "anonymous": 404,
    "resident": 404,
    "council": 404,
    "editor": 403,
    "dpo": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", list(QUEUE_STATUS))
def test_who_sees_the_review_queue(
    role: str, people: dict[str, User | None], client_for: ClientFor
) -> None:
    response = client_for(people[role]).get("/verarbeitungen/pruefung/")

    assert response.status_code == QUEUE_STATUS[role]


def test_an_administrator_enters_an_entry_for_any_office(
    administrator: User, other_office: Office, client_for: ClientFor
) -> None:
    response = client_for(administrator).post(
        "/verarbeitungen/neu/",
        {
            "title": "Zentrale Verarbeitung (Test)",
            "office": other_office.pk,
            "controller": "Stadt (Test)",
            "controller_contact": "Rathaus",
            "dpo_contact": "datenschutz@example.org",
        },
    )

    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(title="Zentrale Verarbeitung (Test)")
    assert activity.office == other_office
    assert not activity.projects.exists()


def test_the_exports_hold_published_entries_only(
    editor: User, dpo: User, project: Project, client_for: ClientFor
) -> None:
    _published(editor, dpo, project, "Terminvergabe (Test)")
    _activity(editor, project, "Gesundheitsdaten (Test)")
    client = client_for(None)

    response = client.get("/verarbeitungen/verzeichnis.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="verarbeitungsverzeichnis.json"' in response["Content-Disposition"]
    titles = [entry["title"] for entry in json.loads(response.content)["activities"]]
    assert titles == ["Terminvergabe (Test)"]

    response = client.get("/verarbeitungen/verzeichnis.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="verarbeitungsverzeichnis.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "Terminvergabe (Test)" in text
    assert "Gesundheitsdaten (Test)" not in text

    response = client.get("/verarbeitungen/verzeichnis.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="verarbeitungsverzeichnis.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_deletion_log_lists_counts_per_category(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    account = DataCategory.objects.get(activity__slug=ACCOUNTS, key="account")
    RetentionRun.objects.create(
        ran_at=datetime(2025, 3, 1, 3, 0, tzinfo=UTC),
        counts={f"{ACCOUNTS}/account": 4, "verschwunden/alt": 2},
    )
    RetentionRun.objects.create(ran_at=datetime(2025, 3, 2, 3, 0, tzinfo=UTC), counts={})

    response = client_for(None).get("/verarbeitungen/loeschlaeufe/")

    assert response.status_code == 200
    text = response.content.decode()
    assert account.name in text
    assert account.activity.title in text
    assert "<td>4</td>" in text
    assert "verschwunden/alt" in text
    assert "6 Datensätze gelöscht oder anonymisiert." in text
    assert "0 Datensätze gelöscht oder anonymisiert." in text
    # The platform's entry is still under review: named, but not linked for the public.
    assert account.activity.get_absolute_url() not in text


def test_the_project_page_links_to_the_entry(
    editor: User, dpo: User, project: Project, client_for: ClientFor
) -> None:
    activity = _published(editor, dpo, project)

    text = client_for(None).get(project.get_absolute_url()).content.decode()

    assert f'href="{activity.get_absolute_url()}"' in text


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_the_register_costs_the_same_queries_for_few_and_many_entries(
    role: str,
    people: dict[str, User | None],
    dpo: User,
    client_for: ClientFor,
    django_assert_max_num_queries: Callable[[int], CaptureQueriesContext],
) -> None:
    editor = people["editor"]
    assert editor is not None
    client = client_for(people[role])

    def add_entries(count: int) -> None:
        for _ in range(count):
            project = ProjectFactory.create(office=editor.office)
            _published(editor, dpo, project, f"Verarbeitung für {project.title}")

    add_entries(2)
    few = _queries(client, "/verarbeitungen/")
    add_entries(8)
    OfficeFactory.create()
    assert _queries(client, "/verarbeitungen/") == few
    # Staff's pages count their tasks beside "Meine Aufgaben": two queries more.
    with django_assert_max_num_queries(8 if role == "anonymous" else 10):
        client.get("/verarbeitungen/")
