"""The staff pages: register a contract, its clauses and documents, and move it on."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services
from offenestadt.contracts.models import Contract, ContractStatus, Redaction, Vendor
from offenestadt.opendata.filescan import services as filescan
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
PUBLIC_PDF = b"%PDF-1.4\n% oeffentliche Fassung\n"
SIGNED_PDF = b"%PDF-1.4\n% unterzeichnet\n"


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office)


@pytest.fixture
def vendor(editor: User) -> Vendor:
    return services.vendor_save(
        actor=editor, vendor=Vendor(legal_name="Netzwerk GmbH (Test)", country="DE")
    )


def _contract(editor: User, project: Project, **fields: object) -> Contract:
    contract = Contract(title="Wartungsvertrag (Test)", **fields)
    linked_record_save(actor=editor, record=contract, projects=[project])
    return contract


def _body(response: HttpResponseBase) -> bytes:
    # Reading to the end lets the test client close the file (closing it here would also
    # close the test's database connection).
    assert isinstance(response, FileResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


@pytest.mark.usefixtures("charter")
def test_an_editor_registers_a_contract_for_their_project(
    editor: User, project: Project, vendor: Vendor, client_for: ClientFor
) -> None:
    client = client_for(editor)
    form = client.get("/vertraege/neu/")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()

    response = client.post(
        "/vertraege/neu/",
        {
            "title": "Wartungsvertrag WLAN (Test)",
            "purpose": "Betrieb der Zugangspunkte.",
            "vendor": vendor.pk,
            "value": "12000",
            "currency": "EUR",
            "data_owner": "city",
            "secondary_use_prohibited": "true",
            "projects": [project.pk],
        },
    )
    contract = Contract.objects.get()
    assert (response.status_code, response["Location"]) == (302, contract.get_absolute_url())
    assert list(contract.projects.all()) == [project]
    assert contract.vendor == vendor
    assert contract.secondary_use_prohibited is True
    entry = AuditEntry.objects.for_record(contract).get()
    assert (entry.action, entry.actor_role) == (Action.CREATE, "editor")
    assert entry.changes["title"] == [None, "Wartungsvertrag WLAN (Test)"]

    response = client.post(
        f"/vertraege/{contract.pk}/bearbeiten/",
        {"title": "Wartungsvertrag WLAN", "currency": "EUR", "projects": [project.pk]},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Wartungsvertrag WLAN"
    assert AuditEntry.objects.for_record(contract).count() == 2


def test_an_editor_must_link_a_project_of_their_office(
    editor: User, project: Project, other_office: Office, client_for: ClientFor
) -> None:
    foreign = ProjectFactory.create(office=other_office)
    response = client_for(editor).post(
        "/vertraege/neu/", {"title": "Fremdvertrag", "currency": "EUR", "projects": [foreign.pk]}
    )
    assert response.status_code == 400
    assert "projects" in response.context["form"].errors
    assert not Contract.objects.exists()


@pytest.mark.usefixtures("charter")
def test_an_editor_adds_and_removes_a_redaction(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    client = client_for(editor)
    base = f"/vertraege/{contract.pk}/schwaerzung"
    section = f"{contract.get_absolute_url()}#schwaerzungen-heading"

    response = client.post(
        f"{base}/neu/",
        {
            "passage": "§ 7 Preise",
            "category": "trade_secret",
            "reason": "Die Stückpreise zeigen die Kalkulation des Anbieters; die Summe ist "
            "öffentlich.",
        },
    )
    assert (response.status_code, response["Location"]) == (302, section)
    redaction = Redaction.objects.get(contract=contract)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "§ 7 Preise" in page
    assert f"{base}/{redaction.pk}/entfernen/" in page

    confirmation = client.get(f"{base}/{redaction.pk}/entfernen/")
    assert confirmation.status_code == 200
    assert 'method="post"' in confirmation.content.decode()
    assert Redaction.objects.filter(pk=redaction.pk).exists()
    response = client.post(f"{base}/{redaction.pk}/entfernen/")
    assert (response.status_code, response["Location"]) == (302, section)
    assert not Redaction.objects.filter(pk=redaction.pk).exists()

    entries = AuditEntry.objects.for_record(redaction).order_by("seq")
    assert [entry.action for entry in entries] == [Action.CREATE, Action.DELETE]
    assert {entry.actor_role for entry in entries} == {"editor"}


def test_an_unknown_clause_kind_or_another_contracts_clause_is_not_found(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    other = _contract(editor, project)
    redaction = Redaction.objects.create(contract=other, passage="§ 1")
    client = client_for(editor)
    assert client.get(f"/vertraege/{contract.pk}/anhang/neu/").status_code == 404
    page = f"/vertraege/{contract.pk}/schwaerzung/{redaction.pk}/aendern/"
    assert client.get(page).status_code == 404


def test_a_refused_transition_shows_what_is_missing(
    charter: CharterVersion, editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    client = client_for(editor)

    response = client.post(f"/vertraege/{contract.pk}/stand/", {"to": "deliberation"})

    assert response.status_code == 409
    page = response.content.decode()
    # At the top, under the heading, announced and focused; not after a confirmation.
    refusal = page.index('id="verweigert" role="alert" tabindex="-1" autofocus')
    assert page.index("<h1>") < refusal < page.index('class="facts"')
    assert "mindestens 28 Tage" in page[refusal:]
    assert "Tragen Sie Gremium und Sitzungstag der Beratung ein." in page
    for finding in response.context["refusal"].findings:
        assert str(finding.message) in page
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PUBLISHED


def test_an_allowed_transition_moves_the_contract_on(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    client = client_for(editor)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'action="/vertraege/{contract.pk}/stand/"' in page

    asked = client.post(f"/vertraege/{contract.pk}/stand/", {"to": "published"})

    # Publishing cannot be undone: it is asked about once more, with the same choice.
    assert asked.status_code == 200
    question = asked.content.decode()
    assert "nach „veröffentlicht“ bringen?" in question
    assert '<input type="hidden" name="to" value="published">' in question
    assert '<input type="hidden" name="bestaetigt" value="1">' in question
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT

    response = client.post(
        f"/vertraege/{contract.pk}/stand/", {"to": "published", "bestaetigt": "1"}, follow=True
    )

    assert response.redirect_chain[-1] == (contract.get_absolute_url(), 302)
    assert 'role="status"' in response.content.decode()
    assert "Der Vertrag ist jetzt im Stand „veröffentlicht“." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PUBLISHED
    assert contract.published_at is not None


# role: what the create page and a clause form of a draft contract answer
ROLE_STATUS = {
    "anonymous": 404,
    "resident": 404,
    "council": 404,
    "other_editor": 403,
    "dpo": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.usefixtures("charter")  # It names the law a redaction's basis comes from.
@pytest.mark.parametrize("role", list(ROLE_STATUS))
def test_who_may_register_contracts_and_change_clauses(
    role: str,
    people: dict[str, User | None],
    editor: User,
    project: Project,
    client_for: ClientFor,
) -> None:
    contract = _contract(editor, project)
    client = client_for(people[role])
    expected = ROLE_STATUS[role]
    pages = [
        "/vertraege/neu/",
        f"/vertraege/{contract.pk}/bearbeiten/",
        f"/vertraege/{contract.pk}/schwaerzung/neu/",
    ]
    assert {page: client.get(page).status_code for page in pages} == dict.fromkeys(pages, expected)

    entries = AuditEntry.objects.count()
    added = client.post(
        f"/vertraege/{contract.pk}/schwaerzung/neu/",
        {
            "passage": "§ 2",
            "category": "security",
            "reason": "Die Stelle nennt die Zugangsdaten der Steuerung der Ampelanlagen.",
        },
    )
    moved = client.post(f"/vertraege/{contract.pk}/stand/", {"to": "published", "bestaetigt": "1"})
    if expected == 200:
        assert (added.status_code, moved.status_code) == (302, 302)
    else:
        assert (added.status_code, moved.status_code) == (expected, expected)
        assert not Redaction.objects.exists()
        assert AuditEntry.objects.count() == entries

    page = client.get("/vertraege/").content.decode()
    assert ("/vertraege/neu/" in page) == (expected == 200)


def test_the_staff_controls_show_only_to_editors_of_the_contract(
    editor: User, other_editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    edit_link = f"/vertraege/{contract.pk}/bearbeiten/"
    for user, sees in [(None, False), (other_editor, False), (editor, True)]:
        page = client_for(user).get(contract.get_absolute_url()).content.decode()
        assert (edit_link in page) == sees
        assert ("/stand/" in page) == sees
        assert ("/schwaerzung/neu/" in page) == sees


def test_editors_add_vendors(
    people: dict[str, User | None], editor: User, project: Project, client_for: ClientFor
) -> None:
    data = {"legal_name": "Sensorik AG (Test)", "country": "AT"}
    client = client_for(editor)
    response = client.post("/vertraege/auftragnehmer/neu/?next=/vertraege/neu/", data)
    vendor = Vendor.objects.get()
    # Back on the contract form, the new vendor is chosen, and it says so.
    back = f"/vertraege/neu/?auftragnehmer={vendor.pk}"
    assert (response.status_code, response["Location"]) == (302, back)
    form_page = client.get(back)
    assert form_page.context["form"]["vendor"].value() == vendor.pk
    page = form_page.content.decode()
    assert f'<option value="{vendor.pk}" selected>' in page
    assert "ist angelegt und im Vertrag ausgewählt" in page
    assert AuditEntry.objects.for_record(vendor).get().actor_role == "editor"
    assert client_for(people["dpo"]).get("/vertraege/auftragnehmer/neu/").status_code == 403
    assert client_for(None).get("/vertraege/auftragnehmer/neu/").status_code == 404


def test_the_documents_are_served_to_whom_they_belong(
    temporary_storage: Path,
    people: dict[str, User | None],
    editor: User,
    project: Project,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    response = client_for(editor).post(
        "/vertraege/neu/",
        {
            "title": "Vertrag mit Dokumenten (Test)",
            "currency": "EUR",
            "projects": [project.pk],
            "public_document": SimpleUploadedFile(
                "fassung.pdf", PUBLIC_PDF, content_type="application/pdf"
            ),
            "signed_document": SimpleUploadedFile(
                "unterschrift.pdf", SIGNED_PDF, content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get()
    public = f"/vertraege/{contract.pk}/oeffentliche-fassung.pdf"
    signed = f"/vertraege/{contract.pk}/unterzeichnet.pdf"

    # A draft's documents do not exist for the public.
    assert client_for(None).get(public).status_code == 404
    assert client_for(None).get(signed).status_code == 404

    # The public version is a PDF the check cannot read: the DPO approves it first.
    run_worker()
    with pytest.raises(GateRefusedError, match="Datenschutzbeauftragten"):
        services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    scan = filescan.current_scan(contract, "public_document")
    assert scan is not None
    filescan.file_scan_approve(actor=people["dpo"], scan=scan, note="Geschwärzt, keine Namen.")  # type: ignore[arg-type]
    services.contract_transition(actor=editor, contract=contract, to=ContractStatus.PUBLISHED)
    shown = client_for(None).get(public)
    assert (shown.status_code, shown["Content-Type"]) == (200, "application/pdf")
    assert _body(shown) == PUBLIC_PDF
    assert public in client_for(None).get(contract.get_absolute_url()).content.decode()

    statuses = {role: client_for(user).get(signed).status_code for role, user in people.items()}
    assert statuses == {
        "anonymous": 403,
        "resident": 403,
        "council": 403,
        "other_editor": 403,
        "dpo": 403,
        "editor": 200,
        "admin": 200,
    }
    served = client_for(editor).get(signed)
    assert served["Content-Type"] == "application/pdf"
    assert "no-store" in served["Cache-Control"]
    assert _body(served) == SIGNED_PDF


def test_a_contract_without_a_public_document_has_none_to_serve(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    contract = _contract(editor, project)
    client = client_for(editor)
    assert client.get(f"/vertraege/{contract.pk}/oeffentliche-fassung.pdf").status_code == 404
    assert client.get(f"/vertraege/{contract.pk}/unterzeichnet.pdf").status_code == 404


def test_a_document_that_is_no_pdf_is_refused(
    temporary_storage: Path,
    editor: User,
    project: Project,
    client_for: ClientFor,
) -> None:
    response = client_for(editor).post(
        "/vertraege/neu/",
        {
            "title": "Vertrag (Test)",
            "currency": "EUR",
            "projects": [project.pk],
            "public_document": SimpleUploadedFile("fassung.pdf", b"<html></html>"),
        },
    )
    assert response.status_code == 400
    assert "public_document" in response.context["form"].errors
    assert not Contract.objects.exists()
