"""No file with personal data is published with a checkbox: the worker checks every file that
can become public, refuses direct identifiers and quasi-identifiers with the columns and the
evidence named, and offers the anonymization pipeline instead (issue 12, point 1)."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.filescan import rules
from offenestadt.opendata.filescan import services as filescan_services
from offenestadt.opendata.filescan.detection import detect_personal_data
from offenestadt.opendata.filescan.models import FileScan, ScanState
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.pipeline_support import patients_csv, read_csv
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
TREES = b"art,anzahl\nLinde,12\nEiche,7\n"
PDF = b"%PDF-1.4\n% Bericht\n"


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    return temporary_storage


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office, title="Gesundheitsamt digital (Test)")


@pytest.fixture
def dataset(editor: User, project: Project) -> Dataset:
    dataset = Dataset(
        name="klinik",
        title="Klinikdaten (Test)",
        description="Daten der Stadt (Test).",
        publisher=project.office,
        contact_name="Gesundheitsamt",
        contact_email="gesundheit@example.org",
        licence=Licence.DL_BY,
    )
    return services.dataset_save(
        actor=editor, dataset=dataset, projects=[project], themes=["HEAL"], keywords=[]
    )


def add_file(client: Client, name: str, content: bytes, title: str = "Tabelle") -> Distribution:
    response = client.post(
        "/daten/klinik/dateien/neu/",
        {"title": title, "upload": SimpleUploadedFile(name, content), "no_personal_data": "on"},
    )
    assert response.status_code == 302, response.content.decode()
    return Distribution.objects.get(title=title)


def published_with_trees(
    dataset: Dataset, editor: User, client: Client, run_worker: Callable[[], None]
) -> Distribution:
    trees = add_file(client, "baeume.csv", TREES, title="Bäume")
    run_worker()
    services.dataset_publish(actor=editor, dataset=dataset)
    return trees


def test_the_form_has_no_checkbox_that_vouches_for_a_file(
    dataset: Dataset, editor: User, client_for: ClientFor
) -> None:
    form = client_for(editor).get("/daten/klinik/dateien/neu/")
    assert "no_personal_data" not in form.context["form"].fields
    assert 'name="no_personal_data"' not in form.content.decode()


def test_a_csv_with_names_emails_and_diagnoses_never_reaches_a_visitor(
    dataset: Dataset,
    editor: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    """The reproduction: ticking the old checkbox and publishing must not publish it."""
    editor_client = client_for(editor)
    published_with_trees(dataset, editor, editor_client, run_worker)
    patients = add_file(editor_client, "patienten.csv", patients_csv(), title="Patienten")
    run_worker()
    scan = filescan_services.current_scan(patients, "file")
    assert scan is not None and scan.state == ScanState.PERSONAL_DATA

    anonymous = client_for(None)
    download = f"/daten/klinik/dateien/{patients.identifier}/"
    assert anonymous.get(download).status_code == 404
    page = anonymous.get("/daten/klinik/").content.decode()
    assert "Patienten" not in page
    assert str(patients.identifier) not in anonymous.get("/catalog.ttl").content.decode()
    shown = anonymous.get("/api/3/action/package_show?id=klinik").json()["result"]
    assert [resource["name"] for resource in shown["resources"]] == ["Bäume"]
    # Publishing again checks again: it is refused with the columns and the evidence.
    refused = editor_client.post("/daten/klinik/veroeffentlichen/")
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "enthält personenbezogene Daten" in text
    assert "„name“" in text and "„email“" in text
    assert "Werten sind E-Mail-Adressen" in text
    assert "/rohdaten/" in text


def test_the_check_runs_in_the_worker_not_in_the_request(
    dataset: Dataset, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    patients = add_file(client_for(editor), "patienten.csv", patients_csv())
    scan = filescan_services.current_scan(patients, "file")
    assert scan is not None
    assert (scan.state, scan.findings, scan.scanned_at) == (ScanState.PENDING, [], None)
    assert DBTaskResult.objects.filter(task_path__endswith="scan_public_file").count() == 1
    run_worker()
    scan.refresh_from_db()
    assert scan.state == ScanState.PERSONAL_DATA
    assert scan.scanned_at is not None


def test_findings_name_columns_kinds_and_counts_never_the_values(
    dataset: Dataset, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    content = patients_csv(rows=60)
    patients = add_file(client_for(editor), "patienten.csv", content)
    run_worker()
    scan = FileScan.objects.get()
    by_column = {finding["column"]: finding for finding in scan.findings}
    assert by_column["name"]["kinds"] == ["person_name"]
    assert by_column["email"]["role"] == "direct identifier"
    assert by_column["plz"]["role"] == "quasi-identifier"
    assert by_column["email"]["values"] == 60
    assert 0.8 * 60 <= by_column["email"]["matched"] <= 60
    stored = json.dumps(scan.findings) + json.dumps(
        list(AuditEntry.objects.for_record(scan).values_list("changes", flat=True))
    )
    for row in read_csv(content):
        for value in (row["name"], row["email"], row["name"].split()[-1]):
            assert value not in stored
    # The check and its outcome are in the audit trail.
    entries = AuditEntry.objects.for_record(scan).order_by("seq")
    assert [entry.changes.get("state") for entry in entries][-1] == ["pending", "personal"]
    # Staff see the columns and the evidence on the dataset's page.
    page = client_for(editor).get("/daten/klinik/")
    (shown,) = page.context["distributions"]
    assert shown.distribution == patients
    assert {row.column for row in shown.scan_rows} >= {"name", "email", "alter", "plz"}
    assert "personenbezogene Daten gefunden" in page.content.decode()


def test_the_page_sends_a_refused_file_into_the_anonymization_pipeline(
    dataset: Dataset,
    editor: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
    media: Path,
    django_capture_on_commit_callbacks,
) -> None:
    client = client_for(editor)
    patients = add_file(client, "patienten.csv", patients_csv())
    run_worker()
    action = f"/daten/klinik/dateien/{patients.identifier}/anonymisieren/"
    assert f'action="{action}"' in client.get("/daten/klinik/").content.decode()
    # The file leaves the dataset for good: the button asks first, and nothing moves yet.
    asked = client.post(action).content.decode()
    assert "in die Anonymisierung geben?" in asked and 'name="bestaetigt"' in asked
    assert Distribution.objects.filter(pk=patients.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"bestaetigt": "1"})
    upload = RawUpload.objects.get()
    assert response["Location"] == f"/rohdaten/{upload.pk}/"
    assert upload.status == PipelineStatus.SCANNED
    assert not Distribution.objects.filter(pk=patients.pk).exists()
    # Nothing of it stays among the public files; the raw file is private.
    assert not any((media / "public").rglob("patienten*"))
    assert any((media / "private").rglob("patienten*"))
    # Every check, and its removal with the file, went through the audit trail (the
    # project comes from a factory, around the trail: only the catalogue's records count).
    assert not [problem for problem in verify_chain().problems if "opendata." in problem]


def test_a_clean_table_is_published_after_the_check(
    dataset: Dataset, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    trees = published_with_trees(dataset, editor, client_for(editor), run_worker)
    response = client_for(None).get(f"/daten/klinik/dateien/{trees.identifier}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TREES  # type: ignore[attr-defined]


def test_a_new_file_needs_its_own_check(
    dataset: Dataset, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    """Replacing a cleared file does not inherit the old file's clearance."""
    client = client_for(editor)
    trees = published_with_trees(dataset, editor, client, run_worker)
    replaced = client.post(
        f"/daten/klinik/dateien/{trees.identifier}/aendern/",
        {"title": "Bäume", "upload": SimpleUploadedFile("baeume.csv", patients_csv())},
    )
    assert replaced.status_code == 302
    download = f"/daten/klinik/dateien/{trees.identifier}/"
    assert client_for(None).get(download).status_code == 404
    run_worker()
    assert client_for(None).get(download).status_code == 404
    trees.refresh_from_db()
    assert filescan_services.current_scan(trees, "file").state == ScanState.PERSONAL_DATA  # type: ignore[union-attr]


def test_a_file_the_check_cannot_read_needs_the_dpo_four_eyes(
    dataset: Dataset,
    editor: User,
    dpo: User,
    administrator: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    report = add_file(client_for(editor), "bericht.pdf", PDF, title="Bericht")
    run_worker()
    scan = filescan_services.current_scan(report, "file")
    assert scan is not None and scan.state == ScanState.NOT_SCANNABLE
    refused = client_for(editor).post("/daten/klinik/veroeffentlichen/")
    assert "Datenschutzbeauftragten" in refused.content.decode()
    approve = f"/rohdaten/dateien/{scan.pk}/freigeben/"
    note = {f"datei-{scan.pk}-note": "Gelesen: keine Namen, keine Anschriften."}
    # Neither the editor nor an administrator approves; the DPO needs a reason.
    assert client_for(editor).post(approve, note).status_code == 403
    assert client_for(administrator).post(approve, note).status_code == 403
    dpo_client = client_for(dpo)
    listed = dpo_client.get("/rohdaten/dateien/")
    assert "bericht.pdf" in listed.content.decode()
    assert dpo_client.post(approve, {f"datei-{scan.pk}-note": " "}).status_code == 400
    assert dpo_client.post(approve, note).status_code == 302
    scan.refresh_from_db()
    assert (scan.approved_by, scan.is_cleared) == (dpo, True)
    services.dataset_publish(actor=editor, dataset=dataset)
    assert client_for(None).get(f"/daten/klinik/dateien/{report.identifier}/").status_code == 200


def test_the_dpo_never_clears_direct_identifiers_nor_their_own_uploads(
    dataset: Dataset,
    editor: User,
    dpo: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    patients = add_file(client_for(editor), "patienten.csv", patients_csv())
    run_worker()
    scan = filescan_services.current_scan(patients, "file")
    assert scan is not None
    assert not rules.can_approve_scan(dpo, scan)
    response = client_for(dpo).post(
        f"/rohdaten/dateien/{scan.pk}/freigeben/", {f"datei-{scan.pk}-note": "passt"}
    )
    assert response.status_code == 403
    scan.requested_by = dpo
    scan.state = ScanState.NOT_SCANNABLE
    assert not rules.can_approve_scan(dpo, scan)


def test_an_external_address_is_fetched_by_nobody_and_marked(
    dataset: Dataset, editor: User, client_for: ClientFor
) -> None:
    link = services.distribution_save(
        actor=editor,
        distribution=Distribution(
            dataset=dataset,
            title="Messwerte (API)",
            access_url="https://daten.example.org/messwerte.json",
            format="JSON",
        ),
    )
    services.dataset_publish(actor=editor, dataset=dataset)
    assert not FileScan.objects.exists()
    page = client_for(None).get("/daten/klinik/").content.decode()
    assert "die Stadt ruft diese Adresse nicht ab" in page
    (resource,) = (
        client_for(None).get("/api/3/action/package_show?id=klinik").json()["result"]["resources"]
    )
    assert (resource["external"], resource["url_type"]) == (True, None)
    turtle = client_for(None).get("/catalog.ttl").content.decode()
    assert "die Stadt ruft sie nicht ab" in turtle
    assert link.is_external


@pytest.mark.parametrize(
    ("name", "content", "state"),
    [
        ("baeume.csv", TREES, ScanState.CLEAN),
        ("patienten.csv", patients_csv(rows=30), ScanState.PERSONAL_DATA),
        (
            "kontakte.json",
            json.dumps(
                [{"name": "Anna Schmidt", "email": "anna.schmidt@example.org"}] * 3
            ).encode(),
            ScanState.PERSONAL_DATA,
        ),
        ("werte.geojson", json.dumps({"features": [{"wert": 3}]}).encode(), ScanState.CLEAN),
        (
            "seite.xml",
            b"<p>Kontakt: anna.schmidt@example.org, Telefon 0234 123456</p>\n",
            ScanState.PERSONAL_DATA,
        ),
        ("bericht.pdf", PDF, ScanState.NOT_SCANNABLE),
        ("kaputt.csv", bytes(range(256)) * 4, ScanState.NOT_SCANNABLE),
    ],
)
def test_text_and_tables_are_scanned_the_rest_needs_the_dpo(
    tmp_path: Path, name: str, content: bytes, state: ScanState
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    detection = detect_personal_data(path, f"opendata/{name}")
    assert detection.state == state
    assert str(tmp_path) not in detection.note
