"""The register as CSV: every published contract, no draft, and no formula a spreadsheet runs."""

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.anonymize.formulas import spreadsheet_safe
from offenestadt.contracts.models import Contract, ContractStatus, DataOwner

ClientFor = Callable[[User | None], Client]


def test_formulas_are_defused() -> None:
    assert spreadsheet_safe('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-1+1") == "'-1+1"
    assert spreadsheet_safe("Wartung") == "Wartung"
    # Numbers stay numbers, negative ones included.
    assert spreadsheet_safe(-5) == "-5"


def test_the_csv_holds_published_contracts_only(client_for: ClientFor, db: None) -> None:
    Contract.objects.create(title="=cmd|' /C calc'!A0", published_at=timezone.now())
    Contract.objects.create(title="Entwurf")
    response = client_for(None).get("/vertraege/vertraege.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["'=cmd|' /C calc'!A0"]
    assert rows[0]["url"].startswith("/vertraege/")


def test_the_csv_reads_as_the_contract_page_in_its_language(
    client_for: ClientFor, db: None
) -> None:
    Contract.objects.create(
        title="Sensorik",
        status=ContractStatus.SIGNED,
        data_owner=DataOwner.CITY,
        value=Decimal("85000"),
        published_at=datetime(2024, 6, 20, 12, tzinfo=UTC),
    )
    german = read_rows(client_for(None), "/vertraege/vertraege.csv")
    english = read_rows(client_for(None), "/en/vertraege/vertraege.csv")

    assert list(german[0]) == list(english[0])  # the columns keep their names
    assert german[0]["status"] == "unterzeichnet"
    assert german[0]["data_owner"] == "die Stadt"
    assert german[0]["value"] == "85.000,00"
    assert german[0]["published_at"] == "20. Juni 2024 14:00"
    assert (english[0]["status"], english[0]["data_owner"]) == ("signed", "the city")
    assert english[0]["value"] == "85,000.00"
    assert english[0]["published_at"].startswith("June 20, 2024")


def read_rows(client: Client, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(path).content.decode("utf-8-sig"))))
