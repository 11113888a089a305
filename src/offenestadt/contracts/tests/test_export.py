"""The register as CSV: every published contract, no draft, and no formula a spreadsheet runs."""

import csv
import io
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import User
from offenestadt.anonymize.formulas import spreadsheet_safe
from offenestadt.contracts.models import Contract

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
