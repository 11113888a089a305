"""Anonymize a table: the entry point the command and the web application call.

The input is read once and reduced to its distinct combinations of quasi-identifier (and, for
l-diversity and t-closeness, sensitive) values; the search runs on those. The release is then
built by recoding each record's quasi-identifiers, lazily when the input is lazy, so that a
file larger than memory streams from input to output.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from offenestadt.anonymize.figures import (
    InputClasses,
    as_leaves,
    missing_code,
    report_figures,
)
from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.lattice import (
    Combinations,
    LatticeError,
    Metric,
    MetricName,
    Progress,
    build_evaluator,
)
from offenestadt.anonymize.models import (
    SUPPRESSED,
    LVariant,
    ModelError,
    PrivacyModel,
    SensitiveDomain,
    TDistance,
)
from offenestadt.anonymize.search import search

Algorithm = Literal["optimal", "mondrian"]
ALGORITHMS: tuple[str, ...] = ("optimal", "mondrian")
METRICS: tuple[str, ...] = ("loss", "discernibility", "entropy")
_KEY_LIMIT = 1 << 62


class AnonymizeError(ValueError):
    """Input or parameters that cannot be anonymized as asked; the message says what to change."""


class NoTransformationError(AnonymizeError):
    """No transformation satisfies the privacy model within the suppression limit."""


@dataclass(frozen=True)
class Release:
    """An anonymized table and how it was made.

    `table` has the direct identifiers removed, the quasi-identifiers generalised and the
    suppressed records with `*` in every quasi-identifier; records keep their order. It is lazy
    when the input was.
    """

    table: pl.DataFrame | pl.LazyFrame
    levels: dict[str, int] | None  # hierarchy level per quasi-identifier (full-domain only)
    suppressed: int
    rows: int
    loss: float  # Iyengar's loss: average over all quasi-identifier cells
    model: PrivacyModel
    quasi_identifiers: tuple[str, ...]
    identifiers: tuple[str, ...]
    sensitive: str | None
    algorithm: str
    metric: str
    metric_value: float
    classes: int
    smallest_class: int | None
    lattice_size: int | None = None
    evaluated_nodes: int | None = None
    seconds: float = 0.0
    # For the report (full-domain only): the input's combinations and the suppressed classes.
    input_classes: InputClasses | None = None
    failed: np.ndarray[Any, np.dtype[np.int64]] | None = None

    def collect(self) -> pl.DataFrame:
        """The released table in memory (computed now if it is lazy)."""
        return self.table.collect() if isinstance(self.table, pl.LazyFrame) else self.table

    def figures(self, hierarchies: Mapping[str, Hierarchy]) -> dict[str, Any] | None:
        """The report's `risk` (before and after) and `utility` parts, as `risk.risk_report` and
        `metrics.utility_report` give them on the original and released tables, but from the
        combinations the search grouped the input into; None for a Mondrian release."""
        if self.input_classes is None or self.levels is None or self.failed is None:
            return None
        return report_figures(
            self.input_classes,
            self.quasi_identifiers,
            [hierarchies[column] for column in self.quasi_identifiers],
            [self.levels[column] for column in self.quasi_identifiers],
            self.failed,
            k=self.model.k,
        )

    def report(self) -> dict[str, Any]:
        """The facts of the release, ready for JSON."""
        return {
            "rows": self.rows,
            "algorithm": self.algorithm,
            "model": self.model.to_dict(),
            "quasi_identifiers": list(self.quasi_identifiers),
            "identifiers_removed": list(self.identifiers),
            "sensitive": self.sensitive,
            "levels": dict(self.levels) if self.levels is not None else None,
            "suppressed": self.suppressed,
            "suppression_limit": self.model.suppression_limit(self.rows),
            "classes": self.classes,
            "smallest_class": self.smallest_class,
            "loss": self.loss,
            "metric": self.metric,
            "metric_value": self.metric_value,
            "search": {
                "lattice_nodes": self.lattice_size,
                "evaluated_nodes": self.evaluated_nodes,
                "seconds": round(self.seconds, 4),
            },
        }


def anonymize(
    table: pl.DataFrame | pl.LazyFrame,
    *,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    identifiers: Collection[str] = (),
    sensitive: str | None = None,
    k: int = 5,
    l: int | None = None,  # noqa: E741 - the name of the model's parameter
    l_variant: LVariant = "distinct",
    t: float | None = None,
    t_distance: TDistance = "equal",
    suppression: float = 0.0,
    algorithm: Algorithm = "optimal",
    metric: MetricName = "loss",
    progress: Progress | None = None,
) -> Release:
    """Release `table` so that it satisfies the privacy model.

    With `algorithm="optimal"` every quasi-identifier is generalised to one level of its
    hierarchy (full-domain generalisation), choosing the levels that minimise `metric` among all
    that satisfy the model with at most `suppression` (a share) of the records suppressed.
    `"mondrian"` recodes record groups locally instead (no suppression). Raises AnonymizeError
    for unusable input and NoTransformationError when nothing satisfies the model.
    """
    started = time.perf_counter()
    try:
        model = PrivacyModel(k, l, l_variant, t, t_distance, suppression)
    except ModelError as error:
        raise AnonymizeError(str(error)) from None
    if algorithm not in ALGORITHMS:
        raise AnonymizeError(f"Unknown algorithm {algorithm!r}; use optimal or mondrian.")
    if metric not in METRICS:
        raise AnonymizeError(f"Unknown metric {metric!r}; use {', '.join(METRICS)}.")
    lazy = table.lazy() if isinstance(table, pl.DataFrame) else table
    qis = tuple(quasi_identifiers)
    removed = tuple(dict.fromkeys(identifiers))
    _check_columns(lazy.collect_schema().names(), qis, removed, sensitive, hierarchies, model)
    if algorithm == "mondrian":
        return _mondrian(table, qis, removed, sensitive, hierarchies, model, metric, started)

    ordered = [hierarchies[column] for column in qis]
    if progress is not None:
        progress("read", 0, 1)
    # Every quasi-identifier value is looked up in its hierarchy once: the leaf numbers serve
    # both the grouping and the release. An eager table keeps them; a lazy one recomputes them
    # while streaming the release.
    coded = lazy.with_columns(_leaf_numbers(qis, ordered))
    if isinstance(table, pl.DataFrame):
        coded = coded.collect().lazy()
    grouped = _grouped(
        coded,
        qis,
        ordered,
        sensitive if model.needs_sensitive else None,
        streaming=table is lazy,
    )
    if progress is not None:
        progress("read", 1, 1)
    combinations, domain, input_classes = _encode(
        lazy, grouped, qis, ordered, sensitive, hierarchies, model
    )
    if combinations.rows == 0:
        raise AnonymizeError("The table has no records.")
    try:
        evaluator = build_evaluator(combinations, ordered, model, metric, domain)
        result = search(evaluator, progress)
    except LatticeError as error:
        raise AnonymizeError(str(error)) from None
    if result is None:
        raise NoTransformationError(_no_transformation(combinations, ordered, model, domain))

    levels = result.levels
    node_table = evaluator.table(levels)
    evaluation, starts, ok = evaluator.judge(node_table)
    sizes = np.add.reduceat(node_table.counts, starts)
    bad_codes = node_table.codes[:, starts[~ok]]  # one row per quasi-identifier
    if metric == "loss":
        loss = evaluation.value
    else:
        loss_metric = Metric.build("loss", ordered, combinations)
        base, extra = loss_metric.score(levels, bad_codes, sizes, ~ok, combinations.rows)
        loss = (base + extra) * loss_metric.scale
    released = _release(
        coded, lazy.collect_schema().names(), qis, ordered, levels, bad_codes, removed
    )
    return Release(
        table=released if table is lazy else released.collect(),
        levels=dict(zip(qis, levels, strict=True)),
        suppressed=evaluation.suppressed,
        rows=combinations.rows,
        loss=loss,
        model=model,
        quasi_identifiers=qis,
        identifiers=removed,
        sensitive=sensitive,
        algorithm="optimal",
        metric=metric,
        metric_value=evaluation.value,
        classes=int(ok.sum()),
        smallest_class=int(sizes[ok].min()) if ok.any() else None,
        lattice_size=result.lattice_size,
        evaluated_nodes=result.evaluated,
        seconds=time.perf_counter() - started,
        input_classes=input_classes,
        failed=bad_codes,
    )


def _check_columns(
    names: Sequence[str],
    qis: Sequence[str],
    identifiers: Sequence[str],
    sensitive: str | None,
    hierarchies: Mapping[str, Hierarchy],
    model: PrivacyModel,
) -> None:
    known = set(names)
    if not qis:
        raise AnonymizeError("Name at least one quasi-identifier.")
    for role, columns in (
        ("quasi-identifier", qis),
        ("identifier", identifiers),
        ("sensitive column", [sensitive] if sensitive is not None else []),
    ):
        for column in columns:
            if column not in known:
                raise AnonymizeError(
                    f"The table has no column {column!r} (named as {role}); its columns are "
                    f"{', '.join(repr(name) for name in names)}."
                )
    repeated = sorted({column for column in qis if qis.count(column) > 1})
    if repeated:
        raise AnonymizeError(f"The quasi-identifier {repeated[0]!r} is named twice.")
    both = set(qis) & set(identifiers)
    if both:
        raise AnonymizeError(
            f"The column {sorted(both)[0]!r} is named both as quasi-identifier and as identifier."
        )
    if sensitive is not None and (sensitive in qis or sensitive in identifiers):
        raise AnonymizeError(
            f"The sensitive column {sensitive!r} cannot also be a quasi-identifier or identifier."
        )
    lacking = [column for column in qis if column not in hierarchies]
    if lacking:
        raise AnonymizeError(
            f"The quasi-identifier {lacking[0]!r} has no hierarchy; give one "
            f"(--hierarchy {lacking[0]}=FILE)."
        )
    if model.needs_sensitive and sensitive is None:
        raise AnonymizeError("l-diversity and t-closeness need a sensitive column (--sensitive).")
    if model.t is not None and model.t_distance == "hierarchical" and sensitive not in hierarchies:
        raise AnonymizeError(
            f"t-closeness with hierarchical distance needs a hierarchy for the sensitive column "
            f"{sensitive!r} (--hierarchy {sensitive}=FILE)."
        )


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null("")


def _code(number: int) -> str:
    return f"\x00leaf{number}"


def _leaf_numbers(qis: Sequence[str], ordered: Sequence[Hierarchy]) -> list[pl.Expr]:
    """Each quasi-identifier's leaf number in its hierarchy (null for a value it lacks).

    A cast to an enumeration of the leaves: it streams, unlike a replacement table.
    """
    return [
        _text(column)
        .cast(pl.Enum(hierarchy.leaves), strict=False)
        .to_physical()
        .alias(_code(number))
        for number, (column, hierarchy) in enumerate(zip(qis, ordered, strict=True))
    ]


def _group_code(number: int, column: str, hierarchy: Hierarchy) -> pl.Expr:
    """A record's leaf number for the grouping: a missing value, which the search reads as the
    empty value, keeps a number of its own for the report (see `figures.InputClasses`)."""
    code = pl.col(_code(number)).cast(pl.Int64)
    if "" not in hierarchy.leaf_index:
        return code
    return pl.when(pl.col(column).is_null()).then(missing_code(hierarchy)).otherwise(code)


def _grouped(
    coded: pl.LazyFrame,
    qis: Sequence[str],
    ordered: Sequence[Hierarchy],
    sensitive: str | None,
    *,
    streaming: bool,
) -> pl.DataFrame:
    """Distinct combinations of leaf numbers (as one number when it fits) with their counts."""
    sizes = [_radix(h) for h in ordered]
    codes = [
        _group_code(n, column, h) for n, (column, h) in enumerate(zip(qis, ordered, strict=True))
    ]
    if math.prod(sizes) < _KEY_LIMIT:
        weights = [math.prod(sizes[number + 1 :]) for number in range(len(sizes))]
        key = pl.sum_horizontal(code * weight for code, weight in zip(codes, weights, strict=True))
        # A lacking value makes its row's key null; the whole key must then be null.
        missing = pl.any_horizontal(pl.col(_code(n)).is_null() for n in range(len(sizes)))
        keys = [pl.when(missing).then(None).otherwise(key).alias("\x00key")]
    else:
        keys = [code.alias(_code(number)) for number, code in enumerate(codes)]
    if sensitive is not None:
        keys.append(_text(sensitive).alias("\x00sensitive"))
    query = coded.group_by(keys).agg(pl.len().alias("\x00count"))
    return query.collect(engine="streaming") if streaming else query.collect()


def _radix(hierarchy: Hierarchy) -> int:
    """How many leaf numbers `_group_code` gives: the leaves, and a missing value if it can be."""
    return len(hierarchy) + ("" in hierarchy.leaf_index)


def _missing_message(column: str, lazy: pl.LazyFrame, hierarchy: Hierarchy) -> str | None:
    """The values of a column its hierarchy lacks, with their record counts, if there are any."""
    counts = (
        lazy.select(_text(column).alias("value"))
        .filter(~pl.col("value").is_in(pl.Series(hierarchy.leaves, dtype=pl.String).implode()))
        .group_by("value")
        .len()
        .sort(["len", "value"], descending=[True, False])
        .collect()
    )
    if not counts.height:
        return None
    shown = [
        ("(empty)" if value == "" else repr(value)) + f" ({records} record{'s' * (records != 1)})"
        for value, records in counts.head(5).iter_rows()
    ]
    more = f" and {counts.height - 5} more" if counts.height > 5 else ""
    return (
        f"Column {column!r} has values its hierarchy lacks: {', '.join(shown)}{more}. "
        "Add them to the hierarchy (an empty cell needs a row whose first field is empty)."
    )


def _encode(
    lazy: pl.LazyFrame,
    grouped: pl.DataFrame,
    qis: Sequence[str],
    ordered: Sequence[Hierarchy],
    sensitive: str | None,
    hierarchies: Mapping[str, Hierarchy],
    model: PrivacyModel,
) -> tuple[Combinations, SensitiveDomain | None, InputClasses]:
    if "\x00key" in grouped.columns:
        key = grouped["\x00key"]
        lacking = key.null_count() > 0
        rest = key.fill_null(0).to_numpy().astype(np.int64)
        codes = np.zeros((grouped.height, len(ordered)), dtype=np.int64)
        for number in range(len(ordered) - 1, -1, -1):
            rest, codes[:, number] = np.divmod(rest, _radix(ordered[number]))
    else:
        lacking = any(grouped[_code(n)].null_count() for n in range(len(ordered)))
        codes = np.stack(
            [grouped[_code(n)].fill_null(0).to_numpy().astype(np.int64) for n in range(len(qis))],
            axis=1,
        )
    if lacking:
        for column, hierarchy in zip(qis, ordered, strict=True):
            message = _missing_message(column, lazy, hierarchy)
            if message is not None:
                raise AnonymizeError(message)
    counts = grouped["\x00count"].to_numpy().astype(np.int64)
    classes = InputClasses(codes, counts)
    # The search reads a missing value as the empty one; a combination may then repeat.
    codes = np.stack(
        [as_leaves(codes[:, number], h) for number, h in enumerate(ordered)], axis=1
    ).reshape(codes.shape)
    if not model.needs_sensitive or sensitive is None:
        values = np.zeros(grouped.height, dtype=np.int64)
        return Combinations(codes, values, counts, 1), None, classes
    texts = grouped["\x00sensitive"]
    names = sorted(texts.unique().to_list())
    numbers = {name: number for number, name in enumerate(names)}
    values = texts.replace_strict(numbers, return_dtype=pl.Int64).to_numpy()
    tree: Hierarchy | None = None
    if model.t is not None and model.t_distance == "hierarchical":
        tree = hierarchies[sensitive]
        message = _missing_message(sensitive, lazy, tree)
        if message is not None:
            raise AnonymizeError(message)
    shares = np.bincount(values, weights=counts, minlength=len(names))
    domain = SensitiveDomain.build(names, shares, tree)
    return Combinations(codes, values, counts, max(len(names), 1)), domain, classes


def _no_transformation(
    combinations: Combinations,
    ordered: Sequence[Hierarchy],
    model: PrivacyModel,
    domain: SensitiveDomain | None,
) -> str:
    """Say which part of the model even the most general transformation fails."""
    top = tuple(h.height - 1 for h in ordered)
    parts = [("k-anonymity", PrivacyModel(k=model.k, suppression=model.suppression))]
    if model.l is not None:
        parts.append(
            (
                f"{model.l_variant} l-diversity",
                PrivacyModel(l=model.l, l_variant=model.l_variant, suppression=model.suppression),
            )
        )
    if model.t is not None:
        parts.append(
            (
                "t-closeness",
                PrivacyModel(t=model.t, t_distance=model.t_distance, suppression=model.suppression),
            )
        )
    failing = []
    for name, part in parts:
        evaluation = build_evaluator(combinations, ordered, part, "loss", domain).evaluate(top)
        if not evaluation.satisfied:
            failing.append(name)
    what = " and ".join(failing) if failing else "the combination of its parts"
    return (
        f"No transformation satisfies {model.describe()}: even with every quasi-identifier at "
        f"its most general level, {what} cannot be met. Allow more suppression (--suppression, "
        f"now {model.suppression:g}) or relax the model (smaller k, l or larger t)."
    )


def _release(
    coded: pl.LazyFrame,
    names_of_columns: Sequence[str],
    qis: Sequence[str],
    ordered: Sequence[Hierarchy],
    levels: Sequence[int],
    bad_codes: np.ndarray[Any, np.dtype[np.int64]],
    identifiers: Sequence[str],
) -> pl.LazyFrame:
    """The records recoded to `levels`, those of failing classes suppressed.

    `coded` holds each quasi-identifier's leaf number (see `_leaf_numbers`); a record's labels
    and class are looked up from those numbers.
    """
    flag: pl.Expr | None = None
    if bad_codes.shape[1]:
        radices = [len(h.labels(level)) for h, level in zip(ordered, levels, strict=True)]
        if math.prod(radices) < _KEY_LIMIT:
            # The class of a record as one number: its label numbers in mixed radix.
            weights = [math.prod(radices[column + 1 :]) for column in range(len(radices))]
            parts = [
                pl.lit(
                    pl.Series((hierarchy.codes(level) * weight).tolist(), dtype=pl.Int64)
                ).gather(pl.col(_code(number)))
                for number, (hierarchy, level, weight, radix) in enumerate(
                    zip(ordered, levels, weights, radices, strict=True)
                )
                if radix > 1
            ]
            bad_keys = np.array(weights, dtype=np.int64) @ bad_codes
            key = pl.sum_horizontal(parts) if parts else pl.lit(0, dtype=pl.Int64)
            gone = key.is_in(pl.Series(bad_keys.tolist(), dtype=pl.Int64).implode())
        else:
            columns = [f"\x00label{number}" for number in range(len(qis))]
            bad = pl.DataFrame(
                {
                    name: [hierarchy.labels(level)[code] for code in bad_codes[number]]
                    for number, (name, hierarchy, level) in enumerate(
                        zip(columns, ordered, levels, strict=True)
                    )
                },
                schema=dict.fromkeys(columns, pl.String),
            ).with_columns(pl.lit(True).alias("\x00bad"))
            coded = coded.with_columns(
                pl.lit(pl.Series(_labels_of_leaves(hierarchy, level), dtype=pl.String))
                .gather(pl.col(_code(number)))
                .alias(name)
                for number, (name, hierarchy, level) in enumerate(
                    zip(columns, ordered, levels, strict=True)
                )
            ).join(bad.lazy(), on=columns, how="left", maintain_order="left")
            gone = pl.col("\x00bad").fill_null(False)
        coded = coded.with_columns(gone.alias("\x00gone"))
        flag = pl.col("\x00gone")
    recoded = []
    for number, (column, hierarchy, level) in enumerate(zip(qis, ordered, levels, strict=True)):
        if level == 0 and flag is None:
            recoded.append(pl.col(column).cast(pl.String))  # unchanged
            continue
        # Labels as an enumeration: a gather of small integers instead of new strings.
        names = list(hierarchy.labels(level))
        categories = names if SUPPRESSED in names else [*names, SUPPRESSED]
        lookup = pl.Series(
            [*_labels_of_leaves(hierarchy, level), SUPPRESSED], dtype=pl.Enum(categories)
        )
        index = pl.col(_code(number)).cast(pl.UInt32)
        if level == 0:
            # Missing values stay missing where nothing is generalised.
            index = pl.when(pl.col(column).is_null()).then(None).otherwise(index)
        if flag is not None:
            index = pl.when(flag).then(pl.lit(len(hierarchy), dtype=pl.UInt32)).otherwise(index)
        recoded.append(pl.lit(lookup).gather(index).alias(column))
    kept = [name for name in names_of_columns if name not in identifiers]
    return coded.with_columns(recoded).select(kept)


def _labels_of_leaves(hierarchy: Hierarchy, level: int) -> list[str]:
    names = hierarchy.labels(level)
    return [names[code] for code in hierarchy.codes(level).tolist()]


def _mondrian(
    table: pl.DataFrame | pl.LazyFrame,
    qis: tuple[str, ...],
    identifiers: tuple[str, ...],
    sensitive: str | None,
    hierarchies: Mapping[str, Hierarchy],
    model: PrivacyModel,
    metric: str,
    started: float,
) -> Release:
    from offenestadt.anonymize import metrics, mondrian

    frame = table.collect() if isinstance(table, pl.LazyFrame) else table
    try:
        released = mondrian.mondrian(
            frame,
            quasi_identifiers=qis,
            hierarchies=hierarchies,
            sensitive=sensitive,
            k=model.k,
            l=model.l,
            l_variant=model.l_variant,
            t=model.t,
            t_distance=model.t_distance,
            identifiers=identifiers,
        )
    except mondrian.UnsatisfiableError as error:
        raise NoTransformationError(str(error)) from None
    except mondrian.MondrianError as error:
        raise AnonymizeError(str(error)) from None
    utility = metrics.utility_report(frame, released, qis, hierarchies, k=model.k)
    sizes = released.group_by(qis).len()["len"]
    value = {
        "loss": utility["loss"],
        "discernibility": utility["discernibility"],
        "entropy": utility["non_uniform_entropy"],
    }[metric]
    return Release(
        table=released,
        levels=None,
        suppressed=0,
        rows=frame.height,
        loss=float(utility["loss"]),
        model=model,
        quasi_identifiers=qis,
        identifiers=identifiers,
        sensitive=sensitive,
        algorithm="mondrian",
        metric=metric,
        metric_value=float(value),
        classes=sizes.len(),
        smallest_class=int(sizes.min()) if sizes.len() else None,  # type: ignore[arg-type]
        seconds=time.perf_counter() - started,
    )
