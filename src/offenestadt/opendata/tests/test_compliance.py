"""Only anonymized data leaves (P1); what is published carries an open licence (P2)."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.models import CharterVersion
from offenestadt.core.retention import OPEN_DATA
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.filescan.models import FileScan, ScanState
from offenestadt.opendata.pipeline.models import RawUpload
from offenestadt.opendata.tests.factories import DatasetFactory
from offenestadt.processing.retention import retention_enforce
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def make_dataset(office: Office, *, personal: bool, published: bool = True) -> Dataset:
    dataset = DatasetFactory.create(
        name="messwerte",
        title="Messwerte",
        publisher=office,
        published_at=timezone.now() if published else None,
    )
    dataset.projects.add(ProjectFactory.create(office=office, processes_personal_data=personal))
    return dataset


def status(dataset: Dataset, charter: CharterVersion, rule: str) -> Status:
    return next(f.status for f in evaluate(dataset, charter) if f.rule == rule)


def _file(dataset: Dataset, name: str, state: ScanState | None, **scan: object) -> Distribution:
    """A distribution holding a stored file, with a check of it in ``state`` (None: none)."""
    distribution = Distribution(dataset=dataset, title=name, format="CSV")
    distribution.file.save(f"{name}.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    distribution.save()
    if state is not None:
        FileScan.objects.create(
            content_type=ContentType.objects.get_for_model(Distribution),
            object_id=distribution.pk,
            field_name="file",
            file_name=str(distribution.file.name),
            state=state,
            **scan,
        )
    return distribution


@pytest.mark.usefixtures("temporary_storage")
@pytest.mark.parametrize(
    ("state", "scan"),
    [
        (ScanState.CLEAN, {}),
        (ScanState.ANONYMIZED, {}),
        (ScanState.NOT_SCANNABLE, {"approved_at": timezone.now()}),
        (ScanState.PERSONAL_DATA, {"approved_at": timezone.now()}),  # quasi-ids, DPO cleared
    ],
)
def test_cleared_files_of_a_project_with_personal_data_meet_p1(
    office: Office, charter: CharterVersion, state: ScanState, scan: dict[str, object]
) -> None:
    dataset = make_dataset(office, personal=True, published=False)
    _file(dataset, "Zahlen je Stadtteil", state, **scan)
    Distribution.objects.create(
        dataset=dataset, title="Anderswo", format="CSV", access_url="https://example.org/x.csv"
    )
    assert status(dataset, charter, "anonymized-before-publication") == Status.MET
    project = dataset.projects.get()
    found = next(f for f in evaluate(project, charter) if f.rule == "datasets-anonymized")
    assert found.status == Status.MET


@pytest.mark.usefixtures("temporary_storage")
@pytest.mark.parametrize(
    "state", [None, ScanState.PENDING, ScanState.PERSONAL_DATA, ScanState.NOT_SCANNABLE]
)
def test_files_not_cleared_hold_back_data_of_a_project_with_personal_data(
    office: Office, charter: CharterVersion, state: ScanState | None
) -> None:
    dataset = make_dataset(office, personal=True, published=False)
    _file(dataset, "Zahlen je Stadtteil", ScanState.CLEAN)
    _file(dataset, "Patientenliste", state)
    finding = next(
        f for f in evaluate(dataset, charter) if f.rule == "anonymized-before-publication"
    )
    assert finding.status == Status.MISSING  # not yet out: unproven, not violated
    assert "Patientenliste" in finding.message.de
    assert "Zahlen je Stadtteil" not in finding.message.de
    Dataset.objects.filter(pk=dataset.pk).update(published_at=timezone.now())
    dataset.refresh_from_db()
    assert status(dataset, charter, "anonymized-before-publication") == Status.VIOLATED


@pytest.mark.usefixtures("temporary_storage")
def test_a_replaced_file_needs_its_own_check_whatever_its_anonymization_note_says(
    office: Office, charter: CharterVersion
) -> None:
    dataset = make_dataset(office, personal=True, published=False)
    distribution = _file(dataset, "Ergebnis", ScanState.ANONYMIZED)
    distribution.anonymization = {"approved": True, "model": {"k": 5}}
    distribution.file.save("ersetzt.csv", ContentFile(b"name\nErika\n"), save=False)
    distribution.save()
    assert status(dataset, charter, "anonymized-before-publication") == Status.MISSING


def test_a_dataset_without_files_publishes_nothing_personal(
    office: Office, charter: CharterVersion
) -> None:
    dataset = make_dataset(office, personal=True)
    assert status(dataset, charter, "anonymized-before-publication") == Status.NOT_APPLICABLE


def test_data_without_personal_data_needs_no_anonymization(
    office: Office, charter: CharterVersion
) -> None:
    dataset = make_dataset(office, personal=False)
    assert status(dataset, charter, "anonymized-before-publication") == Status.NOT_APPLICABLE


def test_a_published_distribution_without_licence_is_a_violation(
    office: Office, charter: CharterVersion
) -> None:
    dataset = make_dataset(office, personal=False)
    Distribution.objects.create(
        dataset=dataset, title="Datei", format="CSV", access_url="https://example.org/x.csv"
    )
    assert status(dataset, charter, "distributions-licensed") == Status.MET
    Dataset.objects.filter(pk=dataset.pk).update(licence="")
    dataset.refresh_from_db()
    assert status(dataset, charter, "distributions-licensed") == Status.VIOLATED
    found = next(
        f for f in evaluate(dataset.projects.get(), charter) if f.rule == "datasets-licensed"
    )
    assert (found.status, "Messwerte" in found.message.de) == (Status.VIOLATED, True)


def test_a_draft_without_licence_is_missing_not_said_to_be_published(
    office: Office, charter: CharterVersion
) -> None:
    dataset = make_dataset(office, personal=False, published=False)
    Distribution.objects.create(
        dataset=dataset, title="Datei", format="CSV", access_url="https://example.org/x.csv"
    )
    Dataset.objects.filter(pk=dataset.pk).update(licence="")
    dataset.refresh_from_db()
    finding = next(f for f in evaluate(dataset, charter) if f.rule == "distributions-licensed")
    assert finding.status == Status.MISSING
    assert "veröffentlicht" not in finding.message.de


def test_raw_uploads_are_deleted_when_their_retention_ends(office: Office) -> None:
    dataset = make_dataset(office, personal=True, published=False)
    old, fresh = (
        RawUpload.objects.create(dataset=dataset, original_name=f"{name}.csv")
        for name in ("alt", "neu")
    )
    for upload in (old, fresh):
        upload.file.save(f"{upload.original_name}", ContentFile(b"name\nErika\n"))
    RawUpload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(days=31))
    storage, old_name = old.file.storage, str(old.file.name)
    run = retention_enforce(now=timezone.now())
    assert list(RawUpload.objects.values_list("original_name", flat=True)) == ["neu.csv"]
    assert not storage.exists(old_name)
    assert run.counts[f"{OPEN_DATA}/raw-uploads"] == 1
    # Deleted through the audit trail: `offenestadt audit verify` finds no record gone silently.
    (deletion,) = AuditEntry.objects.filter(object_type="opendata.rawupload", action="delete")
    assert (deletion.object_id, deletion.actor_role) == (str(old.pk), "system")
