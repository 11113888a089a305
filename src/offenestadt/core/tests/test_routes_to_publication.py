"""Every way a file or a record becomes public, and the gates on each (issue 12).

The lists below are checked against the code: a new service that publishes, approves or
moves a record on, or a new file field on any model, fails here until it is listed with
its gates. Files that can become public pass the check for personal data
(``opendata.filescan.services``); records whose lifecycle the charter gates ask the charter.
"""

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import Contract, ContractStatus, DataOwner
from offenestadt.opendata.catalogue import services as opendata_services
from offenestadt.opendata.catalogue.models import Licence
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.filescan.models import ScanState
from offenestadt.opendata.models import Dataset, Distribution, FileScan, RawUpload
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus
from offenestadt.opendata.tests.pipeline_support import patients_csv
from offenestadt.registry import services as registry_services
from offenestadt.registry.models import Project, ProjectStatus

ClientFor = Callable[[User | None], Client]
PDF = b"%PDF-1.4\n% oeffentliche Fassung\n"
TREES = b"art,anzahl\nLinde,12\nEiche,7\n"


@dataclass(frozen=True)
class Route:
    """A way to publication: what it makes public and which gates hold it."""

    publishes: str
    files: tuple[str, ...]  # "app_label.model.field" of the public files it serves
    gates: tuple[str, ...]  # "scan", "charter", "dpo" (four eyes), "rules" (the app's own)
    tests: tuple[str, ...]  # the tests that keep the gates, "module::name"


HERE = "offenestadt.core.tests.test_routes_to_publication"
ROUTES: dict[str, Route] = {
    "offenestadt.opendata.catalogue.services.dataset_publish": Route(
        "a dataset with its files",
        ("opendata.distribution.file",),
        ("scan", "charter", "rules"),
        (
            f"{HERE}::test_dataset_publish_refuses_unchecked_and_personal_files",
            f"{HERE}::test_a_dataset_is_published_only_with_the_charter",
            f"{HERE}::test_a_withdrawn_dataset_is_published_again_only_with_the_charter",
            f"{HERE}::test_a_clean_aggregate_of_a_project_with_personal_data_is_published",
        ),
    ),
    "offenestadt.opendata.catalogue.services.distribution_save": Route(
        "a file added to (or replaced in) a published dataset",
        ("opendata.distribution.file",),
        ("scan",),
        (f"{HERE}::test_a_file_added_to_a_published_dataset_waits_for_its_check",),
    ),
    "offenestadt.opendata.pipeline.services.upload_publish": Route(
        "the anonymized output of a raw upload",
        ("opendata.distribution.file",),
        ("dpo", "scan"),
        (f"{HERE}::test_the_pipeline_publishes_only_what_the_dpo_approved",),
    ),
    "offenestadt.opendata.pipeline.services.upload_approve": Route(
        "the DPO's approval of an anonymized result",
        (),
        ("dpo",),
        (
            "offenestadt.opendata.pipeline.tests.test_pipeline::test_only_the_dpo_approves_and_never_their_own_upload",
        ),
    ),
    "offenestadt.opendata.filescan.services.file_scan_approve": Route(
        "a file the check could not clear",
        ("opendata.distribution.file", "contracts.contract.public_document"),
        ("dpo",),
        (
            "offenestadt.opendata.filescan.tests.test_file_scan::"
            "test_a_file_the_check_cannot_read_needs_the_dpo_four_eyes",
            "offenestadt.opendata.filescan.tests.test_file_scan::"
            "test_the_dpo_never_clears_direct_identifiers_nor_their_own_uploads",
        ),
    ),
    "offenestadt.contracts.services.contract_transition": Route(
        "a contract (published, to the council, signed …) with its public version",
        ("contracts.contract.public_document",),
        ("scan", "charter", "rules"),
        (
            f"{HERE}::test_contract_publication_waits_for_the_check_of_its_public_version",
            f"{HERE}::test_a_contract_goes_to_the_council_only_with_the_charter",
        ),
    ),
    "offenestadt.contracts.services.contract_save": Route(
        "a new public version of a published contract",
        ("contracts.contract.public_document",),
        ("scan",),
        (f"{HERE}::test_a_new_public_version_of_a_published_contract_waits_for_its_check",),
    ),
    "offenestadt.registry.services.project_publish": Route(
        "a project with its scorecard (no files)",
        (),
        ("rules",),
        ("offenestadt.registry.tests.test_gates::test_the_gate_refuses_and_names_what_to_fix",),
    ),
    "offenestadt.registry.services.project_transition": Route(
        "a project's decision, implementation, operation",
        (),
        ("charter",),
        (f"{HERE}::test_a_project_decision_asks_the_charter",),
    ),
    "offenestadt.participation.procedures.services.procedure_publish": Route(
        "a participation procedure and its material (text, no files)",
        (),
        ("rules",),
        (
            "offenestadt.participation.procedures.tests.test_procedures::"
            "test_publishing_needs_the_phases",
        ),
    ),
    "offenestadt.participation.procedures.services.procedure_report_publish": Route(
        "a procedure's result report (text)",
        (),
        ("rules",),
        (
            "offenestadt.participation.procedures.tests.test_procedures::"
            "test_the_result_report_follows_the_consultation",
            "offenestadt.participation.procedures.tests.test_procedures::"
            "test_the_result_report_answers_every_proposal",
        ),
    ),
    "offenestadt.participation.procedures.services.meeting_minutes_publish": Route(
        "a meeting's minutes (text)",
        (),
        ("rules",),
        (
            "offenestadt.participation.procedures.tests.test_procedures::"
            "test_minutes_are_published_after_the_meeting",
        ),
    ),
    "offenestadt.processing.services.activity_approve": Route(
        "an entry of the register of processing activities",
        (),
        ("dpo",),
        (
            "offenestadt.processing.tests.test_review::"
            "test_only_the_dpo_approves_and_never_their_own_submission",
        ),
    ),
    "offenestadt.voting.services.vote_publish": Route(
        "a vote with its options (text)",
        (),
        ("rules",),
        ("offenestadt.voting.tests.test_staff::test_publishing_needs_answers",),
    ),
    "offenestadt.charter.services.charter_load": Route(
        "a charter version from a TOML document (the command line)",
        (),
        ("rules",),
        (
            "offenestadt.charter.tests.test_document::"
            "test_every_mistake_is_reported_with_line_field_and_expectation",
        ),
    ),
    "offenestadt.participation.amendments.services.proposal_charter_adopt": Route(
        "the charter change a proposal asks for (i12-dates: only after the procedure and its "
        "result report)",
        (),
        ("rules",),
        (
            "offenestadt.participation.amendments.tests.test_charter_amendment::"
            "test_a_charter_proposal_is_accepted_only_by_adopting_it",
        ),
    ),
    "offenestadt.charter.services.charter_amend": Route(
        "a charter amendment adopted after participation",
        (),
        ("rules",),
        (
            "offenestadt.participation.amendments.tests.test_charter_amendment::"
            "test_a_charter_proposal_is_accepted_only_by_adopting_it",
        ),
    ),
}

# Modules whose functions write records; a function named like a publication is a route.
SERVICE_MODULES = (
    "offenestadt.registry.services",
    "offenestadt.contracts.services",
    "offenestadt.opendata.catalogue.services",
    "offenestadt.opendata.pipeline.services",
    "offenestadt.opendata.filescan.services",
    "offenestadt.participation.procedures.services",
    "offenestadt.participation.comments.services",
    "offenestadt.participation.proposals.services",
    "offenestadt.participation.moderation.services",
    "offenestadt.participation.notifications.services",
    "offenestadt.participation.amendments.services",
    "offenestadt.processing.services",
    "offenestadt.voting.services",
    "offenestadt.charter.services",
    "offenestadt.accounts.services",
    "offenestadt.audit.services",
)
PUBLISHING_NAME = re.compile(r"(publish|approve|transition|amend|adopt|release|charter_load)")
# Saves that put a file at a public address are routes too, whatever their name.
FILE_SAVES = {
    "offenestadt.opendata.catalogue.services.distribution_save",
    "offenestadt.contracts.services.contract_save",
}
# File fields never served to visitors, and why.
PRIVATE_FILES = {
    "opendata.rawupload.file": "raw data: private storage, no address serves it",
    "opendata.rawupload.output": "anonymized result before approval: private storage",
    "contracts.contract.signed_document": "the signed original: served to its editors only",
}


def _file_fields() -> dict[str, models.FileField]:
    """Every file field of every model of the platform."""
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("offenestadt."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                found[f"{model._meta.label_lower}.{field.name}"] = field
    return found


def test_every_publishing_service_is_a_listed_route() -> None:
    found = set()
    for module_name in SERVICE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                function.__module__ == module_name
                # Permission predicates, the queries that say why a route refuses and the
                # checks that refuse are the gates of the routes, not routes of their own.
                and not name.startswith(("_", "can_"))
                and not name.endswith(("_refusal", "_gate"))
                and PUBLISHING_NAME.search(name)
            ):
                found.add(f"{module_name}.{name}")
    assert found | FILE_SAVES == set(ROUTES), (
        "List each way to publication in ROUTES with its gates and tests"
    )


def test_every_file_field_is_a_public_file_with_routes_or_never_served() -> None:
    fields = _file_fields()
    public = {file for route in ROUTES.values() for file in route.files}
    assert set(fields) == public | set(PRIVATE_FILES), (
        "A new file field needs its routes (and the check for personal data) or a reason "
        "why it is never served"
    )
    for label, field in fields.items():
        declared_public = getattr(field.model, "public_file_fields", ())
        declared_private = getattr(field.model, "private_file_fields", ())
        if label in public:
            assert field.name in declared_public, label
            assert any("scan" in route.gates for route in ROUTES.values() if label in route.files)
        else:
            assert field.name in declared_private, label


def test_every_route_has_its_gate_tests() -> None:
    for name, route in ROUTES.items():
        assert route.gates, name
        for reference in route.tests:
            module_name, test_name = reference.split("::")
            assert callable(getattr(importlib.import_module(module_name), test_name)), reference


def test_routes_without_files_publish_records_without_file_fields() -> None:
    """What the text routes publish holds no file, so nothing passes them unchecked."""
    with_files = {label.rsplit(".", 1)[0] for label in _file_fields()}
    for label in (
        "registry.project",
        "participation.procedure",
        "participation.document",
        "participation.paragraph",
        "participation.meeting",
        "processing.processingactivity",
        "voting.vote",
        "voting.option",
        "charter.charterversion",
    ):
        apps.get_model(label)  # the model exists under this name
        assert label not in with_files, label


# --- the file routes --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    return temporary_storage


@pytest.fixture
def project(editor: User, office: Office, charter: CharterVersion) -> Project:
    project = registry_services.project_create(
        actor=editor, office=office, title="Sensoren im Park", summary="Messwerte."
    )
    registry_services.project_publish(actor=editor, project=project)
    return project


@pytest.fixture
def dataset(editor: User, project: Project) -> Dataset:
    dataset = Dataset(
        name="routen",
        title="Routen (Test)",
        description="Daten der Stadt (Test).",
        publisher=project.office,
        contact_name="Amt",
        contact_email="amt@example.org",
        licence=Licence.DL_BY,
    )
    return opendata_services.dataset_save(
        actor=editor, dataset=dataset, projects=[project], themes=["ENVI"], keywords=[]
    )


def _add_file(editor: User, dataset: Dataset, name: str, content: bytes) -> Distribution:
    return opendata_services.distribution_save(
        actor=editor,
        distribution=Distribution(dataset=dataset, title=name),
        upload=SimpleUploadedFile(name, content),
    )


def _public(distribution: Distribution) -> bool:
    return Distribution.objects.public().filter(pk=distribution.pk).exists()


def test_dataset_publish_refuses_unchecked_and_personal_files(
    dataset: Dataset, editor: User, run_worker: Callable[[], None]
) -> None:
    _add_file(editor, dataset, "patienten.csv", patients_csv(rows=40))
    with pytest.raises(ValidationError, match="wird noch auf personenbezogene Daten geprüft"):
        opendata_services.dataset_publish(actor=editor, dataset=dataset)
    run_worker()
    with pytest.raises(ValidationError, match="enthält personenbezogene Daten"):
        opendata_services.dataset_publish(actor=editor, dataset=dataset)
    dataset.refresh_from_db()
    assert dataset.published_at is None


def test_a_file_added_to_a_published_dataset_waits_for_its_check(
    dataset: Dataset, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    trees = _add_file(editor, dataset, "baeume.csv", TREES)
    run_worker()
    opendata_services.dataset_publish(actor=editor, dataset=dataset)
    assert _public(trees)
    patients = _add_file(editor, dataset, "patienten.csv", patients_csv(rows=40))
    url = f"/daten/routen/dateien/{patients.identifier}/"
    assert not _public(patients)
    assert client_for(None).get(url).status_code == 404
    run_worker()
    assert not _public(patients)
    assert client_for(None).get(url).status_code == 404
    assert client_for(editor).get(url).status_code == 200  # staff see what was refused


def test_the_pipeline_publishes_only_what_the_dpo_approved(
    dataset: Dataset, editor: User, dpo: User, client_for: ClientFor
) -> None:
    upload = RawUpload(
        dataset=dataset,
        original_name="roh.csv",
        status=PipelineStatus.REVIEW,
        uploaded_by=editor,
        config={
            "k": 5,
            "l": None,
            "suppression": 0,
            "columns": {"plz": {"role": "quasi", "generalisation": "mask"}},
        },
        report={"rows": 2, "suppressed": 0, "levels": {"plz": 1}},
    )
    upload.file.save("roh.csv", ContentFile(b"plz,wert\n44787,1\n44789,2\n"), save=False)
    upload.output.save("roh-anonymisiert.csv", ContentFile(b"plz,wert\n*,1\n*,2\n"), save=False)
    upload.save()
    with pytest.raises(ValidationError):
        pipeline.upload_publish(actor=editor, upload=upload)
    with pytest.raises(PermissionDenied):
        pipeline.upload_approve(actor=editor, upload=upload)
    pipeline.upload_approve(actor=dpo, upload=upload)
    distribution = pipeline.upload_publish(actor=editor, upload=upload)
    scan = filescan.current_scan(distribution, "file")
    assert scan is not None and scan.state == ScanState.ANONYMIZED
    assert _public(distribution)
    opendata_services.dataset_publish(actor=editor, dataset=dataset)
    response = client_for(None).get(f"/daten/routen/dateien/{distribution.identifier}/")
    assert response.status_code == 200


def _contract(editor: User, project: Project, **fields: object) -> Contract:
    contract = Contract(title="Wartung der Sensoren", data_owner=DataOwner.CITY, **fields)
    contract.public_document.save("fassung.pdf", ContentFile(PDF), save=False)
    return contract_services.contract_save(actor=editor, contract=contract, projects=[project])


def test_contract_publication_waits_for_the_check_of_its_public_version(
    editor: User,
    dpo: User,
    project: Project,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    contract = _contract(editor, project)
    with pytest.raises(GateRefusedError, match="noch auf personenbezogene"):
        contract_services.contract_transition(
            actor=editor, contract=contract, to=ContractStatus.PUBLISHED
        )
    run_worker()
    with pytest.raises(GateRefusedError, match="Datenschutzbeauftragten"):
        contract_services.contract_transition(
            actor=editor, contract=contract, to=ContractStatus.PUBLISHED
        )
    scan = filescan.current_scan(contract, "public_document")
    assert scan is not None and scan.state == ScanState.NOT_SCANNABLE
    filescan.file_scan_approve(actor=dpo, scan=scan, note="Gelesen: Namen Dritter geschwärzt.")
    contract_services.contract_transition(
        actor=editor, contract=contract, to=ContractStatus.PUBLISHED
    )
    response = client_for(None).get(f"/vertraege/{contract.pk}/oeffentliche-fassung.pdf")
    assert response.status_code == 200


def test_a_new_public_version_of_a_published_contract_waits_for_its_check(
    editor: User,
    dpo: User,
    project: Project,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    contract = _contract(editor, project)
    run_worker()
    filescan.file_scan_approve(actor=dpo, scan=FileScan.objects.get(), note="Geprüft.")
    contract_services.contract_transition(
        actor=editor, contract=contract, to=ContractStatus.PUBLISHED
    )
    url = f"/vertraege/{contract.pk}/oeffentliche-fassung.pdf"
    assert client_for(None).get(url).status_code == 200
    contract.public_document.save("fassung-2.pdf", ContentFile(PDF + b"neu"), save=False)
    contract_services.contract_save(actor=editor, contract=contract, projects=[project])
    assert client_for(None).get(url).status_code == 404
    assert "noch nicht" not in client_for(None).get(contract.get_absolute_url()).content.decode()
    assert client_for(editor).get(url).status_code == 200


# --- the charter's gates ---------------------------------------------------------------


def test_a_contract_goes_to_the_council_only_with_the_charter(
    editor: User, project: Project
) -> None:
    contract = Contract(
        title="Cloud-Vertrag",
        data_owner=DataOwner.VENDOR,
        council_body="Rat",
        meeting_date=timezone.localdate() + timedelta(days=90),
    )
    contract_services.contract_save(actor=editor, contract=contract, projects=[project])
    contract_services.contract_transition(
        actor=editor, contract=contract, to=ContractStatus.PUBLISHED
    )
    later = timezone.localdate() + timedelta(days=60)
    with pytest.raises(GateRefusedError) as refusal:
        contract_services.contract_transition(
            actor=editor, contract=contract, to=ContractStatus.DELIBERATION, today=later
        )
    assert {finding.principle for finding in refusal.value.findings} >= {"P2"}
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PUBLISHED


def test_a_project_decision_asks_the_charter(editor: User, project: Project) -> None:
    for status in (ProjectStatus.PLANNING, ProjectStatus.CONSULTATION):
        registry_services.project_transition(actor=editor, project=project, to=status)
    with pytest.raises(GateRefusedError) as refusal:
        registry_services.project_transition(
            actor=editor, project=project, to=ProjectStatus.DECISION
        )
    assert refusal.value.findings
    project.refresh_from_db()
    assert project.status == ProjectStatus.CONSULTATION


# --- a dataset asks the charter too (no council override: the DPO's path is the way) ----

AGGREGATE = b"leistung,antraege\nWohngeld,120\nElterngeld,87\n"
P1_REFUSAL = "P1: Das Projekt verarbeitet personenbezogene Daten"


def _processes_personal_data(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(processes_personal_data=True)


def test_a_dataset_is_published_only_with_the_charter(
    dataset: Dataset, editor: User, project: Project, client_for: ClientFor
) -> None:
    _processes_personal_data(project)
    _add_file(editor, dataset, "patienten.csv", patients_csv(rows=40))
    with pytest.raises(ValidationError) as refusal:
        opendata_services.dataset_publish(actor=editor, dataset=dataset)
    assert any(message.startswith(P1_REFUSAL) for message in refusal.value.messages)
    # The dataset's page shows the charter's finding with the other problems.
    response = client_for(editor).post(f"/daten/{dataset.name}/veroeffentlichen/")
    assert response.status_code == 400
    assert P1_REFUSAL in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.published_at is None


def test_a_withdrawn_dataset_is_published_again_only_with_the_charter(
    dataset: Dataset, editor: User, project: Project, run_worker: Callable[[], None]
) -> None:
    _processes_personal_data(project)
    _add_file(editor, dataset, "antraege.csv", AGGREGATE)
    run_worker()
    opendata_services.dataset_publish(actor=editor, dataset=dataset)
    opendata_services.dataset_withdraw(actor=editor, dataset=dataset, reason="Neue Zahlen.")
    _add_file(editor, dataset, "patienten.csv", patients_csv(rows=40))
    with pytest.raises(ValidationError, match=P1_REFUSAL):
        opendata_services.dataset_publish(actor=editor, dataset=dataset)
    dataset.refresh_from_db()
    assert dataset.withdrawn_at is not None


def test_a_clean_aggregate_of_a_project_with_personal_data_is_published(
    dataset: Dataset,
    editor: User,
    project: Project,
    charter: CharterVersion,
    run_worker: Callable[[], None],
) -> None:
    _processes_personal_data(project)
    aggregate = _add_file(editor, dataset, "antraege.csv", AGGREGATE)
    run_worker()
    scan = filescan.current_scan(aggregate, "file")
    assert scan is not None and scan.state == ScanState.CLEAN
    opendata_services.dataset_publish(actor=editor, dataset=dataset)
    assert _public(aggregate)
    project.refresh_from_db()
    found = {f.rule: f.status for f in evaluate(project, charter)}
    assert found["datasets-anonymized"] == Status.MET
