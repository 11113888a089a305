"""The pipeline's pages: raw data stays with the publishing office, the DPO and administrators;
nobody else reaches any of its addresses, and no address serves the raw file."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from offenestadt.accounts.models import Office, User
from offenestadt.core.worker import beat
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.pipeline_support import (
    patients_csv,
    read_csv,
)
from offenestadt.processing.platform import platform_register_ensure

NO_WORKER = "Der Hintergrunddienst hat sich seit über einer Minute nicht gemeldet"

ClientFor = Callable[[User | None], Client]
RAW = patients_csv()
RAW_ROWS = read_csv(RAW)


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


def scanned(editor: User, dataset: Dataset) -> RawUpload:
    return pipeline.upload_create(
        actor=editor, dataset=dataset, file=SimpleUploadedFile("patienten.csv", RAW)
    )


def in_review(editor: User, dataset: Dataset, k: int = 5) -> RawUpload:
    upload = scanned(editor, dataset)
    config = upload.config | {"k": k}
    config["columns"]["alter"]["generalisation"] = "intervals"
    config["columns"]["plz"]["generalisation"] = "postcode"
    pipeline.upload_configure(actor=editor, upload=upload, config=config)
    pipeline.upload_run(actor=editor, upload=upload)
    upload = pipeline.anonymize_now(upload)
    assert upload.status == PipelineStatus.REVIEW, upload.error
    return upload


def upload_addresses(upload: RawUpload) -> dict[str, str]:
    """The addresses of one upload, with the method each answers to."""
    return {
        reverse("pipeline:detail", args=[upload.pk]): "get",
        reverse("pipeline:detail", args=[upload.pk]) + "?verfolgen=1": "get",
        reverse("pipeline:configure", args=[upload.pk]): "post",
        reverse("pipeline:review", args=[upload.pk]): "post",
        reverse("pipeline:publish", args=[upload.pk]): "post",
    }


def addresses(upload: RawUpload) -> dict[str, str]:
    """Every address of the pipeline."""
    return {
        reverse("pipeline:list"): "get",
        reverse("pipeline:create") + f"?datensatz={upload.dataset.name}": "get",
        reverse("pipeline:create"): "post",
    } | upload_addresses(upload)


def assert_no_raw_data(content: bytes) -> None:
    text = content.decode()
    for row in RAW_ROWS:
        assert row["name"] not in text
        assert row["email"] not in text


@pytest.mark.parametrize("who", ["anonymous", "resident", "council"])
def test_outside_the_administration_no_pipeline_address_exists(
    who: str, people: dict[str, User | None], client_for: ClientFor, dataset: Dataset
) -> None:
    upload = in_review(people["editor"], dataset)  # type: ignore[arg-type]
    client = client_for(people[who])
    for address, method in addresses(upload).items():
        response = getattr(client, method)(address, {"decision": "approve", "k": 2})
        assert response.status_code == 404, (who, address, response.status_code)
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.REVIEW


def test_an_editor_of_another_office_does_not_reach_the_upload(
    other_editor: User, editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    upload = in_review(editor, dataset)
    client = client_for(other_editor)
    for address, method in upload_addresses(upload).items():
        response = getattr(client, method)(address, {"decision": "approve", "k": 2})
        assert response.status_code in (403, 404), (address, response.status_code)
    listing = client.get(reverse("pipeline:list"))
    assert listing.status_code == 200
    assert b"patienten.csv" not in listing.content
    # The upload form offers only the office's own datasets.
    form = client.get(reverse("pipeline:create") + f"?datensatz={dataset.name}")
    assert form.status_code == 200
    assert dataset.title.encode() not in form.content
    refused = client.post(
        reverse("pipeline:create"),
        {"dataset": dataset.pk, "file": SimpleUploadedFile("x.csv", RAW)},
    )
    assert refused.status_code == 400
    assert RawUpload.objects.count() == 1


def test_the_raw_file_is_served_at_no_address(
    people: dict[str, User | None], client_for: ClientFor, dataset: Dataset, temporary_storage: Path
) -> None:
    upload = in_review(people["editor"], dataset)  # type: ignore[arg-type]
    raw_name = str(upload.file.name)
    assert (temporary_storage / "private" / raw_name).read_bytes() == RAW
    guesses = [
        f"/media/{raw_name}",
        f"/media/private/{raw_name}",
        f"/private/{raw_name}",
        f"/{raw_name}",
        f"/media/{upload.output.name}",
        f"/rohdaten/{upload.pk}/datei/",
        f"/rohdaten/{upload.pk}/{raw_name}",
        f"/daten/{dataset.name}/dateien/{raw_name}",
    ]
    for who, person in people.items():
        client = client_for(person)
        for guess in guesses:
            assert client.get(guess).status_code == 404, (who, guess)
        for address, method in addresses(upload).items():
            if method == "get":
                response = client.get(address)
                assert raw_name.encode() not in response.content
                assert_no_raw_data(response.content)


def test_the_editor_uploads_sees_the_scan_and_starts_the_anonymization(
    editor: User,
    client_for: ClientFor,
    dataset: Dataset,
    django_capture_on_commit_callbacks,
    run_worker: Callable[[], None],
) -> None:
    platform_register_ensure()
    client = client_for(editor)
    form = client.get(reverse("pipeline:create") + f"?datensatz={dataset.name}")
    page = form.content.decode()
    assert form.status_code == 200
    assert f'<option value="{dataset.pk}" selected>' in page
    assert "bleiben vertraulich" in page
    assert "30 Tage" in page

    response = client.post(
        reverse("pipeline:create"),
        {"dataset": dataset.pk, "file": SimpleUploadedFile("patienten.csv", RAW)},
    )
    upload = RawUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pipeline:detail", args=[upload.pk])

    detail = client.get(response["Location"])
    page = detail.content.decode()
    assert "Personenname" in page
    assert "E-Mail-Adresse" in page
    assert "besondere Kategorie" in page
    assert "Anonymisierung starten" in page
    assert 'http-equiv="refresh"' not in page
    assert_no_raw_data(detail.content)

    model = {
        "k": "5",
        "l_diversity": "2",
        "suppression": "2",
        "follow": "on",
        "role_0": "identifier",
        "generalisation_0": "mask",
        "role_1": "identifier",
        "generalisation_1": "mask",
        "role_2": "quasi",
        "generalisation_2": "intervals",
        "role_3": "quasi",
        "generalisation_3": "postcode",
        "role_4": "sensitive",
        "generalisation_4": "mask",
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("pipeline:configure", args=[upload.pk]), model)
    assert started.status_code == 302
    assert started["Location"].endswith("?verfolgen=1")
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.QUEUED
    assert upload.config["suppression"] == pytest.approx(0.02)
    assert upload.config["l"] == 2

    # While the worker has it, the page reloads itself when asked to (and only then).
    waiting = client.get(started["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "<progress" in waiting
    assert "Automatisches Neuladen beenden" in waiting
    assert 'http-equiv="refresh"' not in client.get(upload_url(upload)).content.decode()
    # No worker has reported: the page says so, until one does.
    assert NO_WORKER in waiting
    beat("worker-1", timezone.now())
    assert NO_WORKER not in client.get(started["Location"]).content.decode()

    run_worker()

    done = client.get(started["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert "Ergebnis der Anonymisierung" in done
    assert "Höchstes Risiko eines Datensatzes" in done
    assert "100,0 %" in done  # before: every record unique in some class
    assert "Die ersten 10 Zeilen der anonymisierten Datei" in done
    assert "4479*" in done or "4478*" in done
    assert "Freigeben" not in done  # only the DPO decides
    assert_no_raw_data(done.encode())


def test_the_scan_gives_its_evidence_in_the_pages_language(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    upload = scanned(editor, dataset)
    # Stored as data, worded by the page.
    evidence = {finding["column"]: finding["evidence"][0] for finding in upload.scan}
    assert evidence["email"]["code"] == "values-show-kind"
    assert evidence["email"]["params"]["kind"] == "email"

    client = client_for(editor)
    german = client.get(upload_url(upload)).content.decode()
    assert "von 200 Werten sind E-Mail-Adressen (die Spaltenüberschrift passt dazu)" in german
    assert "enthalten einen häufigen Vor- oder Nachnamen" in german
    assert "values are" not in german
    # (The request leaves its language active: the override puts German back afterwards.)
    with translation.override("en"):
        english = client.get(upload_url(upload)).content.decode()  # /en/rohdaten/…
    assert "of 200 values are e-mail addresses (the header agrees)" in english
    assert "Werten" not in english


def upload_url(upload: RawUpload) -> str:
    return reverse("pipeline:detail", args=[upload.pk])


def test_a_model_with_mistakes_is_shown_again(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    upload = scanned(editor, dataset)
    response = client_for(editor).post(
        reverse("pipeline:configure", args=[upload.pk]),
        {"k": "1", "suppression": "2"}
        | {f"role_{i}": "keep" for i in range(5)}
        | {f"generalisation_{i}": "mask" for i in range(5)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page
    upload.refresh_from_db()
    assert upload.status == PipelineStatus.SCANNED

    no_quasi = client_for(editor).post(
        reverse("pipeline:configure", args=[upload.pk]),
        {"k": "5", "suppression": "2"}
        | {f"role_{i}": "keep" for i in range(5)}
        | {f"generalisation_{i}": "mask" for i in range(5)},
    )
    assert no_quasi.status_code == 400
    assert "mindestens ein Quasi-Identifikator" in no_quasi.content.decode()


def test_the_dpo_sees_what_waits_first_and_decides(
    editor: User, dpo: User, client_for: ClientFor, dataset: Dataset
) -> None:
    waiting = in_review(editor, dataset)
    newer = scanned(editor, dataset)
    client = client_for(dpo)

    listing = client.get(reverse("pipeline:list")).content.decode()
    assert "1 Ergebnis wartet auf Ihre Prüfung." in listing
    first, second = (
        listing.index(upload_url(waiting)),
        listing.index(upload_url(newer)),
    )
    assert first < second
    # The editor sees the newest first.
    editor_listing = client_for(editor).get(reverse("pipeline:list")).content.decode()
    assert editor_listing.index(upload_url(newer)) < editor_listing.index(upload_url(waiting))

    page = client.get(upload_url(waiting)).content.decode()
    assert "Prüfung durch den Datenschutz" in page
    assert "Anonymisierung starten" not in page  # the model is the editor's

    # Returning needs a comment.
    missing = client.post(reverse("pipeline:review", args=[waiting.pk]), {"decision": "return"})
    assert missing.status_code == 400
    assert "was geändert werden muss" in missing.content.decode()
    # The editor cannot decide, and cannot publish before the DPO has.
    editor_client = client_for(editor)
    assert (
        editor_client.post(
            reverse("pipeline:review", args=[waiting.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    # Asked for anyway, even as if confirmed, it is refused at once: no question, nothing added.
    for sent in ({}, {"bestaetigt": "1"}):
        early = editor_client.post(reverse("pipeline:publish", args=[waiting.pk]), sent)
        assert early.status_code == 409
        page = early.content.decode()
        assert page.index("<h1>") < page.index('role="alert" tabindex="-1" autofocus')
        assert "nur, was der Datenschutz freigegeben hat" in page
        assert 'name="bestaetigt"' not in page
    assert not Distribution.objects.exists()

    approved = client.post(
        reverse("pipeline:review", args=[waiting.pk]),
        {"decision": "approve", "comment": "Risiko vertretbar."},
    )
    assert approved.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == PipelineStatus.APPROVED
    assert waiting.reviewed_by == dpo
    # The DPO does not publish: that is the office's step.
    assert client.post(reverse("pipeline:publish", args=[waiting.pk])).status_code == 403

    editor_page = editor_client.get(upload_url(waiting)).content.decode()
    assert "Anonymisierte Datei veröffentlichen" in editor_page
    # Publishing is asked about once more before the file is added.
    asked = editor_client.post(reverse("pipeline:publish", args=[waiting.pk]))
    assert 'name="bestaetigt" value="1"' in asked.content.decode()
    assert not Distribution.objects.exists()
    published = editor_client.post(
        reverse("pipeline:publish", args=[waiting.pk]), {"bestaetigt": "1"}
    )
    assert published.status_code == 302
    distribution = Distribution.objects.get()
    assert distribution.dataset == dataset
    assert "k = 5" in distribution.provenance
    waiting.refresh_from_db()
    assert waiting.status == PipelineStatus.PUBLISHED
    final = editor_client.get(upload_url(waiting)).content.decode()
    assert dataset.get_absolute_url() in final


def test_the_dpo_is_warned_before_approving_when_over_half_the_information_is_lost(
    editor: User, dpo: User, client_for: ClientFor, dataset: Dataset
) -> None:
    fine = in_review(editor, dataset)
    page = client_for(dpo).get(upload_url(fine)).content.decode()
    assert fine.report["loss"] <= 0.5
    assert "hoher Informationsverlust" not in page

    # Groups of 80 out of 200 patients: age and postcode mostly hidden.
    coarse = in_review(editor, dataset, k=80)
    assert coarse.report["loss"] > 0.5
    page = client_for(dpo).get(upload_url(coarse)).content.decode()
    loss = f"{100 * coarse.report['loss']:.1f}".replace(".", ",")
    assert f"gehen {loss} % der Information verloren, mehr als die Hälfte" in page
    # Above the decision, and tied to its button.
    assert page.index("Warnung: hoher Informationsverlust") < page.index('value="approve"')
    assert 'aria-describedby="verlust-warnung">Freigeben' in page


def test_the_dpo_returns_with_a_comment_and_the_editor_sees_it(
    editor: User, dpo: User, client_for: ClientFor, dataset: Dataset
) -> None:
    upload = in_review(editor, dataset)
    response = client_for(dpo).post(
        reverse("pipeline:review", args=[upload.pk]),
        {"decision": "return", "comment": "Bitte das Alter gröber."},
    )
    assert response.status_code == 302
    page = client_for(editor).get(upload_url(upload)).content.decode()
    assert "Bitte das Alter gröber." in page
    assert "Anonymisierung starten" in page


def test_a_failed_run_shows_its_error(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    upload = scanned(editor, dataset)
    pipeline.upload_configure(actor=editor, upload=upload, config=upload.config | {"k": 500})
    pipeline.upload_run(actor=editor, upload=upload)
    upload = pipeline.anonymize_now(upload)
    assert upload.status == PipelineStatus.FAILED
    page = client_for(editor).get(upload_url(upload)).content.decode()
    assert "Die Anonymisierung ist fehlgeschlagen" in page
    assert upload.error.split(":")[0] in page
    assert "Anonymisierung starten" in page


def test_a_file_that_cannot_be_read_is_refused_on_the_form(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    response = client_for(editor).post(
        reverse("pipeline:create"),
        {"dataset": dataset.pk, "file": SimpleUploadedFile("daten.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "CSV-, Parquet- oder Excel-Datei" in response.content.decode()
    assert not RawUpload.objects.exists()


def test_the_dpo_may_not_upload(dpo: User, client_for: ClientFor) -> None:
    assert client_for(dpo).get(reverse("pipeline:create")).status_code == 403


def test_the_list_needs_the_same_queries_for_more_uploads(
    editor: User, dpo: User, client_for: ClientFor, dataset: Dataset
) -> None:
    client = client_for(dpo)

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("pipeline:list")).status_code == 200
        return len(queries)

    RawUpload.objects.create(dataset=dataset, original_name="a.csv", uploaded_by=editor)
    few = queries_for_the_list()
    for _ in range(8):
        RawUpload.objects.create(dataset=dataset, original_name="b.csv", uploaded_by=editor)
    assert queries_for_the_list() == few
