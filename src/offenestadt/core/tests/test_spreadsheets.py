"""Every CSV the platform writes opens in a spreadsheet without running anything."""

import csv
import io

from offenestadt.core.spreadsheets import csv_table


def test_formulas_are_defused_numbers_kept_and_nothing_is_an_empty_cell() -> None:
    text = csv_table(["name", "value"], [["=HYPERLINK(1)", -3], ["-1,5", None], ["@SUM", "x"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "value"],
        ["'=HYPERLINK(1)", "-3"],
        ["-1,5", ""],
        ["'@SUM", "x"],
    ]


def test_the_line_ending_is_the_callers() -> None:
    assert csv_table(["a"], [[1]]) == "a\r\n1\r\n"
    assert csv_table(["a"], [[1]], lineterminator="\n") == "a\n1\n"
