"""Re-identification risk of a table: prosecutor, journalist and marketer models over its classes.

An equivalence class is a set of records that agree on every quasi-identifier. A record in a
class of size f can be singled out with probability 1/f by an attacker who knows that the person
is in the table (prosecutor). The journalist does not know that and matches against a population
table; without one, the released table is taken as its own population. The marketer wants to
re-identify as many records as possible and succeeds, on average, once per class.

Records whose every quasi-identifier is ``*`` are suppressed: they are not released as
individual records, so they are left out of the classes and only counted.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

SUPPRESSED = "*"

_SAMPLE_AS_POPULATION = (
    "No population table was given: the released records are taken as their own population, "
    "so journalist risk equals prosecutor risk."
)
_POPULATION_GIVEN = (
    "Journalist and marketer risk are measured against the given population table "
    "(matched on the released quasi-identifier values)."
)


def _check_columns(frame: pl.DataFrame, quasi_identifiers: Sequence[str], what: str) -> None:
    missing = [name for name in quasi_identifiers if name not in frame.columns]
    if missing:
        raise ValueError(f"{what} has no column {', '.join(missing)}")


def _suppressed_mask(quasi_identifiers: Sequence[str]) -> pl.Expr:
    return pl.all_horizontal(
        [pl.col(name).cast(pl.String).eq(SUPPRESSED).fill_null(False) for name in quasi_identifiers]
    )


def class_sizes(frame: pl.DataFrame, quasi_identifiers: Sequence[str]) -> pl.DataFrame:
    """The equivalence classes of the released (not suppressed) records with their size ``size``."""
    _check_columns(frame, quasi_identifiers, "The table")
    released = frame.lazy().filter(~_suppressed_mask(quasi_identifiers))
    return released.group_by(list(quasi_identifiers)).agg(pl.len().alias("size")).collect()


def _check_arguments(quasi_identifiers: Sequence[str], threshold: float) -> None:
    if not quasi_identifiers:
        raise ValueError("Name at least one quasi-identifier")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"The risk threshold must lie between 0 and 1, not {threshold}")


def risk_of_sizes(
    quasi_identifiers: Sequence[str],
    records: int,
    sizes: npt.NDArray[np.integer[Any]],
    *,
    threshold: float = 0.2,
) -> dict[str, Any]:
    """The risk report of a table of `records` records whose released classes have `sizes`
    (suppressed records left out), taking the released records as their own population."""
    _check_arguments(quasi_identifiers, threshold)
    classes = int(sizes.size)
    released = int(sizes.sum()) if classes else 0
    report: dict[str, Any] = {
        "quasi_identifiers": list(quasi_identifiers),
        "records": records,
        "suppressed": records - released,
        "released": released,
        "classes": classes,
        "threshold": threshold,
    }
    if released == 0:
        report.update(
            smallest_class=None,
            largest_class=None,
            average_class_size=None,
            prosecutor={"highest": 0.0, "average": 0.0},
            journalist={"highest": 0.0, "average": 0.0, "assumption": _SAMPLE_AS_POPULATION},
            marketer={"average": 0.0},
            records_at_risk=0,
            share_at_risk=0.0,
            uniques=0,
            share_uniques=0.0,
        )
        return report

    smallest = int(sizes.min())
    # A record's prosecutor risk is 1/f; "above the threshold" is strict, so with
    # threshold 0.2 a class of exactly 5 is not at risk.
    at_risk = int(sizes[1.0 / sizes > threshold].sum())
    uniques = int((sizes == 1).sum())
    report.update(
        smallest_class=smallest,
        largest_class=int(sizes.max()),
        average_class_size=released / classes,
        prosecutor={"highest": 1.0 / smallest, "average": classes / released},
        records_at_risk=at_risk,
        share_at_risk=at_risk / released,
        uniques=uniques,
        share_uniques=uniques / released,
        journalist={
            "highest": 1.0 / smallest,
            "average": classes / released,
            "assumption": _SAMPLE_AS_POPULATION,
        },
        marketer={"average": classes / released},
    )
    return report


def risk_report(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    threshold: float = 0.2,
    population: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """The re-identification risks of ``frame`` as a JSON-ready dict.

    ``threshold`` is the individual (prosecutor) risk above which a record counts as at risk:
    0.2 means every record in a class of fewer than 5 records. ``population``, if given, is a
    table with the same quasi-identifier columns, coded as in ``frame`` (e.g. the population
    register generalised the same way); it must contain every released class.
    """
    _check_arguments(quasi_identifiers, threshold)
    qis = list(quasi_identifiers)
    classes = class_sizes(frame, qis)
    report = risk_of_sizes(qis, frame.height, classes["size"].to_numpy(), threshold=threshold)
    if population is None or not report["released"]:
        return report

    _check_columns(population, qis, "The population table")
    population_sizes = class_sizes(population.select(qis), qis).rename({"size": "population"})
    joined = classes.join(
        population_sizes.with_columns(pl.col(name).cast(classes.schema[name]) for name in qis),
        on=qis,
        how="left",
        nulls_equal=True,
    )
    short = joined.filter(pl.col("population").is_null() | (pl.col("population") < pl.col("size")))
    if short.height:
        raise ValueError(
            f"The population table must contain every released record: {short.height} released "
            "classes are missing from it or larger than their population class"
        )
    # Journalist: each released record matches F records of its population class.
    weights = joined.select(
        highest=(1.0 / pl.col("population")).max(),
        records=(pl.col("size") / pl.col("population")).sum(),
    ).row(0, named=True)
    report["journalist"] = {
        "highest": float(weights["highest"]),
        "average": float(weights["records"]) / report["released"],
        "assumption": _POPULATION_GIVEN,
    }
    report["marketer"] = {"average": float(weights["records"]) / report["released"]}
    return report
