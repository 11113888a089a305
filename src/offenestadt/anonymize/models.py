"""Privacy models: k-anonymity, distinct and entropy l-diversity, t-closeness; suppression limit.

A model judges each equivalence class (records with the same quasi-identifier values). Records
of classes that fail are suppressed; a transformation satisfies the model when the suppressed
records stay within the limit. The checks work on class statistics in arrays, so the search can
run them for thousands of transformations, and on released tables (`measure`), so a release can
be verified afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from offenestadt.anonymize.hierarchy import Hierarchy

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

LVariant = Literal["distinct", "entropy"]
TDistance = Literal["equal", "hierarchical"]

SUPPRESSED = "*"
# Room for rounding when comparing entropies and distances with their limits.
TOLERANCE = 1e-9
# Cells of the dense class x sensitive-value matrix built at a time for hierarchical distances.
_DENSE_CELLS = 1 << 21


class ModelError(ValueError):
    """Model parameters that make no sense, with what to change."""


@dataclass(frozen=True)
class PrivacyModel:
    """The requirements a release must meet.

    - k: every released record shares its quasi-identifier values with at least k-1 others.
    - l (with `l_variant`): every class holds at least l distinct sensitive values ("distinct"),
      or the entropy of its sensitive values is at least log(l) ("entropy").
    - t (with `t_distance`): the distribution of the sensitive value in every class is within
      Earth Mover's Distance t of its distribution in the whole input table; "equal" treats all
      values as equally far apart, "hierarchical" measures along the sensitive column's hierarchy.
    - suppression: the share of records (0 to 1) that may be withheld to reach the rest.
    """

    k: int = 1
    l: int | None = None  # noqa: E741 - the name of the model's parameter
    l_variant: LVariant = "distinct"
    t: float | None = None
    t_distance: TDistance = "equal"
    suppression: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise ModelError(f"k must be a whole number of at least 1, not {self.k!r}.")
        if self.l is not None and (
            isinstance(self.l, bool) or not isinstance(self.l, int) or self.l < 1
        ):
            raise ModelError(f"l must be a whole number of at least 1, not {self.l!r}.")
        if self.l_variant not in ("distinct", "entropy"):
            raise ModelError(
                f"The l-diversity variant must be distinct or entropy, not {self.l_variant!r}."
            )
        if self.t is not None and not (0 <= self.t <= 1):
            raise ModelError(f"t must lie between 0 and 1, not {self.t!r}.")
        if self.t_distance not in ("equal", "hierarchical"):
            raise ModelError(
                f"The t-closeness distance must be equal or hierarchical, not {self.t_distance!r}."
            )
        if not (0 <= self.suppression <= 1) or math.isnan(self.suppression):
            raise ModelError(
                f"The suppression limit is a share of records between 0 and 1 (0.02 for 2 %), "
                f"not {self.suppression!r}."
            )

    @property
    def needs_sensitive(self) -> bool:
        return self.l is not None or self.t is not None

    def suppression_limit(self, rows: int) -> int:
        """How many records may be suppressed in a table of `rows` records."""
        return math.floor(self.suppression * rows + TOLERANCE)

    @property
    def monotone(self) -> bool:
        """Whether generalising a transformation that meets the model always gives one that does.

        A class that meets k-anonymity or distinct l-diversity still meets it when merged with any
        other class, so with suppression the set of suppressed records only shrinks upward in the
        lattice. Entropy l-diversity and t-closeness only survive merging two classes that both
        meet them; merging with a failing class can fail, so they are monotone only when nothing
        may be suppressed.
        """
        merge_safe = self.t is None and (self.l is None or self.l_variant == "distinct")
        return merge_safe or self.suppression == 0

    def describe(self) -> str:
        parts = [f"{self.k}-anonymity"]
        if self.l is not None:
            parts.append(f"{self.l_variant} {self.l}-diversity")
        if self.t is not None:
            parts.append(f"{self.t:g}-closeness ({self.t_distance} distance)")
        return ", ".join(parts) + f" with at most {self.suppression:.2%} suppressed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "l": self.l,
            "l_variant": self.l_variant if self.l is not None else None,
            "t": self.t,
            "t_distance": self.t_distance if self.t is not None else None,
            "suppression": self.suppression,
        }


@dataclass(frozen=True)
class SensitiveDomain:
    """The sensitive column's values (numbered), their share in the whole input, and for
    hierarchical distance the label numbers of each value level by level."""

    values: tuple[str, ...]
    overall: FloatArray
    levels: tuple[IntArray, ...] = ()  # levels[j][value] = label number at level j+1

    @classmethod
    def build(
        cls,
        values: Sequence[str],
        counts: npt.NDArray[Any],
        hierarchy: Hierarchy | None = None,
    ) -> SensitiveDomain:
        total = counts.sum()
        overall = counts / total if total else np.zeros(len(values))
        levels: list[IntArray] = []
        if hierarchy is not None:
            leaves = np.array([hierarchy.leaf_index[value] for value in values], dtype=np.int64)
            levels = [hierarchy.codes(level)[leaves] for level in range(1, hierarchy.height)]
            if levels and len(hierarchy.labels(hierarchy.height - 1)) > 1:
                levels.append(np.zeros(len(values), dtype=np.int64))  # a common root
        return cls(tuple(values), overall, tuple(levels))


def monotone_relaxation(model: PrivacyModel, domain: SensitiveDomain | None) -> PrivacyModel:
    """A monotone model (k-anonymity and distinct l-diversity) that every class meeting `model`
    meets too, so that its failures can be propagated through the lattice when `model`'s cannot.

    - Entropy l-diversity needs at least l distinct values (the entropy of d values is at most
      log d).
    - t-closeness with equal distance is 1 minus the mass a class shares with the whole table, so
      a class needs at least as many distinct values as it takes of the most frequent values to
      reach 1 - t; and it needs a size at which rounded shares can come within t at all.
      Hierarchical distance moves every unit of mass at least one level of H, so it is at least
      the equal distance divided by H: the same bounds hold with t * H.
    """
    if model.monotone:
        return model
    k, distinct = model.k, 1
    if model.l is not None:
        distinct = model.l
    if model.t is not None and domain is not None:
        reach = model.t
        if model.t_distance == "hierarchical" and domain.levels:
            reach = min(1.0, model.t * len(domain.levels))
        shares = np.sort(domain.overall)[::-1]
        covered = np.cumsum(shares)
        needed = int(np.searchsorted(covered, 1 - reach - TOLERANCE)) + 1
        distinct = max(distinct, min(needed, len(shares)))
        k = max(k, _smallest_close_size(domain.overall, reach))
    return PrivacyModel(k=k, l=distinct if distinct > 1 else None, suppression=model.suppression)


def _smallest_close_size(overall: FloatArray, reach: float, limit: int = 10_000) -> int:
    """The smallest class size whose best possible shares are within equal distance `reach`."""
    for size in range(1, limit + 1):
        target = overall * size
        counts = np.floor(target)
        remainder = size - int(counts.sum())
        if remainder > 0:
            # Largest remainders first: the rounding closest to the target in total variation.
            order = np.argsort(-(target - counts), kind="stable")
            counts[order[:remainder]] += 1
        if 0.5 * np.abs(counts / size - overall).sum() <= reach + TOLERANCE:
            return size
    return 1


def class_ok(
    model: PrivacyModel,
    starts: IntArray,
    sizes: IntArray,
    values: IntArray,
    counts: IntArray,
    domain: SensitiveDomain | None,
) -> BoolArray:
    """Which classes meet the model.

    The classes are runs of a table of (class, sensitive value) pairs sorted by class: class i
    covers pairs `starts[i]` up to the next start and has `sizes[i]` records; `values` and
    `counts` give each pair's sensitive value number and record count.
    """
    ok = sizes >= model.k
    if model.l is not None:
        if model.l_variant == "distinct":
            distinct = np.diff(np.append(starts, len(values)))
            ok &= distinct >= model.l
        else:
            ok &= entropies(starts, sizes, counts) >= math.log(model.l) - TOLERANCE
    if model.t is not None:
        if domain is None:
            raise ModelError("t-closeness needs the distribution of the sensitive column.")
        ok &= (
            distances(starts, sizes, values, counts, domain, model.t_distance)
            <= model.t + TOLERANCE
        )
    return np.asarray(ok, dtype=np.bool_)


def entropies(starts: IntArray, sizes: IntArray, counts: IntArray) -> FloatArray:
    """Entropy (natural logarithm) of the sensitive values of each class."""
    weighted = counts * np.log(counts)
    sums = np.add.reduceat(weighted, starts) if len(counts) else np.zeros(0)
    result: FloatArray = np.log(sizes) - sums / sizes
    return result


def distances(
    starts: IntArray,
    sizes: IntArray,
    values: IntArray,
    counts: IntArray,
    domain: SensitiveDomain,
    kind: TDistance,
) -> FloatArray:
    """Earth Mover's Distance between each class's sensitive values and the whole table's."""
    n_classes = len(starts)
    if n_classes == 0:
        return np.zeros(0)
    class_of_pair = np.repeat(np.arange(n_classes), np.diff(np.append(starts, len(values))))
    share = counts / sizes[class_of_pair]
    overall = domain.overall[values]
    if kind == "equal" or not domain.levels:
        # Half the total variation: values absent from a class contribute their overall share.
        gaps = np.abs(share - overall) - overall
        result: FloatArray = 0.5 * (np.add.reduceat(gaps, starts) + 1.0)
        return np.clip(result, 0.0, 1.0)
    return _hierarchical(class_of_pair, share, values, domain, n_classes)


def _hierarchical(
    class_of_pair: IntArray,
    share: FloatArray,
    values: IntArray,
    domain: SensitiveDomain,
    n_classes: int,
) -> FloatArray:
    """Hierarchical distance (Li et al.): at every inner node of the hierarchy, the mass that must
    move between its children, weighted by the node's level over the hierarchy's height."""
    width = len(domain.values)
    height = len(domain.levels)
    result = np.zeros(n_classes)
    block = max(1, _DENSE_CELLS // max(width, 1))
    bounds = np.searchsorted(class_of_pair, np.arange(0, n_classes + block, block))
    for number, first in enumerate(range(0, n_classes, block)):
        last = min(first + block, n_classes)
        low, high = bounds[number], bounds[number + 1]
        rows = class_of_pair[low:high] - first
        excess = np.zeros((last - first, width))
        excess[rows, values[low:high]] = share[low:high]
        excess -= domain.overall
        below = np.arange(width)  # label number of each value at the level below
        for level, labels in enumerate(domain.levels, start=1):
            groups = int(labels.max()) + 1
            # Children of the level's nodes are the labels of the level below.
            child_parent = np.zeros(int(below.max()) + 1, dtype=np.int64)
            child_parent[below] = labels
            onehot = np.zeros((len(child_parent), groups))
            onehot[np.arange(len(child_parent)), child_parent] = 1.0
            positive = np.maximum(excess, 0.0) @ onehot
            negative = np.maximum(-excess, 0.0) @ onehot
            result[first:last] += (level / height) * np.minimum(positive, negative).sum(axis=1)
            excess = excess @ onehot
            below = labels
    return result


# --- verification of released tables ----------------------------------------------------------


def measure(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    sensitive: str | None = None,
    *,
    overall: Mapping[str, float] | None = None,
    sensitive_hierarchy: Hierarchy | None = None,
) -> dict[str, Any]:
    """The privacy a released table actually offers, from its records alone.

    Records suppressed (`*` in every quasi-identifier) are left out. Returns the smallest class
    size (k), and with a sensitive column the smallest number of distinct values in a class,
    the largest l such that every class's entropy is at least log(l), and the largest distance
    of a class from `overall` (the sensitive values' shares in the input; by default their
    shares among the released records) — equal distance, or hierarchical with a hierarchy.
    """
    released = frame.filter(~pl.all_horizontal(pl.col(c) == SUPPRESSED for c in quasi_identifiers))
    result: dict[str, Any] = {
        "records": released.height,
        "suppressed": frame.height - released.height,
    }
    if released.height == 0:
        return result | {"classes": 0, "k": None}
    keys = [pl.col(c).cast(pl.String).fill_null("") for c in quasi_identifiers]
    if sensitive is None:
        classes = released.group_by(keys).len()["len"]
        return result | {"classes": classes.len(), "k": int(classes.min())}  # type: ignore[arg-type]
    pairs = (
        released.group_by([*keys, pl.col(sensitive).cast(pl.String).fill_null("").alias("__s")])
        .len()
        .sort(quasi_identifiers)
    )
    value_names = (
        list(overall) if overall is not None else pairs["__s"].unique(maintain_order=True).to_list()
    )
    if sensitive_hierarchy is not None:
        value_names = list(dict.fromkeys([*value_names, *pairs["__s"].to_list()]))
    numbers = {value: number for number, value in enumerate(value_names)}
    values = np.array([numbers[value] for value in pairs["__s"].to_list()], dtype=np.int64)
    counts = pairs["len"].to_numpy().astype(np.int64)
    new_class = pairs.select(
        pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1)) for c in quasi_identifiers)
    ).to_series()
    starts = np.flatnonzero(new_class.fill_null(True).to_numpy()).astype(np.int64)
    starts[0] = 0
    sizes = np.add.reduceat(counts, starts)
    if overall is None:
        shares = np.bincount(values, weights=counts, minlength=len(value_names))
    else:
        shares = np.array([overall.get(value, 0.0) for value in value_names])
    domain = SensitiveDomain.build(value_names, shares, sensitive_hierarchy)
    entropy = entropies(starts, sizes, counts)
    distance = distances(
        starts,
        sizes,
        values,
        counts,
        domain,
        "hierarchical" if sensitive_hierarchy is not None else "equal",
    )
    return result | {
        "classes": len(starts),
        "k": int(sizes.min()),
        "l_distinct": int(np.diff(np.append(starts, len(values))).min()),
        "l_entropy": float(math.exp(entropy.min())),
        "t": float(distance.max()),
    }
