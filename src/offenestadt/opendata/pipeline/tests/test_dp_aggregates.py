"""Differentially private counts instead of a table: the editor chooses the mode on the model
form, the worker writes only noisy counts and sums per public category, the DPO sees the mode
and epsilon, and the published file says how it was protected."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Distribution
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.factories import DatasetFactory
from offenestadt.opendata.tests.pipeline_support import DIAGNOSES, patients_csv, read_csv

ClientFor = Callable[[User | None], Client]
RAW = patients_csv()
RAW_ROWS = read_csv(RAW)
# Columns 0 and 1 (name, email) are the scan's direct identifiers.
ROLES = {f"role_{i}": "keep" for i in range(5)} | {f"generalisation_{i}": "mask" for i in range(5)}


@pytest.fixture
def upload(editor: User, office: Office) -> RawUpload:
    dataset = DatasetFactory.create(
        name="behandlungen", title="Behandlungen in der Stadtklinik", publisher=office
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
    assert "Epsilon muss zwischen 0,1 und 5 liegen." in page
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


BOUND_LIMIT = "Die Grenzen der Summe liegen zwischen -1.000.000.000.000 und 1.000.000.000.000."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sum_upper", "1e400", BOUND_LIMIT),  # a float of it is infinite: no JSON holds it
        ("sum_upper", "9" * 2_000_000, BOUND_LIMIT),
        ("sum_upper", str(2**63), BOUND_LIMIT),  # beyond a whole-number sum
        ("sum_lower", str(-(2**63)), BOUND_LIMIT),
        ("sum_upper", "NaN", "Bitte eine Zahl eingeben."),
        ("sum_lower", "-inf", "Bitte eine Zahl eingeben."),
        ("sum_lower", "1\x00", "Bitte eine Zahl eingeben."),
        ("epsilon", "-0", "Epsilon muss zwischen 0,1 und 5 liegen."),
        ("epsilon", "1e400", "Epsilon muss zwischen 0,1 und 5 liegen."),
        ("categories", "x" * 201, "Eine Kategorie hat höchstens 200 Zeichen"),
        ("categories", "\n".join(map(str, range(1001))), "höchstens 1.000 Kategorien"),
        ("categories", "Asthma\x00", "Nullzeichen sind nicht erlaubt."),
    ],
)
def test_a_hostile_value_gets_a_german_field_error_and_nothing_is_stored(
    editor: User, upload: RawUpload, client_for: ClientFor, field: str, value: str, message: str
) -> None:
    before = upload.config
    response = configure(client_for(editor), upload, dp_model(**{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    error = page[page.index(f'id="id_{field}_error"') :]
    error = error[: error.index("</")]
    assert message in error
    # one error says what to fix: no second one asking for what was given
    for given in ("Geben Sie epsilon an", "mindestens eine Kategorie", "beide Grenzen"):
        assert given not in error
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.SCANNED
    assert upload.config == before


@pytest.mark.parametrize("bounds", [[0.0, float("inf")], [float("nan"), 1.0], [0, 2**63]])
def test_the_service_refuses_bounds_no_sum_can_use(
    editor: User, upload: RawUpload, bounds: list[float]
) -> None:
    model = {
        "mode": "dp-aggregates",
        "epsilon": 1.0,
        "group_by": "diagnose",
        "categories": list(DIAGNOSES),
        "sum_column": "alter",
        "bounds": bounds,
    }
    with pytest.raises(ValidationError, match="Grenzen der Summe liegen zwischen"):
        pipeline.upload_configure(actor=editor, upload=upload, config=model)


@pytest.fixture
def amounts(editor: User, office: Office) -> RawUpload:
    """Amounts in euros and cents per district: decimals, summed within whole-number bounds."""
    dataset = DatasetFactory.create(
        name="zuschuesse", title="Zuschüsse nach Bezirk", publisher=office
    )
    rows = "".join(f"{('Mitte', 'Nord')[i % 2]},{i}.50\n" for i in range(40))
    return pipeline.upload_create(
        actor=editor,
        dataset=dataset,
        file=SimpleUploadedFile("zuschuesse.csv", f"bezirk,betrag\n{rows}".encode()),
    )


def test_decimals_are_summed_within_whole_number_bounds(
    editor: User,
    amounts: RawUpload,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,
    run_worker: Callable[[], None],
) -> None:
    model = {"role_0": "keep", "role_1": "keep", "generalisation_0": "mask"} | {
        "generalisation_1": "mask",
        "mode": "dp-aggregates",
        "suppression": "0",
        "epsilon": "1",
        "group_by": "bezirk",
        "categories": "Mitte\nNord",
        "sum_column": "betrag",
        "sum_lower": "0",
        "sum_upper": "100",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert configure(client_for(editor), amounts, model).status_code == 302
    run_worker()
    amounts.refresh_from_db()
    assert amounts.status == PipelineStatus.REVIEW, amounts.error


def test_a_column_of_words_is_not_summed_and_the_editor_is_told_in_german(
    editor: User,
    upload: RawUpload,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,
    run_worker: Callable[[], None],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        configure(client_for(editor), upload, dp_model(sum_column="diagnose"))
    run_worker()
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.FAILED
    assert "Die Spalte diagnose enthält Werte, die keine Zahlen sind" in upload.error
