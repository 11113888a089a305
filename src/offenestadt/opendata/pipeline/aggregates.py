"""Differentially private counts (and sums) per category: the pipeline's second privacy mode.

Instead of a k-anonymous table the pipeline can publish a table of noisy aggregates: for each
category of one column the number of records and, optionally, the sum of one numeric column,
each with Laplace noise from the anonymize library (OpenDP) under the epsilon the editor chose.

The categories must be public. They are never read from the data: a category that occurs only
once would otherwise appear in the output as a label and give the rare value away, noise or
not. The editor types them in (one a line, such as the city's districts or a fixed list of
diagnoses); records with any other value are not counted. This is the whole rule.

The bounds of a sum are public too, entered by the editor: each value is clamped into them.
With a sum the budget is split in half between the counts and the sums. The categories split
the records into disjoint groups, so each group's sum may spend that half on its own
(parallel composition; each person contributes one record).
"""

from typing import Any

import polars as pl
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from offenestadt.anonymize.dp import Budget, DpInputError, dp_histogram, dp_sum

K_ANONYMITY = "k-anonymity"
DP_AGGREGATES = "dp-aggregates"
EPSILON_MIN = 0.1
EPSILON_MAX = 5.0
# A bound of a sum, either way: far beyond any value per record a city counts, and small enough
# that a sum of millions of records stays a whole number a computer adds exactly (below 2**63).
SUM_BOUND_LIMIT = 10**12
COUNT_COLUMN = "anzahl"


def sum_header(column: str) -> str:
    return f"summe_{column}"


def check_dp_config(config: dict[str, Any], identifiers: list[str]) -> list[str]:
    """What is wrong with a DP model (empty when nothing); ``identifiers`` are the columns the
    scan marked as direct identifiers."""
    problems = []
    epsilon = config.get("epsilon")
    if not isinstance(epsilon, int | float) or not EPSILON_MIN <= epsilon <= EPSILON_MAX:
        problems.append(epsilon_message())
    problems.extend(
        _("Die Spalte %(name)s ist ein direktes Merkmal und wird nicht ausgewertet.")
        % {"name": config[key]}
        for key in ("group_by", "sum_column")
        if config.get(key) in identifiers
    )
    if not config.get("group_by"):
        problems.append(_("Wählen Sie die Spalte, nach der gezählt wird."))
    if not config.get("categories"):
        problems.append(_("Geben Sie mindestens eine Kategorie an."))
    if config.get("sum_column"):
        bounds = config.get("bounds") or []
        if not all(_within_limit(bound) for bound in bounds):
            problems.append(sum_bound_message())
        elif len(bounds) != 2 or not bounds[0] < bounds[1]:
            problems.append(_("Die Untergrenze der Summe muss unter der Obergrenze liegen."))
    return problems


def epsilon_message() -> str:
    return _("Epsilon muss zwischen %(low)s und %(high)s liegen.") % {"low": "0,1", "high": "5"}


def _within_limit(bound: object) -> bool:
    """A finite number no further from zero than SUM_BOUND_LIMIT (NaN and infinity are not)."""
    return (
        isinstance(bound, int | float)
        and not isinstance(bound, bool)
        and -SUM_BOUND_LIMIT <= bound <= SUM_BOUND_LIMIT
    )


def sum_bound_message() -> str:
    limit = number_format(SUM_BOUND_LIMIT, force_grouping=True)
    return _("Die Grenzen der Summe liegen zwischen %(low)s und %(high)s.") % {
        "low": f"-{limit}",
        "high": limit,
    }


def _bounds(config: dict[str, Any], frame: pl.DataFrame) -> tuple[float, float]:
    """The sum's bounds: whole numbers (an exact integer sum) when they and every value of the
    column are whole, else decimals; a column that is not all numbers cannot be summed."""
    column = config["sum_column"]
    values = frame.get_column(column).drop_nulls().cast(pl.String).str.strip_chars()
    numbers = values.cast(pl.Float64, strict=False)
    if numbers.null_count() or not numbers.is_finite().all():
        raise DpInputError(
            _(
                "Die Spalte %(name)s enthält Werte, die keine Zahlen sind (Dezimalzahlen mit "
                "Punkt, etwa 12.5); summieren lässt sich nur eine Spalte mit Zahlen."
            )
            % {"name": column}
        )
    low, high = config["bounds"]
    whole = float(low).is_integer() and float(high).is_integer()
    if whole and (numbers == numbers.floor()).all():
        return int(low), int(high)
    return float(low), float(high)


def aggregate(frame: pl.DataFrame, config: dict[str, Any]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The table of noisy counts (and sums) per category, and what was released how."""
    group_by, categories = config["group_by"], config["categories"]
    sum_column = config.get("sum_column")
    epsilon = float(config["epsilon"])
    share = epsilon / 2 if sum_column else epsilon
    counts = dp_histogram(
        frame, group_by, categories=categories, epsilon=share, budget=Budget(share)
    )
    table: dict[str, list[Any]] = {
        group_by: list(categories),
        COUNT_COLUMN: [max(counts.value[name], 0) for name in categories],
    }
    releases = [counts.as_dict()]
    if sum_column:
        bounds = _bounds(config, frame)
        values = frame.get_column(group_by).cast(pl.String)
        sums = [
            dp_sum(
                frame.filter(values == name),
                sum_column,
                bounds=bounds,
                epsilon=share,
                budget=Budget(share),  # disjoint groups: parallel composition
            )
            for name in categories
        ]
        table[sum_header(sum_column)] = [release.value for release in sums]
        releases.append(sums[0].as_dict() | {"query": f"sum of {sum_column} per category"})
    report = {
        "mode": DP_AGGREGATES,
        "epsilon": epsilon,
        "mechanism": counts.mechanism,
        "releases": releases,
        "rows": frame.height,
    }
    return pl.DataFrame(table), report
