"""Fixtures shared by the anonymization tests: the Adult reference data and its hierarchies."""

from pathlib import Path

import polars as pl
import pytest

from offenestadt.anonymize.hierarchy import Hierarchy

ADULT_DIR = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "adult"
# The eight quasi-identifiers of the issue, in the order of the file.
ADULT_QIS = (
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
)


@pytest.fixture(scope="session")
def adult_dir() -> Path:
    return ADULT_DIR


@pytest.fixture(scope="session")
def adult_frame() -> pl.DataFrame:
    """adult.csv with every column as text."""
    return pl.read_csv(ADULT_DIR / "adult.csv", separator=";", infer_schema=False)


@pytest.fixture(scope="session")
def adult_hierarchy_set() -> dict[str, Hierarchy]:
    """The shipped ARX hierarchies of the eight quasi-identifiers and of salary-class."""
    return {
        column: Hierarchy.from_arx_file(ADULT_DIR / f"adult_hierarchy_{column}.csv", column)
        for column in (*ADULT_QIS, "salary-class")
    }
