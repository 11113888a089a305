"""The publication pipeline as services: a CSV with personal data goes from raw upload through
scan, anonymization by the background worker and the DPO's review to a public file that holds
no direct identifier and satisfies k-anonymity."""

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from offenestadt.accounts.models import Office, User
from offenestadt.anonymize.io import read_table
from offenestadt.anonymize.risk import risk_report
from offenestadt.audit.models import AuditEntry
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.pipeline_support import (
    patients_csv,
    read_csv,
)


def as_upload(content: bytes, name: str = "patienten.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def dataset(office: Office) -> Dataset:
    return Dataset.objects.create(
        name="behandlungen",
        title="Behandlungen in der Stadtklinik",
        description="Behandlungen nach Altersgruppe, Postleitzahl und Diagnose.",
        publisher=office,
        contact_name="Stadtklinik",
        contact_email="klinik@example.org",
    )


@pytest.fixture
def queue_and_work(
    django_capture_on_commit_callbacks, run_worker: Callable[[], None]
) -> Callable[[Callable[[], object]], None]:
    """Call a service that queues a task, then let the real worker work through the queue."""

    def run(action: Callable[[], object]) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            action()
        run_worker()

    return run


def anonymization_tasks() -> DBTaskResultQuerySet:
    """The worker's anonymization tasks (staff notices are tasks of their own)."""
    return DBTaskResult.objects.filter(task_path="offenestadt.opendata.tasks.anonymize_upload")


def uploaded(editor: User, dataset: Dataset, content: bytes | None = None) -> RawUpload:
    return pipeline.upload_create(
        actor=editor, dataset=dataset, file=as_upload(content or patients_csv())
    )


def anonymized(editor: User, dataset: Dataset, queue_and_work, **model) -> RawUpload:
    upload = uploaded(editor, dataset)
    config = upload.config | model
    config["columns"]["alter"]["generalisation"] = "intervals"
    config["columns"]["plz"]["generalisation"] = "postcode"
    pipeline.upload_configure(actor=editor, upload=upload, config=config)
    queue_and_work(lambda: pipeline.upload_run(actor=editor, upload=upload))
    upload.refresh_from_db()
    return upload


def test_the_scan_finds_the_personal_data_and_suggests_a_model(
    editor: User, dataset: Dataset, temporary_storage: Path
) -> None:
    upload = uploaded(editor, dataset)

    assert upload.status == PipelineStatus.SCANNED
    roles = {finding["column"]: finding["role"] for finding in upload.scan}
    assert roles == {
        "name": "direct identifier",
        "email": "direct identifier",
        "alter": "quasi-identifier",
        "plz": "quasi-identifier",
        "diagnose": "sensitive",
    }
    kinds = {finding["column"]: finding["kinds"] for finding in upload.scan}
    assert kinds["name"] == ["person_name"]
    assert kinds["email"] == ["email"]
    assert all(finding["evidence"] for finding in upload.scan)
    suggested = {name: column["role"] for name, column in upload.config["columns"].items()}
    assert suggested == {
        "name": "identifier",
        "email": "identifier",
        "alter": "quasi",
        "plz": "quasi",
        "diagnose": "sensitive",
    }
    assert upload.config["k"] == 5
    # Stored privately, apart from the public files.
    assert (temporary_storage / "private" / str(upload.file.name)).exists()
    assert not (temporary_storage / "public").exists()


def test_the_whole_way_to_a_public_file_without_personal_data(
    editor: User, dpo: User, dataset: Dataset, queue_and_work, temporary_storage: Path
) -> None:
    upload = anonymized(editor, dataset, queue_and_work, k=5, l=2)

    assert upload.status == PipelineStatus.REVIEW, upload.error
    assert upload.progress == 100
    report = upload.report
    assert report["rows"] == 200
    assert sorted(report["identifiers_removed"]) == ["email", "name"]
    assert report["risk"]["after"]["smallest_class"] >= 5
    assert report["risk"]["after"]["prosecutor"]["highest"] <= 0.2
    assert report["risk"]["before"]["prosecutor"]["highest"] == 1.0
    # The output waits in private storage for the DPO.
    assert str(upload.output.name).startswith("anonymized/")
    assert (temporary_storage / "private" / str(upload.output.name)).exists()
    # The risks, taken from the search's combinations, are those of the two files.
    private = temporary_storage / "private"
    quasi = report["quasi_identifiers"]  # in the order of the stored configuration
    assert sorted(quasi) == ["alter", "plz"]
    assert report["risk"] == {
        "before": risk_report(read_table(private / str(upload.file.name)), quasi),
        "after": risk_report(read_table(private / str(upload.output.name)), quasi),
    }

    pipeline.upload_approve(actor=dpo, upload=upload, comment="Risiko vertretbar.")
    distribution = pipeline.upload_publish(actor=editor, upload=upload)

    upload.refresh_from_db()
    assert upload.status == PipelineStatus.PUBLISHED
    assert upload.distribution == distribution
    assert distribution.dataset == dataset
    assert distribution.format == "CSV"
    assert "k = 5" in distribution.provenance
    assert "l = 2" in distribution.provenance
    assert "email" in distribution.provenance and "name" in distribution.provenance
    assert distribution.anonymization["model"]["k"] == 5
    assert distribution.anonymization["approved"] is True
    # The public file is in public storage; the raw file never left private storage.
    assert (temporary_storage / "public" / str(distribution.file.name)).exists()
    assert not list((temporary_storage / "public").rglob("raw*"))

    with distribution.file.open("rb") as stream:
        content = stream.read()
    rows = read_csv(content)
    raw_rows = read_csv(patients_csv())
    assert len(rows) == 200
    assert set(rows[0]) == {"alter", "plz", "diagnose"}
    text = content.decode()
    for raw in raw_rows:
        assert raw["name"] not in text
        assert raw["email"] not in text
    assert "@" not in text

    # k-anonymity: every released combination of quasi-identifiers occurs at least 5 times
    # (suppressed records carry * in every quasi-identifier and are not released).
    released = [row for row in rows if (row["alter"], row["plz"]) != ("*", "*")]
    classes = Counter((row["alter"], row["plz"]) for row in released)
    assert min(classes.values()) >= 5
    assert 200 - len(released) == upload.report["suppressed"] <= 4
    # l-diversity: at least two diagnoses in every class.
    diagnoses: dict[tuple[str, str], set[str]] = {}
    for row in released:
        diagnoses.setdefault((row["alter"], row["plz"]), set()).add(row["diagnose"])
    assert min(len(values) for values in diagnoses.values()) >= 2


def test_pycanon_agrees_on_k_and_l(
    editor: User, dpo: User, dataset: Dataset, queue_and_work
) -> None:
    import pandas as pd  # type: ignore[import-untyped]
    from pycanon import anonymity  # type: ignore[import-untyped]

    upload = anonymized(editor, dataset, queue_and_work, k=5, l=2)
    with upload.output.open("rb") as stream:
        frame = pd.read_csv(stream, dtype=str)
    # pycanon takes positions for labels: number the released rows afresh.
    released = frame[(frame["alter"] != "*") | (frame["plz"] != "*")].reset_index(drop=True)
    assert anonymity.k_anonymity(released, ["alter", "plz"]) >= 5
    assert anonymity.l_diversity(released, ["alter", "plz"], ["diagnose"]) >= 2


def test_only_the_dpo_approves_and_never_their_own_upload(
    editor: User, dpo: User, administrator: User, dataset: Dataset, queue_and_work
) -> None:
    upload = anonymized(editor, dataset, queue_and_work, k=5)
    for person in (editor, administrator):
        with pytest.raises(PermissionDenied):
            pipeline.upload_approve(actor=person, upload=upload)
        with pytest.raises(PermissionDenied):
            pipeline.upload_return(actor=person, upload=upload, comment="Bitte gröber.")
    # Publishing needs the DPO's approval first.
    with pytest.raises(ValidationError):
        pipeline.upload_publish(actor=editor, upload=upload)

    # A DPO who uploaded it themselves cannot approve it: four eyes.
    RawUpload.objects.filter(pk=upload.pk).update(uploaded_by=dpo)
    upload.refresh_from_db()
    with pytest.raises(PermissionDenied):
        pipeline.upload_approve(actor=dpo, upload=upload)
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.REVIEW


def test_the_dpo_cannot_approve_before_the_result_is_there(
    editor: User, dpo: User, dataset: Dataset
) -> None:
    upload = uploaded(editor, dataset)
    with pytest.raises(PermissionDenied):
        pipeline.upload_approve(actor=dpo, upload=upload)


def test_returning_needs_a_comment_and_the_editor_runs_again(
    editor: User, dpo: User, dataset: Dataset, queue_and_work
) -> None:
    upload = anonymized(editor, dataset, queue_and_work, k=5)
    with pytest.raises(ValidationError):
        pipeline.upload_return(actor=dpo, upload=upload, comment="   ")

    pipeline.upload_return(actor=dpo, upload=upload, comment="Bitte k = 10.")
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.RETURNED
    assert upload.reviewed_by == dpo
    with pytest.raises(ValidationError):
        pipeline.upload_publish(actor=editor, upload=upload)

    pipeline.upload_configure(actor=editor, upload=upload, config=upload.config | {"k": 10})
    queue_and_work(lambda: pipeline.upload_run(actor=editor, upload=upload))
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.REVIEW
    assert upload.report["risk"]["after"]["smallest_class"] >= 10


def test_a_model_nothing_satisfies_ends_failed_with_a_message(
    editor: User, dataset: Dataset, queue_and_work
) -> None:
    upload = anonymized(editor, dataset, queue_and_work, k=500)

    assert upload.status == PipelineStatus.FAILED
    assert upload.error
    assert not upload.output
    assert anonymization_tasks().successful().count() == 1


def test_an_unexpected_error_ends_failed_too(
    editor: User, dataset: Dataset, queue_and_work, monkeypatch: pytest.MonkeyPatch
) -> None:
    from offenestadt.anonymize import engine

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, "anonymize", broken)
    upload = anonymized(editor, dataset, queue_and_work, k=5)

    assert upload.status == PipelineStatus.FAILED
    assert "Protokoll" in upload.error
    assert "disk full" not in upload.error
    assert anonymization_tasks().get().status == "FAILED"


def test_the_worker_runs_the_queued_task(editor: User, dataset: Dataset, queue_and_work) -> None:
    upload = uploaded(editor, dataset)
    config = upload.config
    config["columns"]["alter"]["generalisation"] = "intervals"
    pipeline.upload_configure(actor=editor, upload=upload, config=config)
    with pytest.raises(ValidationError):
        pipeline.upload_publish(actor=editor, upload=upload)

    queue_and_work(lambda: pipeline.upload_run(actor=editor, upload=upload))

    task = anonymization_tasks().get()
    assert task.status == "SUCCESSFUL"
    assert task.task_path == "offenestadt.opendata.tasks.anonymize_upload"
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.REVIEW


def test_queued_but_not_yet_run(editor: User, dataset: Dataset, django_capture_on_commit_callbacks):
    upload = uploaded(editor, dataset)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.upload_run(actor=editor, upload=upload)
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.QUEUED
    assert anonymization_tasks().filter(status="READY").count() == 1
    # Nothing can change the model while the worker has it.
    with pytest.raises(ValidationError):
        pipeline.upload_configure(actor=editor, upload=upload, config=upload.config)


def test_the_privacy_model_is_checked(editor: User, dataset: Dataset) -> None:
    upload = uploaded(editor, dataset)
    columns = upload.config["columns"]
    bad = [
        {"k": 1},
        {"l": 1},
        {"suppression": 0.5},
        {"columns": {**columns, "unbekannt": {"role": "keep", "generalisation": "mask"}}},
        {"columns": {name: {**c, "role": "keep"} for name, c in columns.items()}},
        {"columns": {**columns, "plz": {"role": "sensitive", "generalisation": "mask"}}},
    ]
    for change in bad:
        with pytest.raises(ValidationError):
            pipeline.upload_configure(actor=editor, upload=upload, config=upload.config | change)


def test_only_the_datasets_office_uploads(
    other_editor: User, dpo: User, resident: User, dataset: Dataset
) -> None:
    for person in (other_editor, dpo, resident):
        with pytest.raises(PermissionDenied):
            uploaded(person, dataset)
    assert not RawUpload.objects.exists()


def test_an_unreadable_file_is_refused_and_not_kept(
    editor: User, dataset: Dataset, temporary_storage: Path
) -> None:
    with pytest.raises(ValidationError):
        pipeline.upload_create(
            actor=editor, dataset=dataset, file=as_upload(b"PK\x03\x04", name="daten.pdf")
        )
    with pytest.raises(ValidationError):
        pipeline.upload_create(
            actor=editor, dataset=dataset, file=as_upload(b"a,b\n1,2,3\n4\n", name="kaputt.csv")
        )
    assert not RawUpload.objects.exists()
    # No raw file is left behind in private storage without a record (and so without deletion).
    assert not [path for path in (temporary_storage / "private").rglob("*") if path.is_file()]


def test_every_step_is_in_the_audit_trail(
    editor: User, dpo: User, dataset: Dataset, queue_and_work
) -> None:
    upload = anonymized(editor, dataset, queue_and_work, k=5)
    pipeline.upload_approve(actor=dpo, upload=upload)
    pipeline.upload_publish(actor=editor, upload=upload)
    entries = AuditEntry.objects.for_record(upload).order_by("seq")
    statuses = [entry.changes.get("status", [None, None])[1] for entry in entries]
    for status in ("scanned", "queued", "review", "approved", "published"):
        assert status in statuses
    assert not any(entry.is_public for entry in entries)


def test_the_published_file_is_named_after_the_dataset_not_the_raw_file(
    editor: User, dpo: User, dataset: Dataset, temporary_storage: Path
) -> None:
    # A raw file's name may itself be personal data.
    upload = pipeline.upload_create(
        actor=editor,
        dataset=dataset,
        file=as_upload(patients_csv(), name="mitarbeiter_mueller_2024.csv"),
    )
    pipeline.upload_run(actor=editor, upload=upload)
    upload = pipeline.anonymize_now(upload)
    pipeline.upload_approve(actor=dpo, upload=upload)
    distribution = pipeline.upload_publish(actor=editor, upload=upload)

    public_name = Path(str(distribution.file.name)).name
    assert public_name.startswith("behandlungen-anonymisiert")
    assert public_name.endswith(".csv")
    assert "mueller" not in str(upload.output.name)
    published = [path.name for path in (temporary_storage / "public").rglob("*") if path.is_file()]
    assert published and not [name for name in published if "mueller" in name]
    assert "mueller" not in distribution.provenance
