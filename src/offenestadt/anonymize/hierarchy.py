"""Generalisation hierarchies: for each value of a column, ever coarser labels up to `*`."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


class HierarchyError(ValueError):
    """A hierarchy that cannot be used, or a value it does not cover."""


class Hierarchy:
    """The generalisation hierarchy of one column.

    Each row holds an original value (level 0, a "leaf") followed by its generalisations, the most
    general last; every row has the same number of levels. A label must always generalise to the
    same label one level up (the levels nest), so that coarsening a table never splits a group.

    Besides the string interface the hierarchy keeps integer tables for the search: leaves are
    numbered in row order and `codes(level)[leaf]` is the number of the leaf's label at `level`
    (labels numbered in order of first appearance).
    """

    __slots__ = ("_codes", "_column", "_index", "_label_index", "_labels", "_parents", "_sizes")

    def __init__(
        self, column: str, rows: Sequence[Sequence[str]], *, source: str | None = None
    ) -> None:
        where = f" in {source}" if source else ""
        if not rows:
            raise HierarchyError(f"The hierarchy of column {column!r}{where} has no rows.")
        height = len(rows[0])
        if height == 0:
            raise HierarchyError(f"Row 1 of the hierarchy of column {column!r}{where} is empty.")
        self._column = column
        self._index: dict[str, int] = {}
        level_labels: list[dict[str, int]] = [{} for _ in range(height)]
        codes = np.empty((height, len(rows)), dtype=np.int64)
        for number, row in enumerate(rows):
            if len(row) != height:
                raise HierarchyError(
                    f"Row {number + 1} of the hierarchy of column {column!r}{where} has "
                    f"{len(row)} levels, row 1 has {height}; every row needs the same number."
                )
            leaf = str(row[0])
            if leaf in self._index:
                raise HierarchyError(
                    f"The value {leaf!r} appears twice in the hierarchy of column "
                    f"{column!r}{where} (rows {self._index[leaf] + 1} and {number + 1})."
                )
            self._index[leaf] = number
            for level, label in enumerate(row):
                codes[level, number] = level_labels[level].setdefault(
                    str(label), len(level_labels[level])
                )
        self._labels: tuple[tuple[str, ...], ...] = tuple(tuple(labels) for labels in level_labels)
        self._label_index = tuple(level_labels)
        self._codes: tuple[IntArray, ...] = tuple(_frozen(codes[level]) for level in range(height))
        self._sizes: tuple[IntArray, ...] = tuple(
            _frozen(np.bincount(self._codes[level], minlength=len(self._labels[level])))
            for level in range(height)
        )
        parents: list[IntArray] = []
        for level in range(height - 1):
            lower, upper = self._codes[level], self._codes[level + 1]
            parent = np.full(len(self._labels[level]), -1, dtype=np.int64)
            parent[lower] = upper
            clash = np.flatnonzero(parent[lower] != upper)
            if clash.size:
                first = int(clash[0])
                label = self._labels[level][int(lower[first])]
                second = int(
                    np.flatnonzero((lower == lower[first]) & (upper == parent[lower[first]]))[0]
                )
                first, second = min(first, second), max(first, second)
                raise HierarchyError(
                    f"In the hierarchy of column {column!r}{where}, the label {label!r} at level "
                    f"{level} generalises to {self._labels[level + 1][int(upper[first])]!r} in row "
                    f"{first + 1} but to {self._labels[level + 1][int(upper[second])]!r} in row "
                    f"{second + 1}; the levels must nest."
                )
            parents.append(_frozen(parent))
        self._parents = tuple(parents)

    @classmethod
    def from_arx_file(cls, path: str | Path, column: str) -> Hierarchy:
        """Read a hierarchy file as ARX writes them: one row per value, `;`-separated levels."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise HierarchyError(
                f"Cannot read the hierarchy file {str(path)!r}: {error.strerror}."
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        rows = [line.split(";") for line in text.splitlines() if line.strip()]
        return cls(column, rows, source=f"file {str(path)!r}")

    @property
    def column(self) -> str:
        return self._column

    @property
    def height(self) -> int:
        """Number of levels, the original values (level 0) included."""
        return len(self._labels)

    @property
    def leaves(self) -> tuple[str, ...]:
        """The original values (level 0), in row order."""
        return self._labels[0]

    @property
    def leaf_index(self) -> Mapping[str, int]:
        """Number of each original value (its row)."""
        return self._index

    def __len__(self) -> int:
        return len(self._labels[0])

    def __contains__(self, value: object) -> bool:
        return value in self._index

    def __repr__(self) -> str:
        return f"Hierarchy({self._column!r}, {len(self)} values, {self.height} levels)"

    def _check_level(self, level: int) -> None:
        if not 0 <= level < self.height:
            raise HierarchyError(
                f"The hierarchy of column {self._column!r} has levels 0 to {self.height - 1}, "
                f"not {level}."
            )

    def generalize(self, value: str, level: int) -> str:
        """The label of `value` at `level`."""
        self._check_level(level)
        try:
            leaf = self._index[value]
        except KeyError:
            raise HierarchyError(
                f"The value {value!r} of column {self._column!r} is not in its hierarchy."
            ) from None
        return self._labels[level][int(self._codes[level][leaf])]

    def labels(self, level: int) -> tuple[str, ...]:
        """The distinct labels of `level`, in order of first appearance."""
        self._check_level(level)
        return self._labels[level]

    def leaf_count(self, label: str, level: int) -> int:
        """How many original values `label` stands for at `level`."""
        self._check_level(level)
        try:
            return int(self._sizes[level][self._label_index[level][label]])
        except KeyError:
            raise HierarchyError(
                f"The hierarchy of column {self._column!r} has no label {label!r} at level {level}."
            ) from None

    def codes(self, level: int) -> IntArray:
        """Label number at `level` of each original value (indexed by leaf number); read-only."""
        self._check_level(level)
        return self._codes[level]

    def label_sizes(self, level: int) -> IntArray:
        """Number of original values under each label of `level`; read-only."""
        self._check_level(level)
        return self._sizes[level]

    def parents(self, level: int) -> IntArray:
        """Label number at `level + 1` of each label of `level`; read-only."""
        if not 0 <= level < self.height - 1:
            raise HierarchyError(
                f"The hierarchy of column {self._column!r} has no level above {level}."
            )
        return self._parents[level]

    def rows(self) -> tuple[tuple[str, ...], ...]:
        """The hierarchy as rows (original value first), as it was built."""
        return tuple(
            tuple(
                self._labels[level][int(self._codes[level][leaf])] for level in range(self.height)
            )
            for leaf in range(len(self))
        )

    def write_arx_file(self, path: str | Path) -> None:
        """Write the hierarchy in the format `from_arx_file` reads."""
        lines = (";".join(row) for row in self.rows())
        Path(path).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _frozen(array: IntArray) -> IntArray:
    array = np.ascontiguousarray(array, dtype=np.int64)
    array.setflags(write=False)
    return array


# --- generators -------------------------------------------------------------------------------


def _distinct(values: Iterable[object]) -> list[str]:
    """The distinct values as strings, missing values left out, in order of first appearance."""
    return list(dict.fromkeys(str(value) for value in values if value is not None))


def _number(column: str, value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise HierarchyError(f"The value {value!r} of column {column!r} is not a number.") from None
    if not number.is_finite():
        raise HierarchyError(f"The value {value!r} of column {column!r} is not a finite number.")
    return number


def _setting(column: str, name: str, value: float | int | str) -> Decimal:
    """A width, size or threshold given for a generator, as a finite number."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise HierarchyError(
            f"Each {name} for column {column!r} must be a number, not {value!r}."
        ) from None
    if not number.is_finite():
        raise HierarchyError(
            f"Each {name} for column {column!r} must be a finite number, not {value!r}."
        )
    return number


def _positive_steps(column: str, name: str, steps: Sequence[float | int | str]) -> list[Decimal]:
    """Increasing steps, each a whole multiple of the one before, so that the levels nest."""
    if not steps:
        raise HierarchyError(f"Give at least one {name} for column {column!r}.")
    result = [_setting(column, name, step) for step in steps]
    for before, step in zip([None, *result], result, strict=False):
        if step <= 0:
            raise HierarchyError(f"Each {name} for column {column!r} must be positive, not {step}.")
        if before is not None and (step <= before or step % before != 0):
            raise HierarchyError(
                f"Each {name} for column {column!r} must be a whole multiple of the one before "
                f"(and larger), so that the levels nest: {step} after {before}."
            )
    return result


def _format(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def intervals(
    column: str,
    values: Iterable[object],
    *,
    widths: Sequence[float | int | str],
    start: float | int | str = 0,
) -> Hierarchy:
    """Numeric intervals of growing width, then `*`.

    Level i puts a number x into the interval of width `widths[i-1]` counted from `start`. Whole
    numbers get inclusive labels like ARX's ("20-24", or "[-5, -1]" below zero); other numbers
    half-open ones ("[2.5, 5)").
    """
    origin = _setting(column, "start", start)
    steps = _positive_steps(column, "width", widths)
    leaves = _distinct(values)
    numbers = [_number(column, value) for value in leaves]
    whole = all(n == n.to_integral_value() for n in [*numbers, origin, *steps])
    rows = []
    for leaf, number in zip(leaves, numbers, strict=True):
        row = [leaf]
        for width in steps:
            low = origin + math.floor(Fraction(number - origin) / Fraction(width)) * width
            high = low + width
            if whole and low >= 0:
                row.append(f"{_format(low)}-{_format(high - 1)}")
            elif whole:
                row.append(f"[{_format(low)}, {_format(high - 1)}]")
            else:
                row.append(f"[{_format(low)}, {_format(high)})")
        row.append("*")
        rows.append(row)
    return Hierarchy(column, rows)


_DATE_STEPS = ("month", "quarter", "year", "decade")


def _date(column: str, value: str) -> dt.date:
    """An ISO date (time of day ignored) or a German one (`31.12.2024`)."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
            return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007 - a date
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise HierarchyError(
            f"The value {value!r} of column {column!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)."
        ) from None


def date_truncation(
    column: str, values: Iterable[object], *, levels: Sequence[str] = ("month", "year")
) -> Hierarchy:
    """Dates (ISO `YYYY-MM-DD`, time of day ignored, or German `DD.MM.YYYY`) truncated step by
    step, then `*`.

    Steps, in this order: "month" (2024-03), "quarter" (2024-Q1), "year" (2024) and
    "decade" (2020-2029).
    """
    if not levels:
        raise HierarchyError(f"Give at least one truncation step for column {column!r}.")
    unknown = [step for step in levels if step not in _DATE_STEPS]
    if unknown:
        raise HierarchyError(
            f"Unknown date step {unknown[0]!r} for column {column!r}; use {', '.join(_DATE_STEPS)}."
        )
    order = [_DATE_STEPS.index(step) for step in levels]
    if order != sorted(set(order)):
        raise HierarchyError(
            f"The date steps for column {column!r} must go from fine to coarse without repeats "
            f"({', '.join(_DATE_STEPS)})."
        )
    rows = []
    for leaf in _distinct(values):
        date = _date(column, leaf)
        labels = {
            "month": f"{date.year:04d}-{date.month:02d}",
            "quarter": f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}",
            "year": f"{date.year:04d}",
            "decade": f"{date.year // 10 * 10:04d}-{date.year // 10 * 10 + 9:04d}",
        }
        rows.append([leaf, *(labels[step] for step in levels), "*"])
    return Hierarchy(column, rows)


def postcode_prefix(
    column: str, values: Iterable[object], *, keep: Sequence[int] | None = None
) -> Hierarchy:
    """Postcodes masked from the right ("44787" -> "4478*" -> "447**" ...), then `*`.

    `keep` lists how many leading characters each level keeps, decreasing; by default one more
    character is masked per level, down to one kept.
    """
    leaves = _distinct(values)
    longest = max((len(value) for value in leaves), default=1)
    kept = list(range(longest - 1, 0, -1)) if keep is None else list(keep)
    if any(n < 1 for n in kept) or any(a <= b for a, b in itertools.pairwise(kept)):
        raise HierarchyError(
            f"The prefix lengths for column {column!r} must be positive and decreasing, not {kept}."
        )
    rows = [[leaf, *(leaf[:n] + "*" * max(len(leaf) - n, 0) for n in kept), "*"] for leaf in leaves]
    return Hierarchy(column, rows)


def coordinate_grid(
    column: str,
    values: Iterable[object],
    *,
    cell_sizes: Sequence[float | int | str] = ("0.001", "0.01", "0.1", "1"),
) -> Hierarchy:
    """Coordinates ("lat,lon" in degrees) snapped to ever coarser square grid cells, then `*`.

    A cell is labelled by its south-west corner and its edge length: "51.48,7.21/0.01". Each cell
    size must be a whole multiple of the one before, so that the cells nest.
    """
    sizes = _positive_steps(column, "cell size", cell_sizes)
    rows = []
    for leaf in _distinct(values):
        parts = leaf.replace(";", ",").split(",")
        if len(parts) != 2:
            raise HierarchyError(
                f"The value {leaf!r} of column {column!r} is not a coordinate (latitude,longitude)."
            )
        lat, lon = (_number(column, part) for part in parts)
        row = [leaf]
        for size in sizes:
            corner = (
                math.floor(Fraction(coordinate) / Fraction(size)) * size
                for coordinate in (lat, lon)
            )
            row.append(",".join(_format(value) for value in corner) + f"/{_format(size)}")
        row.append("*")
        rows.append(row)
    return Hierarchy(column, rows)


def top_coding(
    column: str, values: Iterable[object], *, thresholds: Sequence[float | int | str]
) -> Hierarchy:
    """Numbers at or above a threshold replaced by ">=threshold", lower thresholds level by level,
    then `*`. Values below the threshold keep their original value."""
    if not thresholds:
        raise HierarchyError(f"Give at least one threshold for column {column!r}.")
    limits = [_setting(column, "threshold", threshold) for threshold in thresholds]
    if any(a <= b for a, b in itertools.pairwise(limits)):
        raise HierarchyError(
            f"The thresholds for column {column!r} must decrease from level to level, so that the "
            "levels nest."
        )
    rows = []
    for leaf in _distinct(values):
        number = _number(column, leaf)
        labels = [f">={_format(limit)}" if number >= limit else leaf for limit in limits]
        rows.append([leaf, *labels, "*"])
    return Hierarchy(column, rows)
