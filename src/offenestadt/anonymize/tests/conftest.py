"""Fixtures shared by the anonymization tests: the Adult reference data and its hierarchies."""

from pathlib import Path

import polars as pl
import pytest

from offenestadt.anonymize.hierarchy import Hierarchy

from .adult import ADULT_DIR, unpack_adult

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
    """The folder of ARX's Adult hierarchies (adult_hierarchy_<column>.csv)."""
    return ADULT_DIR


@pytest.fixture(scope="session")
def adult_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """adult.csv as ARX ships it (`;`-separated, CRLF), unpacked once for the session."""
    return unpack_adult(tmp_path_factory.mktemp("adult"))


@pytest.fixture(scope="session")
def adult_frame(adult_csv: Path) -> pl.DataFrame:
    """adult.csv with every column as text."""
    return pl.read_csv(adult_csv, separator=";", infer_schema=False)


@pytest.fixture(scope="session")
def adult_hierarchy_set() -> dict[str, Hierarchy]:
    """The shipped ARX hierarchies of the eight quasi-identifiers and of salary-class."""
    return {
        column: Hierarchy.from_arx_file(ADULT_DIR / f"adult_hierarchy_{column}.csv", column)
        for column in (*ADULT_QIS, "salary-class")
    }
