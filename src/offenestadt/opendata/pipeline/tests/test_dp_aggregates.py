"""Differentially private counts instead of a table: the editor chooses the mode on the model
form, the worker writes only noisy counts and sums per public category, the DPO sees the mode
and epsilon, and the published file says how it was protected."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.pipeline_support import DIAGNOSES, patients_csv, read_csv

ClientFor = Callable[[User | None], Client]
RAW = patients_csv()
RAW_ROWS = read_csv(RAW)
# Columns 0 and 1 (name, email) are the scan's direct identifiers.
ROLES = {f"role_{i}": "keep" for i in range(5)} | {f"generalisation_{i}": "mask" for i in range(5)}


@pytest.fixture
def upload(editor: User, office: Office) -> RawUpload:
    dataset = Dataset.objects.create(
        name="behandlungen",
        title="Behandlungen in der Stadtklinik",
        description="Behandlungen nach Diagnose.",
        publisher=office,
        contact_name="Stadtklinik",
        contact_email="klinik@example.org",
    )
    return pipeline.upload_create(
        actor=editor, dataset=dataset, file=SimpleUploadedFile("patienten.csv", RAW)
    )


def dp_model(**changes: str) -> dict[str, str]:
    return (
        ROLES
        | {
            "mode": "dp-aggregates",
            "k": "5",
            "suppression": "2",
            "epsilon": "1",
            "group_by": "diagnose",
            "categories": "\n".join(DIAGNOSES),
            "sum_column": "alter",
            "sum_lower": "0",
            "sum_upper": "120",
        }
        | changes
    )


def configure(client: Client, upload: RawUpload, model: dict[str, str]) -> Any:
    return client.post(reverse("pipeline:configure", args=[upload.pk]), model)


def test_the_published_file_holds_noisy_counts_and_sums_only(
    editor: User,
    dpo: User,
    upload: RawUpload,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,
    run_worker: Callable[[], None],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = configure(client_for(editor), upload, dp_model())
    assert started.status_code == 302
    run_worker()
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.REVIEW, upload.error

    page = client_for(dpo).get(reverse("pipeline:detail", args=[upload.pk])).content.decode()
    assert "Differenziell private Zählungen" in page
    assert "<dt>Epsilon</dt><dd>1</dd>" in page
    assert "Höchstes Risiko eines Datensatzes" not in page

    pipeline.upload_approve(actor=dpo, upload=upload)
    distribution = pipeline.upload_publish(actor=editor, upload=upload)
    with distribution.file.open("rb") as stream:
        content = stream.read()
    rows = read_csv(content)
    assert list(rows[0]) == ["diagnose", "anzahl", "summe_alter"]
    assert [row["diagnose"] for row in rows] == list(DIAGNOSES)
    assert all(int(row["anzahl"]) >= 0 for row in rows)
    text = content.decode()
    for raw in RAW_ROWS:
        assert raw["name"] not in text
        assert raw["email"] not in text
    assert "@" not in text

    assert "differenziell privat" in distribution.provenance
    assert "Laplace-Mechanismus, epsilon = 1.0" in distribution.provenance
    assert "Summen von alter" in distribution.provenance
    note = Distribution.objects.get().anonymization
    assert note["mode"] == "dp-aggregates"
    assert note["epsilon"] == 1.0
    assert "Laplace" in note["mechanism"]


@pytest.mark.parametrize("epsilon", ["0,05", "7"])
def test_an_epsilon_out_of_range_is_refused_in_german(
    editor: User, upload: RawUpload, client_for: ClientFor, epsilon: str
) -> None:
    response = configure(client_for(editor), upload, dp_model(epsilon=epsilon))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_epsilon_error"' in page
    assert "Dieser Wert muss" in page
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.SCANNED


def test_a_direct_identifier_cannot_be_counted_and_categories_are_needed(
    editor: User, upload: RawUpload, client_for: ClientFor
) -> None:
    client = client_for(editor)
    named = configure(client, upload, dp_model(group_by="name")).content.decode()
    assert '<option value="name"' not in named
    assert "name ist keine gültige Auswahl" in named

    empty = configure(client, upload, dp_model(categories="  \n"))
    assert empty.status_code == 400
    assert "Geben Sie mindestens eine Kategorie an." in empty.content.decode()

    backwards = configure(client, upload, dp_model(sum_lower="50", sum_upper="10"))
    assert backwards.status_code == 400
    assert "Untergrenze der Summe muss unter der Obergrenze" in backwards.content.decode()
