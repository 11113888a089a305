"""Information loss of a release, measured cell by cell against the original table.

These numbers are computed from the two frames alone, independently of the search that chose the
release, so that they can check it. The original and the released frame must hold the same records
in the same order (the release may have dropped other columns).

Conventions (each follows the usual definition in the literature):

- A released value is read in this order: ``*`` stands for every value of the column (a suppressed
  cell, or the top of a hierarchy); a label of the column's hierarchy stands for the hierarchy's
  original values under it (at the lowest level that has the label, or at the level given in
  ``levels``); ``[lo-hi]`` (as Mondrian releases numbers) stands for every number from lo to hi,
  both included; ``{a, b}`` (as Mondrian releases categories without a hierarchy) for the values
  listed. Without a hierarchy an original value stands for itself.
- Loss (Iyengar): a cell costs (values under its released value - 1) / (values of the column - 1),
  where "values" are the hierarchy's original values, or, for a column without hierarchy, the
  distinct values of the original column; for an interval on a numeric column without hierarchy
  the cost is (hi - lo) / (max - min) of the original column. A suppressed cell costs 1. The loss
  is the average over all quasi-identifier cells, suppressed records included.
- Discernibility: each released record is charged the size of its class (sum of squared class
  sizes); each suppressed record is charged the number of records of the table.
- Average class size: released records / classes; normalised by k when k is given.
- Non-uniform entropy: the sum over all quasi-identifier cells of -log2 P(original | released),
  with P estimated from the original column: the frequency of the original value divided by the
  total frequency of the original values the released value stands for.
- Generalisation intensity: a cell's level / (height - 1) in its column's hierarchy, averaged over
  the cells of columns that have a hierarchy; an interval that is no hierarchy label counts at the
  level of the lowest hierarchy label that covers it; ``*`` counts 1.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.risk import SUPPRESSED, class_sizes

# A number as Mondrian treats one: plain decimal notation, optionally with an exponent.
NUMBER = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
INTERVAL = re.compile(rf"^\[({NUMBER})-({NUMBER})\]$")
_PLAIN_NUMBER = re.compile(rf"^{NUMBER}$")


def interval_label(low: str, high: str) -> str:
    """The label of the closed interval from ``low`` to ``high`` (Mondrian's numeric release)."""
    return f"[{low}-{high}]"


def set_label(values: Sequence[str]) -> str:
    """The label of a set of categories without hierarchy (Mondrian's categorical release)."""
    return "{" + ", ".join(values) + "}"


def parse_interval(label: str) -> tuple[float, float] | None:
    match = INTERVAL.match(label)
    if match is None:
        return None
    return float(match.group(1)), float(match.group(2))


def _number_or_none(value: str | None) -> float | None:
    if value is None or _PLAIN_NUMBER.match(value) is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _split_set(body: str, known: set[str]) -> list[str] | None:
    """Split the inside of ``{a, b, c}`` into known values (values may themselves hold ", ")."""
    if body == "":
        return None
    # reachable[i]: a way to split body[:i] into known values, as the list of their ends.
    reachable: dict[int, list[int]] = {0: []}
    for start in range(len(body) + 1):
        if start not in reachable:
            continue
        begin = start if start == 0 else start + 2
        if start and body[start : start + 2] != ", ":
            continue
        for end in range(begin + 1, len(body) + 1):
            if body[begin:end] in known and end not in reachable:
                reachable[end] = [*reachable[start], end]
    if len(body) not in reachable:
        return None
    ends = reachable[len(body)]
    values, begin = [], 0
    for end in ends:
        values.append(body[begin:end])
        begin = end + 2
    return values


@dataclass(frozen=True)
class _Meaning:
    cost: float
    covered: frozenset[str | None] | None  # original values it stands for; None: all of them
    intensity: float | None


class ColumnScale:
    """How much each released value of one column generalises, against the original column.

    `counts` holds how many records have each original value (as text; None for missing).
    """

    def __init__(
        self,
        column: str,
        counts: Mapping[str | None, int],
        hierarchy: Hierarchy | None,
        level: int | None,
    ) -> None:
        self.column = column
        self.hierarchy = hierarchy
        self.level = level
        self.counts: dict[str | None, int] = dict(counts)
        self.numbers = {value: _number_or_none(value) for value in self.counts}
        if hierarchy is not None:
            self.size = len(hierarchy)
            self.top = hierarchy.height - 1
            numbers = (_number_or_none(leaf) for leaf in hierarchy.leaves)
            self.leaf_numbers = np.array(
                [math.nan if number is None else number for number in numbers]
            )
        else:
            self.size = sum(1 for value in self.counts if value is not None)
            present = [number for number in self.numbers.values() if number is not None]
            self.numeric = bool(present) and len(present) == self.size  # missing values aside
            self.low = min(present, default=0.0)
            self.high = max(present, default=0.0)
        self._memo: dict[str | None, _Meaning] = {}

    def _fraction(self, under: int) -> float:
        return (under - 1) / (self.size - 1) if self.size > 1 else 0.0

    def _error(self, label: str | None, why: str) -> ValueError:
        return ValueError(f"The released value {label!r} of column {self.column!r} {why}.")

    def meaning(self, label: str | None) -> _Meaning:
        if label not in self._memo:
            self._memo[label] = self._meaning(label)
        return self._memo[label]

    def _meaning(self, label: str | None) -> _Meaning:
        if label == SUPPRESSED:
            return _Meaning(1.0, None, 1.0 if self.hierarchy is not None else None)
        if self.hierarchy is None:
            return self._plain_meaning(label)
        hierarchy = self.hierarchy
        levels = range(hierarchy.height) if self.level is None else (self.level,)
        for level in levels:
            labels = hierarchy.labels(level)
            if label in labels:
                number = labels.index(label)
                leaves = np.flatnonzero(hierarchy.codes(level) == number)
                return self._hierarchy_meaning(leaves, level)
        interval = parse_interval(label) if label is not None else None
        if interval is None:
            where = (
                "its hierarchy" if self.level is None else f"level {self.level} of its hierarchy"
            )
            raise self._error(label, f"is neither a label of {where} nor an interval [lo-hi]")
        low, high = interval
        leaves = np.flatnonzero((self.leaf_numbers >= low) & (self.leaf_numbers <= high))
        if leaves.size == 0:
            raise self._error(label, "covers no value of its hierarchy")
        # The level of an interval: the lowest level at which one label covers all of it.
        level = next(
            level
            for level in range(hierarchy.height)
            if np.unique(hierarchy.codes(level)[leaves]).size == 1
        )
        return self._hierarchy_meaning(leaves, level)

    def _hierarchy_meaning(self, leaves: npt.NDArray[np.intp], level: int) -> _Meaning:
        names = self.hierarchy.leaves if self.hierarchy is not None else ()
        return _Meaning(
            self._fraction(int(leaves.size)),
            frozenset(names[int(leaf)] for leaf in leaves),
            level / self.top if self.top else 0.0,
        )

    def _plain_meaning(self, label: str | None) -> _Meaning:
        if label in self.counts:
            return _Meaning(0.0, frozenset((label,)), None)
        interval = parse_interval(label) if label is not None else None
        if interval is not None:
            if not self.numeric:
                raise self._error(label, "is an interval, but the original column is not numeric")
            low, high = interval
            covered = frozenset(
                value
                for value, number in self.numbers.items()
                if number is not None and low <= number <= high
            )
            width = self.high - self.low
            cost = min((high - low) / width, 1.0) if width > 0 else 0.0
            return _Meaning(cost, covered, None)
        if label is not None and label.startswith("{") and label.endswith("}"):
            known = {value for value in self.counts if value is not None}
            values = _split_set(label[1:-1], known)
            if values is not None:
                return _Meaning(self._fraction(len(set(values))), frozenset(values), None)
        raise self._error(
            label, "is not an original value of the column, an interval [lo-hi] or a set {a, b}"
        )

    def mass(self, meaning: _Meaning) -> int:
        if meaning.covered is None:
            return sum(self.counts.values())
        return sum(self.counts.get(value, 0) for value in meaning.covered)


def column_measures(
    scale: ColumnScale, pairs: Iterable[tuple[str | None, str | None, int, int | None]]
) -> tuple[float, float, float | None]:
    """Summed loss, entropy and intensity (None without hierarchy) over the cells of a column.

    `pairs` are (original value, released value, cells, first record number or None): how many
    cells of the column were released as what.
    """
    loss = entropy = intensity = 0.0
    for value, label, cells, row in pairs:
        meaning = scale.meaning(label)
        if meaning.covered is not None and value not in meaning.covered:
            where = f"Record {row + 1}: t" if row is not None else "T"
            raise ValueError(
                f"{where}he released value {label!r} of column {scale.column!r} does not "
                f"stand for its original value {value!r}."
            )
        loss += cells * meaning.cost
        entropy += cells * -math.log2(scale.counts[value] / scale.mass(meaning))
        if meaning.intensity is not None:
            intensity += cells * meaning.intensity
    return loss, entropy, (intensity if scale.hierarchy is not None else None)


def _row_measures(
    column: str,
    original: pl.Series,
    released: pl.Series,
    hierarchy: Hierarchy | None,
    level: int | None,
) -> tuple[float, float, float | None]:
    counts = original.cast(pl.String).value_counts()
    scale = ColumnScale(
        column,
        dict(zip(counts[counts.columns[0]].to_list(), counts["count"].to_list(), strict=True)),
        hierarchy,
        level,
    )
    pairs = (
        pl.DataFrame({"original": original.cast(pl.String), "released": released.cast(pl.String)})
        .with_row_index("row")
        .group_by("original", "released")
        .agg(pl.len().alias("cells"), pl.col("row").first())
    )
    return column_measures(scale, pairs.iter_rows())


def utility_report(
    original: pl.DataFrame,
    released: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    *,
    k: int | None = None,
    levels: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Loss, discernibility, class size, entropy and generalisation intensity of a release.

    ``levels`` (a full-domain release's level per column) makes the labels be read at that level
    of each hierarchy; ``k`` adds the average class size relative to k.
    """
    qis = list(quasi_identifiers)
    if not qis:
        raise ValueError("Name at least one quasi-identifier")
    for name, frame in (("original", original), ("released", released)):
        missing = [column for column in qis if column not in frame.columns]
        if missing:
            raise ValueError(f"The {name} table has no column {', '.join(missing)}")
    if original.height != released.height:
        raise ValueError(
            f"The released table has {released.height} records, the original {original.height}: "
            "compare a release with the table it was made from, record for record."
        )
    sums = {
        column: _row_measures(
            column,
            original[column],
            released[column],
            hierarchies.get(column),
            None if levels is None else levels.get(column),
        )
        for column in qis
    }
    sizes = class_sizes(released, qis)["size"].to_numpy()
    return assemble_utility(qis, hierarchies, original.height, sizes, sums, k=k, levels=levels)


def assemble_utility(
    qis: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    records: int,
    sizes: npt.NDArray[np.int64],
    sums: Mapping[str, tuple[float, float, float | None]],
    *,
    k: int | None,
    levels: Mapping[str, int] | None,
) -> dict[str, Any]:
    """The utility report from the sizes of the released classes (suppressed records left out)
    and each column's summed loss, entropy and intensity (see `column_measures`)."""
    loss_by_column: dict[str, float] = {}
    entropy_by_column: dict[str, float] = {}
    intensity_by_column: dict[str, float | None] = {}
    for column in qis:
        loss, entropy, intensity = sums[column]
        loss_by_column[column] = loss / records if records else 0.0
        entropy_by_column[column] = entropy
        intensity_by_column[column] = (
            None if intensity is None else (intensity / records if records else 0.0)
        )
    released_records = int(sizes.sum()) if sizes.size else 0
    suppressed = records - released_records
    classes = int(sizes.size)
    average = released_records / classes if classes else None
    with_intensity = [value for value in intensity_by_column.values() if value is not None]
    report: dict[str, Any] = {
        "records": records,
        "suppressed": suppressed,
        "classes": classes,
        "loss": sum(loss_by_column.values()) / len(qis),
        "loss_by_column": loss_by_column,
        "discernibility": int((sizes.astype(np.int64) ** 2).sum()) + suppressed * records,
        "average_class_size": average,
        "normalized_average_class_size": (
            average / k if average is not None and k is not None else None
        ),
        "non_uniform_entropy": sum(entropy_by_column.values()),
        "entropy_by_column": entropy_by_column,
        "generalisation_intensity": (
            sum(with_intensity) / len(with_intensity) if with_intensity else None
        ),
        "intensity_by_column": intensity_by_column,
    }
    if levels is not None:
        heights = {column: hierarchies[column].height for column in qis if column in hierarchies}
        report["intensity_of_levels"] = (
            sum(
                levels[column] / (height - 1) if height > 1 else 0.0
                for column, height in heights.items()
            )
            / len(heights)
            if heights
            else None
        )
    return report
