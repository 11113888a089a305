"""Every upload has one size limit (UPLOAD_MAX_BYTES): a file above it is refused with both
sizes named, a request above what any form accepts gets 413 before it is read, and nothing is
stored either way."""

import importlib
import json
import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client, override_settings

import offenestadt
from offenestadt.accounts.models import Office, User
from offenestadt.contracts.models import Contract
from offenestadt.core.uploads import UploadField
from offenestadt.opendata.models import Dataset, Distribution, RawUpload
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
LIMIT = 1024
TOO_LARGE = b"a;b\n" + b"1;2\n" * 500  # 2,004 bytes


@pytest.fixture(autouse=True)
def small_limit(temporary_storage: Path) -> Iterator[None]:
    with override_settings(UPLOAD_MAX_BYTES=LIMIT):
        yield


@pytest.fixture
def dataset(office: Office) -> Dataset:
    return Dataset.objects.create(
        name="messwerte",
        title="Messwerte",
        description="Messwerte der Stadt.",
        publisher=office,
        contact_name="Umweltamt",
        contact_email="umwelt@example.org",
    )


def _forms() -> Iterator[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(offenestadt.__path__, "offenestadt."):
        if "forms" in module.name.rsplit(".", 1)[-1] and ".tests" not in module.name:
            importlib.import_module(module.name)
    seen: set[type[forms.BaseForm]] = set()
    todo = [forms.BaseForm]
    while todo:
        for form in todo.pop().__subclasses__():
            if form not in seen:
                seen.add(form)
                todo.append(form)
    yield from (form for form in seen if form.__module__.startswith("offenestadt."))


def test_every_upload_field_of_every_form_has_the_size_limit() -> None:
    uploads = {
        f"{form.__module__}.{form.__name__}.{name}": type(field)
        for form in _forms()
        for name, field in form.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.FileField)
    }
    assert len(uploads) >= 4  # raw data, a dataset's file, a contract's two documents
    assert {name: field for name, field in uploads.items() if field is not UploadField} == {}


def _text(response: HttpResponseBase) -> str:
    """The page with the no-break spaces of sizes ("2,0\u00a0KB") as plain ones."""
    return str(response.content.decode()).replace("\xa0", " ")  # type: ignore[attr-defined]


def _refused_for_size(response: HttpResponseBase) -> str:
    page = _text(response)
    assert response.status_code == 400
    assert "Die Datei ist 2,0 KB groß; erlaubt sind höchstens 1,0 KB." in page
    return page


def test_a_raw_upload_above_the_limit_is_refused_naming_both_sizes(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    client = client_for(editor)
    assert "Höchstens 1,0 KB." in _text(client.get("/rohdaten/neu/"))
    response = client.post(
        "/rohdaten/neu/",
        {"dataset": dataset.pk, "file": SimpleUploadedFile("messwerte.csv", TOO_LARGE)},
    )
    _refused_for_size(response)
    assert not RawUpload.objects.exists()


def test_a_dataset_file_above_the_limit_is_refused(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    response = client_for(editor).post(
        "/daten/messwerte/dateien/neu/",
        {
            "title": "Messwerte",
            "upload": SimpleUploadedFile("messwerte.csv", TOO_LARGE),
            "no_personal_data": "on",
        },
    )
    _refused_for_size(response)
    assert not Distribution.objects.exists()


def test_a_contract_document_above_the_limit_is_refused(
    editor: User, client_for: ClientFor, office: Office
) -> None:
    project = ProjectFactory.create(office=office)
    response = client_for(editor).post(
        "/vertraege/neu/",
        {
            "title": "Vertrag (Test)",
            "currency": "EUR",
            "projects": [project.pk],
            "public_document": SimpleUploadedFile("fassung.pdf", b"%PDF-1.4\n" + TOO_LARGE[9:]),
        },
    )
    _refused_for_size(response)
    assert not Contract.objects.exists()


def test_the_message_follows_the_language_of_the_page(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    response = client_for(editor).post(
        "/en/rohdaten/neu/",
        {"dataset": dataset.pk, "file": SimpleUploadedFile("messwerte.csv", TOO_LARGE)},
    )
    assert response.status_code == 400
    assert "2.0 KB" in _text(response)  # the English number format


def test_a_request_larger_than_any_form_takes_is_answered_413_unread(
    editor: User, client_for: ClientFor, dataset: Dataset
) -> None:
    client = client_for(editor)
    huge = str(LIMIT + 2_621_440 + 1)
    response = client.post(
        "/rohdaten/neu/",
        {"dataset": dataset.pk, "file": SimpleUploadedFile("messwerte.csv", b"a;b\n1;2\n")},
        CONTENT_LENGTH=huge,
    )
    assert response.status_code == 413
    page = _text(response)
    assert "Die Anfrage ist 2,5 MB groß; Dateien dürfen höchstens 1,0 KB groß sein." in page
    assert response["Connection"] == "close"
    assert not RawUpload.objects.exists()

    api = Client().post(
        "/api/v1/votes/1/ballots", b"{}", content_type="application/json", CONTENT_LENGTH=huge
    )
    assert api.status_code == 413
    assert "1,0\xa0KB" in api.json()["detail"]


def test_the_limit_comes_from_the_environment(tmp_path: Path) -> None:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_UNPACKED_BYTES]))"
    )

    def limits(**env: str) -> list[int]:
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={
                "PATH": "/usr/bin:/bin",
                "OFFENESTADT_DATA_DIR": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "offenestadt.settings",
                "SECRET_KEY": "x" * 50,
            }
            | env,
            capture_output=True,
            text=True,
            check=True,
        )
        return list(json.loads(result.stdout))

    assert limits() == [50 * 1024 * 1024, 256 * 1024 * 1024]
    assert limits(UPLOAD_MAX_BYTES="1000", UPLOAD_MAX_UNPACKED_BYTES="5000") == [1000, 5000]
