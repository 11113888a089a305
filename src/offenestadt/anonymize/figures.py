"""The report's risk and utility figures of a full-domain release, from the input's combinations.

`risk.risk_report` and `metrics.utility_report` compute them from the original and the released
table record by record; at ten million records that means holding both in memory. The optimal
search has already reduced the input to its distinct combinations of quasi-identifier values
with their counts, and a full-domain release is a function of those: each combination's released
labels follow from the chosen levels, and its records are suppressed when its class failed. So
the same figures follow from the combinations alone, without reading the records again.

The conventions are those of `risk` and `metrics`, with one addition: a missing value is read as
the hierarchy's empty value (as the search reads it), where the record-by-record measures refuse
it. Risks keep a missing value apart from an empty one, as a group-by of the tables does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import ColumnScale, assemble_utility, column_measures
from offenestadt.anonymize.risk import SUPPRESSED, risk_of_sizes

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_KEY_LIMIT = 1 << 62


@dataclass(frozen=True)
class InputClasses:
    """The input's distinct quasi-identifier combinations (a combination may repeat, once per
    sensitive value). `codes[i, c]` is the leaf number of quasi-identifier c, or the
    hierarchy's size for a missing value; `counts[i]` how many records have it."""

    codes: IntArray
    counts: IntArray


def missing_code(hierarchy: Hierarchy) -> int:
    """The code of a missing value in `InputClasses`: one past the leaves."""
    return len(hierarchy)


def empty_leaf(hierarchy: Hierarchy) -> int | None:
    """The leaf number of the empty value, which a missing value is read as (None: no such leaf)."""
    return hierarchy.leaf_index.get("")


def as_leaves(codes: IntArray, hierarchy: Hierarchy) -> IntArray:
    """Codes of one column with a missing value read as the empty leaf."""
    empty = empty_leaf(hierarchy)
    if empty is None:
        return codes
    return np.where(codes == missing_code(hierarchy), empty, codes)


def _sizes(columns: Sequence[IntArray], radices: Sequence[int], counts: IntArray) -> IntArray:
    """Records per distinct row of `columns` (one array of numbers below its radix each)."""
    if not counts.size:
        return counts
    if math.prod(radices) < _KEY_LIMIT:
        key = np.zeros(counts.size, dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            key = key * radix + column
        _, inverse = np.unique(key, return_inverse=True)
    else:
        _, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return np.bincount(inverse.ravel(), weights=counts).astype(np.int64)


def _starred(columns: Sequence[IntArray], stars: Sequence[BoolArray], size: int) -> BoolArray:
    """Rows whose every value is `*`: the measures count them as suppressed."""
    starred = np.ones(size, dtype=np.bool_)
    for column, star in zip(columns, stars, strict=True):
        starred &= star[column]
    return starred


class _Recoding:
    """One column's labels at its level, per code of `InputClasses`."""

    def __init__(self, hierarchy: Hierarchy, level: int) -> None:
        self.hierarchy = hierarchy
        self.level = level
        self.names: list[str | None] = list(hierarchy.labels(level))
        of_leaves = hierarchy.codes(level).astype(np.int64)
        empty = empty_leaf(hierarchy)
        # A missing value stays missing at level 0 (a label of its own), else it is generalised
        # like the empty value.
        if level == 0 or empty is None:
            missing = len(self.names)
            self.names.append(None)
        else:
            missing = int(of_leaves[empty])
        self.labels = np.append(of_leaves, missing)
        self.suppressed = len(self.names)  # the label number of `*` in a suppressed record
        self.names.append(SUPPRESSED)
        self.stars = np.array([name == SUPPRESSED for name in self.names])


def report_figures(
    classes: InputClasses,
    quasi_identifiers: Sequence[str],
    hierarchies: Sequence[Hierarchy],
    levels: Sequence[int],
    failed: IntArray,
    *,
    k: int | None,
) -> dict[str, Any]:
    """The report's `risk` (before and after) and `utility` parts of a full-domain release.

    `failed` holds the label numbers of the suppressed classes, one row per quasi-identifier.
    """
    qis = list(quasi_identifiers)
    codes, counts = classes.codes, classes.counts
    records = int(counts.sum())
    rows = counts.size
    original = [codes[:, column] for column in range(len(qis))]
    leaf_stars = [
        np.array([leaf == SUPPRESSED for leaf in hierarchy.leaves] + [False])
        for hierarchy in hierarchies
    ]
    kept = ~_starred(original, leaf_stars, rows)
    before = _sizes(
        [column[kept] for column in original],
        [len(hierarchy) + 1 for hierarchy in hierarchies],
        counts[kept],
    )

    recodings = [_Recoding(h, level) for h, level in zip(hierarchies, levels, strict=True)]
    leaves = [as_leaves(column, h) for column, h in zip(original, hierarchies, strict=True)]
    gone = _failed(leaves, recodings, failed)
    released = [
        np.where(gone, recoding.suppressed, recoding.labels[column])
        for column, recoding in zip(original, recodings, strict=True)
    ]
    kept = ~_starred(released, [recoding.stars for recoding in recodings], rows)
    after = _sizes(
        [column[kept] for column in released],
        [len(recoding.names) for recoding in recodings],
        counts[kept],
    )

    sums = {
        name: _column_sums(name, column, recoding, gone, counts)
        for name, column, recoding in zip(qis, leaves, recodings, strict=True)
    }
    named = dict(zip(qis, hierarchies, strict=True))
    return {
        "risk": {
            "before": risk_of_sizes(qis, records, before),
            "after": risk_of_sizes(qis, records, after),
        },
        "utility": assemble_utility(
            qis, named, records, after, sums, k=k, levels=dict(zip(qis, levels, strict=True))
        ),
    }


def _failed(
    leaves: Sequence[IntArray], recodings: Sequence[_Recoding], failed: IntArray
) -> BoolArray:
    """Which combinations fall into a suppressed class (classes as the release reads them)."""
    size = leaves[0].size if leaves else 0
    if not failed.shape[1]:
        return np.zeros(size, dtype=np.bool_)
    labels = [
        recoding.hierarchy.codes(recoding.level).astype(np.int64)[column]
        for column, recoding in zip(leaves, recodings, strict=True)
    ]
    radices = [len(recoding.hierarchy.labels(recoding.level)) for recoding in recodings]
    if math.prod(radices) < _KEY_LIMIT:
        key = np.zeros(size, dtype=np.int64)
        bad = np.zeros(failed.shape[1], dtype=np.int64)
        for column, radix, row in zip(labels, radices, failed, strict=True):
            key = key * radix + column
            bad = bad * radix + row
        return np.isin(key, bad)
    bad_rows = set(zip(*failed.tolist(), strict=True))
    return np.array([row in bad_rows for row in zip(*labels, strict=True)], dtype=np.bool_)


def _column_sums(
    name: str, leaves: IntArray, recoding: _Recoding, gone: BoolArray, counts: IntArray
) -> tuple[float, float, float | None]:
    """Summed loss, entropy and intensity of one column, over (original, released) pairs."""
    hierarchy = recoding.hierarchy
    of_leaves = recoding.labels[:-1]
    released = np.where(gone, recoding.suppressed, of_leaves[leaves])
    width = len(recoding.names)
    cells = np.bincount(leaves * width + released, weights=counts, minlength=0)
    present = np.flatnonzero(cells)
    values = np.bincount(leaves, weights=counts, minlength=len(hierarchy))
    scale = ColumnScale(
        name,
        {hierarchy.leaves[int(leaf)]: int(values[leaf]) for leaf in np.flatnonzero(values)},
        hierarchy,
        recoding.level,
    )
    pairs = (
        (
            hierarchy.leaves[int(pair) // width],
            recoding.names[int(pair) % width],
            int(cells[pair]),
            None,
        )
        for pair in present
    )
    return column_measures(scale, pairs)
