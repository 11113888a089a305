"""The contract register as CSV, safe to open in a spreadsheet.

The columns keep their names; status, data owner, amounts and days read as on the contract's
page, in the request's language.
"""

from collections.abc import Iterable

from offenestadt.contracts.models import Contract
from offenestadt.core.display import display_field
from offenestadt.core.spreadsheets import csv_table

COLUMNS = (
    ("id", lambda c: c.pk),
    ("title", lambda c: c.title),
    ("status", lambda c: display_field(c, "status")),
    ("vendor", lambda c: c.vendor.legal_name if c.vendor else ""),
    ("vendor_country", lambda c: c.vendor.country if c.vendor else ""),
    ("value", lambda c: display_field(c, "value")),
    ("currency", lambda c: c.currency),
    ("published_at", lambda c: display_field(c, "published_at")),
    ("data_owner", lambda c: display_field(c, "data_owner")),
    ("processing_countries", lambda c: " ".join(sorted({x.country for x in c.locations.all()}))),
    ("redactions", lambda c: len(c.redactions.all())),
    ("council_body", lambda c: c.council_body),
    ("decision_reference", lambda c: c.decision_reference),
    ("url", lambda c: c.get_absolute_url()),
)


def contracts_csv(contracts: Iterable[Contract]) -> str:
    return csv_table(
        [name for name, _ in COLUMNS],
        ([value(contract) for _, value in COLUMNS] for contract in contracts),
    )
