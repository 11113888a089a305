"""Mondrian: local recoding by cutting the table into ever smaller boxes of similar records.

The table is split recursively (strict partitioning: all records with the same value of the cut
column go to the same side) along the quasi-identifier whose values in the box spread widest,
relative to the whole column, as long as both sides still satisfy the privacy model. Each final
box is released with one value per quasi-identifier:

- a numeric column (every value a number, with or without a hierarchy) is cut at the median and
  released as the closed range ``[lo-hi]`` of its values in the box, a single value as itself;
- a column with a hierarchy is cut along the hierarchy: a box is split by the children of the
  lowest label that covers all its values (into all children at once when each satisfies the
  model, otherwise into two groups of children), and released as that lowest label;
- any other column is ordered alphabetically, cut like a numeric one and released as the set
  ``{a, b}`` of its values in the box (``*`` when that is every value of the column).

A missing value is one more value after all others; a box that mixes it with other values is
released as ``*``. A box released as ``*`` in every column says as much as a suppressed record,
and the risk and utility reports count it as one.

The work is done on integer codes of the distinct combinations of values with their counts,
never record by record.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import NUMBER, interval_label, set_label
from offenestadt.anonymize.models import TOLERANCE, PrivacyModel
from offenestadt.anonymize.risk import SUPPRESSED

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


class MondrianError(ValueError):
    """Parameters or data Mondrian cannot work with."""


class UnsatisfiableError(MondrianError):
    """Even the whole table, released as one group, does not satisfy the privacy model."""


@dataclass(frozen=True)
class _Ordered:
    """A column cut as ordered values: numbers, or categories in alphabetical order."""

    texts: tuple[str | None, ...]  # original text of each code; None (missing) last
    numbers: Floats | None  # the number of each code (numeric columns), missing as nan
    numeric: bool

    def width(self, low: int, high: int) -> float:
        if low == high:
            return 0.0
        if self.texts[high] is None:  # missing mixed with other values
            return 1.0
        if self.numbers is not None:
            span = float(self.numbers[self._last_value] - self.numbers[0])
            return float(self.numbers[high] - self.numbers[low]) / span if span > 0 else 0.0
        return (high - low) / max(self._last_value, 1)

    @property
    def _last_value(self) -> int:
        return len(self.texts) - (2 if self.texts[-1] is None else 1)


@dataclass(frozen=True)
class _Tree:
    """A column cut along its hierarchy; codes are leaves in depth-first order of the tree."""

    nodes: Ints  # nodes[level, position]: label number of the leaf at that position
    sizes: tuple[Ints, ...]  # leaves under each label number, per level
    labels: tuple[tuple[str, ...], ...]  # label texts, per level (last level: virtual root "*")
    boundaries: Bools  # boundaries[level, p]: positions p and p+1 differ at that level
    leaves: int
    # paths[p]: the label numbers of position p from level 0 up (plain ints: the boxes ask
    # for lowest common labels tens of thousands of times, faster in Python than in numpy)
    paths: tuple[tuple[int, ...], ...]

    def lowest_common(self, low: int, high: int) -> int:
        """The lowest level at which one label covers positions low to high."""
        for level, (first, last) in enumerate(zip(self.paths[low], self.paths[high], strict=True)):
            if first == last:
                return level
        raise AssertionError("the root covers every position")  # pragma: no cover

    def width(self, low: int, high: int) -> float:
        if low == high or self.leaves < 2:
            return 0.0
        level = self.lowest_common(low, high)
        under = int(self.sizes[level][self.paths[low][level]])
        return (under - 1) / (self.leaves - 1)

    def label(self, low: int, high: int) -> str:
        level = self.lowest_common(low, high)
        return self.labels[level][self.paths[low][level]]


def _tree(hierarchy: Hierarchy) -> tuple[_Tree, dict[str, int]]:
    height = hierarchy.height
    leaf_numbers = np.arange(len(hierarchy), dtype=np.int64)
    # Sorting by the label numbers from the top down makes each label a run of positions.
    order = np.lexsort([leaf_numbers, *(hierarchy.codes(level) for level in range(1, height))])
    nodes = np.empty((height + 1, len(order)), dtype=np.int64)
    for level in range(height):
        nodes[level] = hierarchy.codes(level)[order]
    nodes[height] = 0  # a root above the top level, in case the top level has several labels
    sizes = (
        *(np.asarray(hierarchy.label_sizes(level), dtype=np.int64) for level in range(height)),
        np.array([len(order)], dtype=np.int64),
    )
    labels = (*(hierarchy.labels(level) for level in range(height)), (SUPPRESSED,))
    boundaries = nodes[:, :-1] != nodes[:, 1:]
    positions = {hierarchy.leaves[int(leaf)]: position for position, leaf in enumerate(order)}
    paths = tuple(tuple(int(label) for label in path) for path in nodes.T)
    return _Tree(nodes, sizes, labels, boundaries, len(order), paths), positions


def _is_numeric(values: pl.Series) -> bool:
    """Whether every present value is a number in plain notation (as interval labels need)."""
    present = values.drop_nulls()
    if present.len() == 0 or not present.str.contains(f"^{NUMBER}$").all():
        return False
    return bool(present.cast(pl.Float64).is_finite().all())


def _ordered(values: pl.Series) -> tuple[_Ordered, pl.Series]:
    """Codes of an ordered column, and the code of each record."""
    distinct = values.unique().drop_nulls()
    numeric = _is_numeric(values)
    if numeric:
        numbers = distinct.cast(pl.Float64)
        frame = pl.DataFrame({"text": distinct, "number": numbers}).sort("number", "text")
        texts: list[str | None] = frame["text"].to_list()
        number_list = frame["number"].to_list()
    else:
        texts = distinct.sort().to_list()
        number_list = []
    if values.null_count():
        texts.append(None)
        number_list.append(float("nan"))
    codes = pl.Series(values.name, range(len(texts)), dtype=pl.Int64)
    mapping = pl.DataFrame({"text": pl.Series(texts, dtype=pl.String), "code": codes})
    record_codes = (
        pl.DataFrame({"text": values})
        .join(mapping, on="text", how="left", nulls_equal=True, maintain_order="left")
        .get_column("code")
    )
    column = _Ordered(
        tuple(texts),
        np.array(number_list, dtype=np.float64) if numeric else None,
        numeric,
    )
    return column, record_codes


@dataclass(frozen=True)
class _Model:
    k: int
    l: int | None  # noqa: E741 - the name of the model's parameter
    l_variant: str
    t: float | None
    overall: Floats  # distribution of the sensitive values in the whole table (empty: none)
    sensitive_tree: tuple[Floats, ...] | None  # for hierarchical t: leaf-to-node membership

    def holds(self, counts: Floats, sensitive: Floats | None) -> Bools:
        """Whether each group (row) with these record counts (and sensitive counts) complies."""
        ok: Bools = counts >= self.k
        if sensitive is None:
            return ok
        if self.l is not None:
            if self.l_variant == "distinct":
                ok &= (sensitive > 0).sum(axis=1) >= self.l
            else:
                shares = sensitive / np.maximum(counts, 1)[:, None]
                with np.errstate(divide="ignore", invalid="ignore"):
                    terms = np.where(shares > 0, -shares * np.log(shares), 0.0)
                # The tolerance keeps "exactly l equally frequent values" compliant.
                ok &= terms.sum(axis=1) >= np.log(self.l) - TOLERANCE
        if self.t is not None:
            ok &= self.distance(counts, sensitive) <= self.t + TOLERANCE
        return ok

    def distance(self, counts: Floats, sensitive: Floats) -> Floats:
        extra = sensitive / np.maximum(counts, 1)[:, None] - self.overall[None, :]
        if self.sensitive_tree is None:
            return np.asarray(0.5 * np.abs(extra).sum(axis=1), dtype=np.float64)
        # Hierarchical ground distance (Li et al.): at each label, the mass that must move
        # between its children, min(surplus, deficit), costs the label's level / the height.
        height = len(self.sensitive_tree)
        total = np.zeros(counts.shape[0])
        below = extra
        for level, step in enumerate(self.sensitive_tree, start=1):
            surplus = np.maximum(below, 0.0) @ step
            deficit = np.maximum(-below, 0.0) @ step
            total += level / height * np.minimum(surplus, deficit).sum(axis=1)
            below = below @ step
        return total


def _sensitive_tree(hierarchy: Hierarchy, values: Sequence[str]) -> tuple[Floats, ...]:
    """Child-to-parent membership matrices of the sensitive hierarchy, leaves = ``values``."""
    height = hierarchy.height
    leaf_numbers = np.array([hierarchy.leaf_index[value] for value in values], dtype=np.int64)
    steps: list[Floats] = []
    below = np.arange(len(values))  # the sensitive codes are the first "labels"
    below_count = len(values)
    for level in range(1, height):
        above = hierarchy.codes(level)[leaf_numbers]
        count = len(hierarchy.labels(level))
        step = np.zeros((below_count, count))
        step[below, above] = 1.0
        steps.append(step)
        below, below_count = above, count
    if below_count > 1 or not steps:  # no single top label: add a root
        step = np.zeros((below_count, 1))
        step[:, 0] = 1.0
        steps.append(step)
    return tuple(steps)


def _check(
    table: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: str | None,
    k: int,
    l: int | None,  # noqa: E741 - the name of the model's parameter
    l_variant: str,
    t: float | None,
    t_distance: str,
    identifiers: Collection[str],
) -> None:
    if not quasi_identifiers:
        raise MondrianError("Name at least one quasi-identifier")
    names = [*quasi_identifiers, *identifiers, *([sensitive] if sensitive else [])]
    missing = [name for name in names if name not in table.columns]
    if missing:
        raise MondrianError(f"The table has no column {', '.join(dict.fromkeys(missing))}")
    if len(set(quasi_identifiers)) != len(quasi_identifiers):
        raise MondrianError("A quasi-identifier is named twice")
    if set(quasi_identifiers) & set(identifiers):
        raise MondrianError("A column cannot be both a direct identifier and a quasi-identifier")
    if sensitive is not None and (sensitive in quasi_identifiers or sensitive in identifiers):
        raise MondrianError(
            f"The sensitive column {sensitive!r} cannot also be an identifier or quasi-identifier"
        )
    # The same parameter checks (and messages) as the full-domain search; raises ModelError.
    PrivacyModel(k=k, l=l, l_variant=l_variant, t=t, t_distance=t_distance)  # type: ignore[arg-type]
    if (l is not None or t is not None) and sensitive is None:
        raise MondrianError("l-diversity and t-closeness need a sensitive column")
    if t is not None and t_distance == "hierarchical" and sensitive not in hierarchies:
        raise MondrianError(
            f"Hierarchical t-closeness needs a hierarchy for the sensitive column {sensitive!r}"
        )


def _hierarchy_codes(column: str, values: pl.Series, positions: dict[str, int]) -> pl.Series:
    unknown = values.filter(~values.is_in(list(positions)) | values.is_null()).unique()
    if unknown.len():
        shown = ", ".join(repr(value) for value in unknown.head(3).to_list())
        raise MondrianError(f"The column {column!r} has values its hierarchy lacks: {shown}")
    return values.replace_strict(positions, return_dtype=pl.Int64)


class _Partitioner:
    """The recursive cut over distinct combinations (rows of ``codes``) weighted by ``counts``."""

    def __init__(
        self,
        columns: Sequence[_Ordered | _Tree],
        codes: Ints,
        counts: Floats,
        sensitive: Ints | None,
        sensitive_values: int,
        model: _Model,
    ) -> None:
        self.columns = columns
        self.codes = codes
        self.counts = counts
        self.sensitive = sensitive
        self.sensitive_values = sensitive_values
        self.model = model

    def _histogram(self, positions: Ints, weights: Floats, idx: Ints, size: int) -> Floats | None:
        if self.sensitive is None:
            return None
        values = self.sensitive_values
        flat = np.bincount(
            positions * values + self.sensitive[idx], weights=weights, minlength=size * values
        )
        return flat.reshape(size, values)

    def _split(self, column: int, idx: Ints, low: int, high: int) -> list[Ints] | None:
        spec = self.columns[column]
        positions = self.codes[idx, column] - low
        weights = self.counts[idx]
        size = high - low + 1
        counts = np.bincount(positions, weights=weights, minlength=size)
        by_sensitive = self._histogram(positions, weights, idx, size)
        cuttable = np.ones(size - 1, dtype=bool)
        if isinstance(spec, _Tree):
            level = spec.lowest_common(low, high)
            children = spec.boundaries[level - 1, low:high]
            group = np.concatenate(([0], np.cumsum(children)))
            group_counts = np.bincount(group, weights=counts)
            present = group_counts > 0
            if present.sum() > 2:  # all children at once, if each of them complies
                group_sensitive = None
                if by_sensitive is not None:
                    group_sensitive = np.zeros((int(group[-1]) + 1, self.sensitive_values))
                    np.add.at(group_sensitive, group, by_sensitive)
                    group_sensitive = group_sensitive[present]
                if self.model.holds(group_counts[present], group_sensitive).all():
                    record_group = group[positions]
                    return [idx[record_group == number] for number in np.flatnonzero(present)]
            cuttable = children.copy()
        left = np.cumsum(counts)[:-1]
        total = float(counts.sum())
        cuttable &= (left > 0) & (left < total)
        cuttable &= (left >= self.model.k) & (total - left >= self.model.k)
        if not cuttable.any():
            return None
        if by_sensitive is not None:
            candidates = np.flatnonzero(cuttable)
            left_sensitive = np.cumsum(by_sensitive, axis=0)[:-1][candidates]
            right_sensitive = by_sensitive.sum(axis=0)[None, :] - left_sensitive
            ok = self.model.holds(left[candidates], left_sensitive) & self.model.holds(
                total - left[candidates], right_sensitive
            )
            cuttable[:] = False
            cuttable[candidates[ok]] = True
            if not cuttable.any():
                return None
        balance = np.where(cuttable, np.abs(left - total / 2), np.inf)
        cut = int(np.argmin(balance))
        goes_left = positions <= cut
        return [idx[goes_left], idx[~goes_left]]

    def partitions(self) -> list[Ints]:
        """The final boxes, as arrays of combination numbers."""
        finals: list[Ints] = []
        stack = [np.arange(self.codes.shape[0], dtype=np.int64)]
        too_small = 2 * self.model.k
        while stack:
            idx = stack.pop()
            if self.counts[idx].sum() < too_small or idx.size == 1:
                finals.append(idx)
                continue
            box = self.codes[idx]
            lows, highs = box.min(axis=0), box.max(axis=0)
            widths = [
                spec.width(int(low), int(high))
                for spec, low, high in zip(self.columns, lows, highs, strict=True)
            ]
            widest_first = sorted(
                (column for column, width in enumerate(widths) if width > 0),
                key=lambda column: -widths[column],
            )
            for column in widest_first:
                parts = self._split(column, idx, int(lows[column]), int(highs[column]))
                if parts is not None:
                    stack.extend(parts)
                    break
            else:
                finals.append(idx)
        return finals


def _labels(
    spec: _Ordered | _Tree, lows: Ints, highs: Ints, present: list[Ints]
) -> list[str | None]:
    """The released value of one column for each box."""
    result: list[str | None] = []
    if isinstance(spec, _Tree):
        return [spec.label(int(low), int(high)) for low, high in zip(lows, highs, strict=True)]
    texts = spec.texts
    all_values = len(texts) - (1 if texts[-1] is None else 0)
    for low, high, values in zip(lows, highs, present, strict=True):
        if low == high:
            result.append(texts[int(low)])
        elif texts[int(high)] is None:
            result.append(SUPPRESSED)
        elif spec.numeric:
            result.append(interval_label(str(texts[int(low)]), str(texts[int(high)])))
        elif values.size == all_values:
            result.append(SUPPRESSED)
        else:
            result.append(set_label([str(texts[int(value)]) for value in values]))
    return result


def mondrian(
    table: pl.DataFrame | pl.LazyFrame,
    *,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    sensitive: str | None = None,
    k: int,
    l: int | None = None,  # noqa: E741 - the name of the model's parameter
    l_variant: str = "distinct",
    t: float | None = None,
    t_distance: str = "equal",
    identifiers: Collection[str] = (),
) -> pl.DataFrame:
    """The table with direct identifiers dropped and quasi-identifiers recoded box by box.

    Every box of records with equal released quasi-identifiers holds at least ``k`` records
    and, when asked, ``l`` distinct (or entropy-l) sensitive values or a sensitive distribution
    within ``t`` of the whole table's. Records keep their order. Raises MondrianError when even
    the whole table, released as one box, does not satisfy the model (UnsatisfiableError).
    """
    frame = table.collect() if isinstance(table, pl.LazyFrame) else table
    qis = list(quasi_identifiers)
    _check(frame, qis, hierarchies, sensitive, k, l, l_variant, t, t_distance, identifiers)
    if frame.height == 0:
        return frame.drop(identifiers).with_columns(pl.col(qis).cast(pl.String))

    columns, coded = _encode(frame, qis, hierarchies)
    keys = list(coded.columns)
    sensitive_values: list[str | None] = []
    if sensitive is not None:
        sensitive_text = frame[sensitive].cast(pl.String)
        sensitive_values = sensitive_text.unique().sort(nulls_last=True).to_list()
        lookup = pl.DataFrame(
            {"s_text": sensitive_values, "s": range(len(sensitive_values))},
            schema={"s_text": pl.String, "s": pl.Int64},
        )
        coded = (
            coded.with_columns(s_text=sensitive_text)
            .join(lookup, on="s_text", how="left", nulls_equal=True, maintain_order="left")
            .drop("s_text")
        )
        keys.append("s")
    # The distinct combinations of values (with the sensitive value) and their record counts.
    combos = coded.group_by(keys).agg(pl.len().alias("records")).with_row_index("combo")
    codes: Ints = combos.select(keys[: len(qis)]).to_numpy().astype(np.int64, copy=False)
    counts: Floats = combos["records"].to_numpy().astype(np.float64)
    sensitive_codes: Ints | None = None
    if sensitive is not None:
        sensitive_codes = combos["s"].to_numpy().astype(np.int64)
    model = _model(
        k, l, l_variant, t, t_distance, hierarchies, sensitive, sensitive_values,
        sensitive_codes, counts,
    )  # fmt: skip

    boxes = _Partitioner(
        columns, codes, counts, sensitive_codes, len(sensitive_values), model
    ).partitions()
    box_of_combo = np.empty(codes.shape[0], dtype=np.int64)
    lows = np.empty((len(boxes), len(qis)), dtype=np.int64)
    highs = np.empty((len(boxes), len(qis)), dtype=np.int64)
    for number, idx in enumerate(boxes):
        box_of_combo[idx] = number
        box = codes[idx]
        lows[number], highs[number] = box.min(axis=0), box.max(axis=0)

    combo_of_record = (
        coded.join(combos.select(*keys, "combo"), on=keys, how="left", maintain_order="left")
        .get_column("combo")
        .to_numpy()
    )
    box_of_record = pl.Series(box_of_combo[combo_of_record])
    released: dict[str, pl.Series] = {}
    for column, (name, spec) in enumerate(zip(qis, columns, strict=True)):
        if isinstance(spec, _Ordered) and not spec.numeric:
            present = [np.unique(codes[idx, column]) for idx in boxes]
        else:
            present = [np.empty(0, dtype=np.int64)] * len(boxes)
        labels = _labels(spec, lows[:, column], highs[:, column], present)
        released[name] = pl.Series(name, labels, dtype=pl.String).gather(box_of_record)
    dropped = set(identifiers)
    return frame.select(
        released[name] if name in released else pl.col(name)
        for name in frame.columns
        if name not in dropped
    )


def _encode(
    frame: pl.DataFrame, qis: Sequence[str], hierarchies: Mapping[str, Hierarchy]
) -> tuple[list[_Ordered | _Tree], pl.DataFrame]:
    """How each quasi-identifier is cut, and the integer code of each record's value."""
    columns: list[_Ordered | _Tree] = []
    record_codes: list[pl.Series] = []
    for name in qis:
        values = frame[name].cast(pl.String)
        hierarchy = hierarchies.get(name)
        spec: _Ordered | _Tree
        if hierarchy is None or _is_numeric(values):
            spec, codes = _ordered(values)
        else:
            spec, positions = _tree(hierarchy)
            codes = _hierarchy_codes(name, values, positions)
        columns.append(spec)
        record_codes.append(codes.alias(f"q{len(record_codes)}"))
    return columns, pl.DataFrame(record_codes)


def _model(
    k: int,
    l: int | None,  # noqa: E741 - the name of the model's parameter
    l_variant: str,
    t: float | None,
    t_distance: str,
    hierarchies: Mapping[str, Hierarchy],
    sensitive: str | None,
    sensitive_values: Sequence[str | None],
    sensitive_codes: Ints | None,
    counts: Floats,
) -> _Model:
    """The model's checks, after making sure the whole table satisfies it."""
    overall: Floats | None = None
    tree = None
    root_sensitive: Floats | None = None
    if sensitive is not None and sensitive_codes is not None:
        root = np.bincount(sensitive_codes, weights=counts, minlength=len(sensitive_values))
        root_sensitive = root[None, :]
        overall = root / root.sum()
        if t is not None and t_distance == "hierarchical":
            hierarchy = hierarchies[sensitive]
            lacking = [value for value in sensitive_values if value not in hierarchy]
            if lacking:
                raise MondrianError(
                    f"The sensitive column {sensitive!r} has values its hierarchy lacks: "
                    + ", ".join(repr(value) for value in lacking[:3])
                )
            tree = _sensitive_tree(hierarchy, [str(value) for value in sensitive_values])
    model = _Model(k, l, l_variant, t, np.zeros(0) if overall is None else overall, tree)
    if not model.holds(np.array([counts.sum()]), root_sensitive)[0]:
        raise UnsatisfiableError(
            "Even the whole table released as one group does not satisfy the privacy model "
            f"(it has {int(counts.sum())} records"
            + (f" and {len(sensitive_values)} distinct sensitive values" if sensitive else "")
            + "); lower k or l, or raise t."
        )
    return model
