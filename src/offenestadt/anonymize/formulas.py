"""Cells a spreadsheet would run as formulas (CSV injection), defused: one rule for every CSV
the platform writes, the anonymizer's output as much as the registers' exports.

Plain Python and polars, no Django: the library and the web application both import it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import polars as pl

# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# ... unless it is a plain number ("-3", "+4.5", "-1e5"): a spreadsheet reads that as a number,
# and prefixing it would turn numbers in open data into text.
# The patterns are written for both Python's re and polars (Rust regex).
FORMULA_PATTERN: Final = "^[" + re.escape("".join(FORMULA_STARTS)) + "]"
NUMBER_PATTERN: Final = r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?$"
_FORMULA = re.compile(FORMULA_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)


def spreadsheet_safe(value: object) -> str:
    """The value as text; text a spreadsheet would run as a formula gets a leading quote."""
    text = str(value)
    if isinstance(value, str) and _FORMULA.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def defuse_formulas[Frame: (pl.DataFrame, pl.LazyFrame, pl.DataFrame | pl.LazyFrame)](
    frame: Frame,
) -> Frame:
    """The same rule over every text column of a table, for writing it as CSV."""
    import polars as pl

    text = pl.col(pl.String)
    risky = text.str.contains(FORMULA_PATTERN) & ~text.str.contains(NUMBER_PATTERN)
    return frame.with_columns(pl.when(risky).then(pl.lit("'") + text).otherwise(text).name.keep())
