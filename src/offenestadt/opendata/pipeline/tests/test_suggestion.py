"""The privacy model the pipeline suggests after the scan fits the columns of a city's tables:
direct identifiers removed, dates and postcodes generalised (not hidden), l-diversity when a
column is sensitive."""

import csv
import io
import random
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from faker import Faker

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.tests.pipeline_support import POSTCODES, read_csv

HEADER = ["Name", "E-Mail", "Geburtsdatum", "PLZ", "Geschlecht", "Altersgruppe", "Alter"]


def residents_csv(*, sensitive: bool, rows: int = 300, seed: int = 11) -> bytes:
    """Applications to a city office, as a spreadsheet exports them: German headers, German
    dates, age bands beside ages, and (if ``sensitive``) the applicant's religion."""
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    chance = random.Random(seed)  # noqa: S311 - made-up test data, nothing secret
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER + (["Religion"] if sensitive else []))
    for _ in range(rows):
        first, last = fake.first_name(), fake.last_name()
        born = fake.date_of_birth(minimum_age=18, maximum_age=85)
        age = 2026 - born.year
        band = f"{age // 10 * 10}-{age // 10 * 10 + 9}"
        row = [
            f"{first} {last}",
            f"{first}.{last}@example.org".lower(),
            born.strftime("%d.%m.%Y"),
            chance.choice(POSTCODES),
            chance.choice(["weiblich", "männlich", "divers"]),
            band,
            str(age),
        ]
        writer.writerow(
            row + ([chance.choice(["ev.", "rk.", "ohne", "islamisch"])] if sensitive else [])
        )
    return out.getvalue().encode()


@pytest.fixture
def dataset(office: Office) -> Dataset:
    return Dataset.objects.create(
        name="antraege",
        title="Anträge im Bürgerbüro",
        description="Anträge nach Alter, Postleitzahl und Geschlecht.",
        publisher=office,
        contact_name="Bürgerbüro",
        contact_email="buergerbuero@example.org",
    )


def uploaded(editor: User, dataset: Dataset, content: bytes) -> RawUpload:
    return pipeline.upload_create(
        actor=editor, dataset=dataset, file=SimpleUploadedFile("antraege_2024.csv", content)
    )


def test_dates_and_postcodes_are_generalised_and_a_sensitive_column_gets_l_2(
    editor: User, dataset: Dataset, temporary_storage: Path
) -> None:
    upload = uploaded(editor, dataset, residents_csv(sensitive=True))

    suggested = {
        name: (column["role"], column["generalisation"] if column["role"] == "quasi" else None)
        for name, column in upload.config["columns"].items()
    }
    assert suggested == {
        "Name": ("identifier", None),
        "E-Mail": ("identifier", None),
        "Geburtsdatum": ("quasi", "date"),
        "PLZ": ("quasi", "postcode"),
        "Geschlecht": ("quasi", "mask"),
        # Bands are no numbers to put into spans: they are hidden unless the editor chooses.
        "Altersgruppe": ("quasi", "mask"),
        "Alter": ("quasi", "intervals"),
        "Religion": ("sensitive", None),
    }
    assert upload.config["k"] == 5
    assert upload.config["l"] == 2


def test_without_a_sensitive_column_no_l_is_suggested(
    editor: User, dataset: Dataset, temporary_storage: Path
) -> None:
    upload = uploaded(editor, dataset, residents_csv(sensitive=False))

    assert upload.config["l"] is None
    assert upload.config["columns"]["Geburtsdatum"]["generalisation"] == "date"


def test_the_suggested_model_runs_and_keeps_months_or_years_of_birth(
    editor: User, dataset: Dataset, temporary_storage: Path
) -> None:
    upload = uploaded(editor, dataset, residents_csv(sensitive=True, rows=1000))
    # The editor takes the suggestion as it stands, with fewer quasi-identifiers.
    config = upload.config
    for name in ("Geschlecht", "Altersgruppe", "Alter"):
        config["columns"][name]["role"] = "keep"
    pipeline.upload_configure(actor=editor, upload=upload, config=config)
    pipeline.upload_run(actor=editor, upload=upload)
    upload = pipeline.anonymize_now(upload)
    assert upload.status == PipelineStatus.REVIEW, upload.error

    with upload.output.open("rb") as stream:
        rows = read_csv(stream.read())
    born = {row["Geburtsdatum"] for row in rows} - {"*"}
    # Generalised to a month, a year or a decade: never the day, never only hidden.
    assert born
    assert all(re.fullmatch(r"\d{4}(-\d{2})?|\d{4}-\d{4}", value) for value in born), born
    postcodes = {row["PLZ"] for row in rows} - {"*"}
    assert all(re.fullmatch(r"4\d*\**", value) for value in postcodes), postcodes
    assert "Name" not in rows[0] and "E-Mail" not in rows[0]
