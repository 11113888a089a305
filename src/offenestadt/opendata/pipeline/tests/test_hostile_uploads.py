"""Raw data and dataset files a careless or hostile editor uploads: each is refused on the form
(400, like every other form) with a message in the page's language that says what to fix and
shows no path of the server; nothing is stored."""

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.anonymize.io import TableError
from offenestadt.anonymize.tests.workbooks import ROW, workbook
from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.pipeline.models import RawUpload
from offenestadt.opendata.pipeline.services import table_problem

ClientFor = Callable[[User | None], Client]
PEOPLE = "name;alter;plz\nAnna;34;44787\nBen;35;44789\n"


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    return temporary_storage


@pytest.fixture
def dataset(office: Office) -> Dataset:
    return Dataset.objects.create(
        name="behandlungen",
        title="Behandlungen",
        description="Behandlungen nach Alter.",
        publisher=office,
        contact_name="Stadtklinik",
        contact_email="klinik@example.org",
    )


def _upload(client: Client, dataset: Dataset, name: str, content: bytes) -> str:
    response = client.post(
        "/rohdaten/neu/", {"dataset": dataset.pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert not RawUpload.objects.exists()
    page = response.content.decode()
    _no_server_path(page)
    return page


def _no_server_path(text: str) -> None:
    temporary = tempfile.gettempdir()
    for internal in (
        "offenestadt-raw-",
        "offenestadt-anonymize-",
        temporary,
        str(settings.DATA_DIR),
    ):
        assert internal not in text


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x00\x01\x02binary" * 100, "Binärdaten"),
        (PEOPLE.replace("\n", "\r").encode(), "nur mit einem Wagenrücklauf"),
        (b"name;alter\nAn\rna;34\n", "Zeile 2 enthält einen Wagenrücklauf"),
        (b"", "leer"),
    ],
)
def test_a_raw_file_that_is_no_readable_csv_is_refused_on_the_form(
    editor: User, client_for: ClientFor, dataset: Dataset, content: bytes, says: str
) -> None:
    page = _upload(client_for(editor), dataset, "rohdaten.csv", content or b"")
    assert says in page


def test_a_workbook_bomb_is_refused_before_it_is_read(
    editor: User, client_for: ClientFor, dataset: Dataset, tmp_path: Path
) -> None:
    bomb = workbook(tmp_path / "bomb.xlsx", sheet_xml_rows=80_000, row=ROW).read_bytes()
    page = _upload(client_for(editor), dataset, "rohdaten.xlsx", bomb)
    assert "Speichern Sie das Tabellenblatt als CSV" in page


def test_the_library_s_message_loses_its_path_on_the_web() -> None:
    error = TableError("/srv/offenestadt/private/raw/x.csv", "line 3: 2 fields", code="ragged")
    message = table_problem(error)
    assert "line 3: 2 fields" in message
    assert "/srv" not in message


def test_a_dataset_file_of_binary_data_named_csv_is_refused_on_the_form(
    editor: User, client_for: ClientFor, dataset: Dataset, tmp_path: Path
) -> None:
    spreadsheet = workbook(tmp_path / "tabelle.xlsx").read_bytes()
    response = client_for(editor).post(
        "/daten/behandlungen/dateien/neu/",
        {
            "title": "Behandlungen",
            "upload": SimpleUploadedFile("daten.csv", spreadsheet),
            "no_personal_data": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "lässt sich nicht als CSV-Tabelle lesen" in page
    _no_server_path(page)
    assert not Distribution.objects.exists()
