"""The lattice of hierarchy levels and how one node of it is judged.

A node of the lattice gives each quasi-identifier one level of its hierarchy; it satisfies the
privacy model when the records of the classes that fail stay within the suppression limit. The
input is reduced once to its distinct combinations of quasi-identifier (and sensitive) values
with their counts; a node's classes are rolled up from the classes of an already evaluated node
below it, which are far fewer, so the records are never read again. Every metric splits into a
part without suppression that only grows upward in the lattice and the cost of the suppressed
records. How the lattice is searched is in `search`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.models import (
    PrivacyModel,
    SensitiveDomain,
    class_ok,
    monotone_relaxation,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MetricName = Literal["loss", "discernibility", "entropy"]
Progress = Callable[[str, int, int], None]

# Lattices larger than this are not searched exhaustively.
MAX_NODES = 1 << 22
# Rows of rolled-up class tables kept for later roll-ups.
_CACHE_ROWS = 1 << 22
_KEY_LIMIT = 1 << 62
_DENSE_LIMIT = 1 << 22


class LatticeError(ValueError):
    """A lattice too large to search."""


@dataclass(frozen=True)
class Combinations:
    """The input reduced to its distinct combinations of values.

    `codes[i, c]` is the leaf number (row in the hierarchy) of quasi-identifier c in combination
    i, `values[i]` the number of its sensitive value (0 without a sensitive column) and
    `counts[i]` how many records have it.
    """

    codes: IntArray
    values: IntArray
    counts: IntArray
    value_count: int

    @property
    def rows(self) -> int:
        return int(self.counts.sum())


@dataclass
class _Table:
    """Classes of one node: (class, sensitive value) pairs sorted by class, with counts."""

    levels: tuple[int, ...]
    codes: IntArray  # label numbers of each pair's class: one row per quasi-identifier
    values: IntArray
    counts: IntArray


@dataclass(frozen=True)
class Evaluation:
    """What one node yields on the input."""

    levels: tuple[int, ...]
    satisfied: bool
    suppressed: int
    classes: int | None  # None when the node was judged without rolling up its classes
    base: float  # the metric without suppression, raw
    extra: float  # what suppression adds to it, raw
    value: float  # the metric with suppression, normalised
    # For every node below: whether it surely fails, and a lower bound of its suppression part.
    fails_below: bool = False
    extra_below: float = 0.0


@dataclass(frozen=True)
class Metric:
    """A metric as label costs: a released cell costs `label_costs[c][level][label]`, a suppressed
    cell `suppressed_costs[c]`; discernibility is computed from class sizes instead."""

    name: MetricName
    label_costs: tuple[tuple[FloatArray, ...], ...]
    suppressed_costs: FloatArray
    level_bases: tuple[FloatArray, ...]  # [c][level]: summed cost of the column's cells
    constant: float
    scale: float  # the raw value times `scale` is the reported value

    @classmethod
    def build(
        cls, name: MetricName, hierarchies: Sequence[Hierarchy], combinations: Combinations
    ) -> Metric:
        rows = combinations.rows
        label_costs: list[tuple[FloatArray, ...]] = []
        suppressed: list[float] = []
        bases: list[FloatArray] = []
        constant = 0.0
        for column, hierarchy in enumerate(hierarchies):
            leaves = np.bincount(
                combinations.codes[:, column],
                weights=combinations.counts,
                minlength=len(hierarchy),
            )
            costs: list[FloatArray] = []
            for level in range(hierarchy.height):
                if name == "entropy":
                    mass = np.bincount(
                        hierarchy.codes(level),
                        weights=leaves,
                        minlength=len(hierarchy.labels(level)),
                    )
                    cost = np.log2(np.maximum(mass, 1.0))
                elif name == "loss":
                    sizes = hierarchy.label_sizes(level)
                    cost = (sizes - 1) / (len(hierarchy) - 1) if len(hierarchy) > 1 else sizes * 0.0
                else:
                    cost = np.zeros(len(hierarchy.labels(level)))
                costs.append(cost.astype(np.float64))
            label_costs.append(tuple(costs))
            bases.append(
                np.array(
                    [
                        float(leaves @ costs[level][hierarchy.codes(level)])
                        for level in range(hierarchy.height)
                    ]
                )
            )
            if name == "entropy":
                present = leaves[leaves > 0]
                constant -= float(present @ np.log2(present))
                suppressed.append(math.log2(max(rows, 1)))
            else:
                suppressed.append(1.0 if name == "loss" else 0.0)
        cells = rows * len(hierarchies)
        return cls(
            name=name,
            label_costs=tuple(label_costs),
            suppressed_costs=np.array(suppressed),
            level_bases=tuple(bases),
            constant=constant,
            scale=1.0 / cells if name == "loss" and cells else 1.0,
        )

    def score(
        self,
        levels: Sequence[int],
        bad_codes: IntArray | None,
        sizes: IntArray,
        bad: BoolArray,
        rows: int,
    ) -> tuple[float, float]:
        """The raw value of a node without suppression, and what suppression adds.

        `bad_codes` are the label numbers of the failing classes, one row per quasi-identifier
        (None when the suppression
        part is not wanted: it is then infinite), `sizes` all class sizes, `bad` marks the
        failing ones.
        """
        if self.additive:
            base = self.constant + sum(
                float(self.level_bases[column][level]) for column, level in enumerate(levels)
            )
        else:
            base = float((sizes.astype(np.float64) ** 2).sum())
        if bad_codes is None:
            return base, math.inf
        bad_sizes = sizes[bad].astype(np.float64)
        if not self.additive:
            return base, float(bad_sizes @ (rows - bad_sizes))
        extra = float(bad_sizes.sum() * self.suppressed_costs.sum())
        for column, level in enumerate(levels):
            extra -= float(bad_sizes @ self.label_costs[column][level][bad_codes[column]])
        return base, extra

    @property
    def additive(self) -> bool:
        """Whether the part without suppression is a sum over columns, known before evaluating."""
        return self.name != "discernibility"


class Lattice:
    """All nodes as rows of a level matrix; node number = mixed radix of the levels."""

    def __init__(self, heights: Sequence[int]) -> None:
        self.heights = tuple(heights)
        self.size = math.prod(self.heights)
        if self.size > MAX_NODES:
            raise LatticeError(
                f"The hierarchies span {self.size:,} combinations of levels, more than the "
                f"{MAX_NODES:,} the optimal search takes on; use fewer quasi-identifiers or "
                "hierarchy levels, or the mondrian algorithm."
            )
        grid = np.indices(self.heights, dtype=np.int8).reshape(len(self.heights), -1)
        self.levels = np.ascontiguousarray(grid.T)
        self.strides = np.array(
            [math.prod(self.heights[c + 1 :]) for c in range(len(self.heights))], dtype=np.int64
        )
        self.height = self.levels.sum(axis=1, dtype=np.int64)

    def number(self, levels: Sequence[int]) -> int:
        return sum(level * int(stride) for level, stride in zip(levels, self.strides, strict=True))

    def box(self, low: Sequence[int], high: Sequence[int]) -> IntArray:
        """Numbers of the nodes whose levels lie between `low` and `high`, column by column."""
        numbers = np.zeros(1, dtype=np.int64)
        for column, stride in enumerate(self.strides):
            steps = np.arange(low[column], high[column] + 1, dtype=np.int64) * stride
            numbers = (numbers[:, None] + steps[None, :]).ravel()
        return numbers

    def below(self, number: int) -> IntArray:
        """The node and every node it generalises (all levels lower or equal)."""
        return self.box([0] * len(self.heights), self.levels[number].tolist())

    def above(self, number: int) -> IntArray:
        """The node and every node that generalises it (all levels higher or equal)."""
        return self.box(self.levels[number].tolist(), [h - 1 for h in self.heights])

    def path_up(self, start: int) -> list[int]:
        """A path from `start` to the top, raising the column with most levels left first."""
        levels = self.levels[start].tolist()
        left = [height - 1 - level for height, level in zip(self.heights, levels, strict=True)]
        path = [start]
        while any(left):
            column = left.index(max(left))
            levels[column] += 1
            left[column] -= 1
            path.append(self.number(levels))
        return path


class Evaluator:
    """Rolls up class tables and judges them."""

    def __init__(
        self,
        combinations: Combinations,
        hierarchies: Sequence[Hierarchy],
        model: PrivacyModel,
        metric: Metric,
        domain: SensitiveDomain | None,
    ) -> None:
        self.hierarchies = hierarchies
        self.model = model
        self.relaxation = monotone_relaxation(model, domain)
        self.metric = metric
        self.domain = domain
        self.rows = combinations.rows
        self.limit = model.suppression_limit(self.rows)
        self.value_count = combinations.value_count
        self.label_counts = [
            [len(h.labels(level)) for level in range(h.height)] for h in hierarchies
        ]
        # maps[c][a][b]: label number at level b of each label of level a (a <= b).
        self.maps: list[list[list[IntArray | None]]] = []
        for h in hierarchies:
            table: list[list[IntArray | None]] = []
            for low in range(h.height):
                row: list[IntArray | None] = [None] * h.height
                current = np.arange(len(h.labels(low)), dtype=np.int64)
                row[low] = current
                for high in range(low + 1, h.height):
                    current = h.parents(high - 1)[current]
                    row[high] = current
                table.append(row)
            self.maps.append(table)
        base = self._group(
            tuple(0 for _ in hierarchies),
            np.ascontiguousarray(combinations.codes.T, dtype=np.int64),
            combinations.values.astype(np.int64, copy=False),
            combinations.counts.astype(np.int64, copy=False),
        )
        self.bottom = base
        # Rolled-up tables kept as sources, with their levels and sizes side by side in arrays.
        self.cache: list[_Table] = []
        self.cache_levels = np.zeros((64, len(hierarchies)), dtype=np.int64)
        self.cache_sizes = np.zeros(64, dtype=np.int64)
        self.cache_rows = 0
        self._remember(base)

    def _group(
        self, levels: tuple[int, ...], codes: IntArray, values: IntArray, counts: IntArray
    ) -> _Table:
        """Sum the counts of equal (class, value) pairs and sort them by class."""
        radices = [self.label_counts[c][level] for c, level in enumerate(levels)]
        total = math.prod(radices) * self.value_count
        if total < _KEY_LIMIT:
            key = np.zeros(len(counts), dtype=np.int64)
            for column, radix in enumerate(radices):
                if radix > 1:
                    key *= radix
                    key += codes[column]
            key *= self.value_count
            key += values
            if total <= _DENSE_LIMIT and total <= 8 * len(counts) + 4096:
                summed = np.bincount(key, weights=counts, minlength=total)
                present = np.flatnonzero(summed)
                new_counts = summed[present].astype(np.int64)
                new_values = present % self.value_count
                rest = present // self.value_count
                new_codes = np.zeros((len(levels), len(present)), dtype=np.int64)
                for column in range(len(levels) - 1, -1, -1):
                    radix = radices[column]
                    if radix > 1:
                        rest, new_codes[column] = np.divmod(rest, radix)
                return _Table(levels, new_codes, new_values, new_counts)
        else:
            key = self._compressed_key(codes, values, radices)
        order = np.argsort(key)
        ordered = key[order]
        first = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1)) if len(key) else order
        picks = order[first]
        new_counts = np.add.reduceat(counts[order], first) if len(key) else counts
        return _Table(levels, codes[:, picks], values[picks], new_counts.astype(np.int64))

    def _compressed_key(
        self, codes: IntArray, values: IntArray, radices: Sequence[int]
    ) -> IntArray:
        """An order-preserving key when the full mixed radix would overflow: digits are folded
        in one by one and the partial key is renumbered densely whenever it would overflow."""
        key = np.zeros(len(values), dtype=np.int64)
        span = 1
        for column, radix in enumerate([*radices, self.value_count]):
            if span * radix >= _KEY_LIMIT:
                distinct, key = np.unique(key, return_inverse=True)
                span = len(distinct)
            key = key * radix + (codes[column] if column < len(radices) else values)
            span *= radix
        return key

    def table(self, levels: tuple[int, ...]) -> _Table:
        """The classes of a node, rolled up from the smallest cached table below it."""
        count = len(self.cache)
        below = (self.cache_levels[:count] <= np.asarray(levels)).all(axis=1)
        source = self.cache[int(np.argmin(np.where(below, self.cache_sizes[:count], _KEY_LIMIT)))]
        codes = source.codes.copy()
        for column, (low, high) in enumerate(zip(source.levels, levels, strict=True)):
            if high != low:
                mapping = self.maps[column][low][high]
                if mapping is None:  # pragma: no cover - every low <= high is filled in
                    raise LatticeError(f"No map from level {low} to {high}")
                codes[column] = mapping[codes[column]]
        table = self._group(levels, codes, source.values, source.counts)
        self._remember(table)
        return table

    def _remember(self, table: _Table) -> None:
        rows = len(table.counts)
        if self.cache and rows * 4 > _CACHE_ROWS:
            return
        count = len(self.cache)
        if count == len(self.cache_sizes):
            self.cache_levels = np.concatenate(
                [self.cache_levels, np.zeros_like(self.cache_levels)]
            )
            self.cache_sizes = np.concatenate([self.cache_sizes, np.zeros_like(self.cache_sizes)])
        self.cache.append(table)
        self.cache_levels[count] = table.levels
        self.cache_sizes[count] = rows
        self.cache_rows += rows
        if self.cache_rows > _CACHE_ROWS:
            # Forget the largest tables (never the bottom one): small ones are the better sources.
            order = [0, *(1 + np.argsort(self.cache_sizes[1 : count + 1], kind="stable"))]
            kept, total = [], 0
            for i in order:
                size = int(self.cache_sizes[i])
                if i == 0 or total + size <= _CACHE_ROWS // 2:
                    kept.append(int(i))
                    total += size
            self.cache = [self.cache[i] for i in kept]
            self.cache_levels[: len(kept)] = self.cache_levels[kept]
            self.cache_sizes[: len(kept)] = self.cache_sizes[kept]
            self.cache_rows = total

    def judge(self, table: _Table) -> tuple[Evaluation, IntArray, BoolArray]:
        """Evaluate a node's table; also returns each class's first pair and whether it passes."""
        counts = table.counts
        class_key = table.codes
        if self.value_count == 1:
            starts = np.arange(len(counts), dtype=np.int64)  # one pair per class
        elif len(counts):
            change = np.any(class_key[:, 1:] != class_key[:, :-1], axis=0)
            starts = np.flatnonzero(np.concatenate(([True], change))).astype(np.int64)
        else:
            starts = np.zeros(0, dtype=np.int64)
        sizes = np.add.reduceat(counts, starts) if len(counts) else counts
        ok = class_ok(self.model, starts, sizes, table.values, counts, self.domain)
        bad = ~ok
        suppressed = int(sizes[bad].sum())
        satisfied = suppressed <= self.limit
        if self.relaxation is self.model:
            fails_below = not satisfied
            loose = bad
        else:
            loose = ~class_ok(self.relaxation, starts, sizes, table.values, counts, self.domain)
            fails_below = int(sizes[loose].sum()) > self.limit
        # The suppression part only matters for a node that passes, and as a bound for the
        # nodes below one whose relaxation passes (when it fails, they all fail).
        base, extra = self.metric.score(
            table.levels, table.codes[:, starts[bad]] if satisfied else None, sizes, bad, self.rows
        )
        if self.relaxation is self.model:
            extra_below = extra
        elif not fails_below:
            extra_below = self.metric.score(
                table.levels, table.codes[:, starts[loose]], sizes, loose, self.rows
            )[1]
        else:
            extra_below = math.inf
        evaluation = Evaluation(
            levels=table.levels,
            satisfied=satisfied,
            suppressed=suppressed,
            classes=len(starts),
            base=base,
            extra=extra,
            value=(base + extra) * self.metric.scale,
            fails_below=fails_below,
            extra_below=extra_below,
        )
        return evaluation, starts, ok

    def evaluate(self, levels: tuple[int, ...]) -> Evaluation:
        return self.judge(self.table(levels))[0]


def build_evaluator(
    combinations: Combinations,
    hierarchies: Sequence[Hierarchy],
    model: PrivacyModel,
    metric: MetricName = "loss",
    domain: SensitiveDomain | None = None,
) -> Evaluator:
    return Evaluator(
        combinations, hierarchies, model, Metric.build(metric, hierarchies, combinations), domain
    )
