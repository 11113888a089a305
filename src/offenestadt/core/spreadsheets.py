"""Tables the platform hands out as CSV (the registers, contracts, contributions, voting
codes), written so that opening them in a spreadsheet runs nothing: every text cell that a
spreadsheet would take for a formula gets a leading quote (the anonymizer's rule, one rule for
every CSV the platform writes), and an empty value is an empty cell.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from offenestadt.anonymize.formulas import spreadsheet_safe


def spreadsheet_cell(value: object) -> str:
    """One cell: nothing as an empty cell, text that would be a formula defused."""
    return "" if value is None else spreadsheet_safe(value)


def csv_table(
    header: Sequence[str], rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n"
) -> str:
    """The header and the rows as CSV text, every cell safe for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([spreadsheet_cell(name) for name in header])
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
