"""Differentially private counts, sums and histograms through OpenDP, under an explicit budget.

Privacy unit: each person contributes at most ``max_contributions`` records (1 by default), and
neighbouring tables differ by adding or removing one person's records. Every query adds Laplace
noise (the discrete Laplace distribution on whole numbers) calibrated by OpenDP to the epsilon the
caller spends on it; the epsilons of all queries on one table add up (sequential composition) and
a `Budget` refuses the query that would go over its total.

OpenDP 0.16 puts all of its transformations and measurements, the Laplace mechanism included,
behind its "contrib" feature flag (they are proven, but the proofs are not yet vetted by the
OpenDP committee). There is no way to build a count without it, so the first query enables it;
nothing else ("floating-point", "honest-but-curious") is needed or enabled.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

# OpenDP has no type information; keep it behind this module.
_opendp: Any = None

# Float rounding in OpenDP's privacy maps: a spend may exceed the exact sum by this much.
_TOLERANCE = 1e-9


def _dp() -> Any:
    """OpenDP with the "contrib" flag enabled (imported on first use: it loads a large library)."""
    global _opendp  # one module-wide handle to the lazily loaded library
    if _opendp is None:
        import opendp.prelude as dp  # slow import, only for DP queries

        dp.enable_features("contrib")
        _opendp = dp
    return _opendp


class BudgetExceededError(ValueError):
    """A query would spend more epsilon than the budget has left."""


class DpInputError(ValueError):
    """Parameters or data a differentially private query cannot use."""


@dataclass(frozen=True)
class Spend:
    """One query charged to a budget."""

    query: str
    epsilon: float
    mechanism: str
    scale: float


@dataclass
class Budget:
    """The total epsilon allowed for all releases from one table, and what has been spent."""

    epsilon_total: float
    spends: list[Spend] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.epsilon_total) and self.epsilon_total > 0):
            raise DpInputError(
                f"The total epsilon must be a positive number, not {self.epsilon_total}"
            )

    @property
    def spent(self) -> float:
        return math.fsum(spend.epsilon for spend in self.spends)

    @property
    def remaining(self) -> float:
        return max(self.epsilon_total - self.spent, 0.0)

    def check(self, query: str, epsilon: float) -> None:
        """Refuse (BudgetExceededError) a query that would go over the total; spend nothing."""
        if self.spent + epsilon > self.epsilon_total * (1 + _TOLERANCE):
            raise BudgetExceededError(
                f"The query {query!r} needs epsilon {epsilon:g}, but only {self.remaining:g} of "
                f"the budget of {self.epsilon_total:g} is left ({self.spent:g} spent on "
                f"{len(self.spends)} queries). Spend less on it or release less."
            )

    def charge(self, spend: Spend) -> None:
        self.check(spend.query, spend.epsilon)
        self.spends.append(spend)

    def as_dict(self) -> dict[str, Any]:
        return {
            "epsilon_total": self.epsilon_total,
            "epsilon_spent": self.spent,
            "epsilon_remaining": self.remaining,
            "composition": "sequential (epsilons add up)",
            "queries": [spend.__dict__ for spend in self.spends],
        }


@dataclass(frozen=True)
class DpRelease[Value]:
    """A noisy answer with everything a publication must state about it."""

    query: str
    value: Value
    epsilon: float
    mechanism: str
    scale: float
    sensitivity: float
    accuracy_95: float
    privacy_unit: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def statement(self) -> str:
        """One sentence for the publication: what was released and how it was protected."""
        return (
            f"The {self.query} is released with differential privacy: {self.mechanism} noise "
            f"of scale {self.scale:.4g} (epsilon {self.epsilon:.4g}, privacy unit: "
            f"{self.privacy_unit}); each published number is within {self.accuracy_95:.4g} of "
            "the true value with 95 % probability."
        )


def _check_epsilon(epsilon: float) -> None:
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise DpInputError(f"Epsilon must be a positive number, not {epsilon!r}")


def _check_contributions(max_contributions: int) -> None:
    if isinstance(max_contributions, bool) or not (
        isinstance(max_contributions, int) and max_contributions >= 1
    ):
        raise DpInputError(
            f"max_contributions must be a whole number of at least 1, not {max_contributions!r}"
        )


def _column(frame: pl.DataFrame, column: str) -> pl.Series:
    if column not in frame.columns:
        raise DpInputError(f"The table has no column {column!r}")
    return frame[column]


def _privacy_unit(max_contributions: int) -> str:
    records = "one record" if max_contributions == 1 else f"up to {max_contributions} records"
    return f"one person, who contributes {records}"


def _release(
    *,
    query: str,
    budget: Budget,
    epsilon: float,
    max_contributions: int,
    space: Any,
    transformation: Any,
    data: list[Any],
    integer: bool,
) -> tuple[Any, dict[str, Any]]:
    """Calibrate Laplace noise to ``epsilon``, check the budget, run, charge the budget."""
    dp = _dp()
    budget.check(query, epsilon)
    stable = space >> transformation
    sensitivity = float(stable.map(max_contributions))

    def measurement(scale: float) -> Any:
        return stable >> dp.m.then_laplace(scale=scale)

    scale = sensitivity / epsilon
    if measurement(scale).map(max_contributions) > epsilon:
        # Float rounding in the privacy map: let OpenDP find the smallest scale that fits.
        scale = dp.binary_search_param(measurement, d_in=max_contributions, d_out=epsilon)
    chosen = measurement(scale)
    spent = float(chosen.map(max_contributions))
    if integer:
        mechanism = "discrete Laplace (OpenDP make_laplace on integers)"
        accuracy = dp.discrete_laplacian_scale_to_accuracy(scale, 0.05)
    else:
        mechanism = "Laplace (OpenDP make_laplace on floats)"
        accuracy = dp.laplacian_scale_to_accuracy(scale, 0.05)
    noisy = chosen(data)
    budget.charge(Spend(query=query, epsilon=spent, mechanism=mechanism, scale=scale))
    return noisy, {
        "query": query,
        "epsilon": spent,
        "mechanism": mechanism,
        "scale": float(scale),
        "sensitivity": sensitivity,
        "accuracy_95": float(accuracy),
        "privacy_unit": _privacy_unit(max_contributions),
    }


def dp_count(
    frame: pl.DataFrame,
    *,
    epsilon: float,
    budget: Budget,
    column: str | None = None,
    max_contributions: int = 1,
) -> DpRelease[int]:
    """The number of records (or of non-missing values of ``column``), with noise."""
    _check_epsilon(epsilon)
    _check_contributions(max_contributions)
    dp = _dp()
    if column is None:
        query, data = "count of records", [True] * frame.height
    else:
        query = f"count of {column}"
        data = [True] * int(_column(frame, column).is_not_null().sum())
    space = (dp.vector_domain(dp.atom_domain(T=bool)), dp.symmetric_distance())
    noisy, noise = _release(
        query=query,
        budget=budget,
        epsilon=epsilon,
        max_contributions=max_contributions,
        space=space,
        transformation=dp.t.then_count(TO="i64"),
        data=data,
        integer=True,
    )
    return DpRelease(value=int(noisy), **noise)


def _bound(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DpInputError(f"The {name} bound must be a finite number, not {value!r}")
    return value


def dp_sum(
    frame: pl.DataFrame,
    column: str,
    *,
    bounds: tuple[float, float],
    epsilon: float,
    budget: Budget,
    max_contributions: int = 1,
) -> DpRelease[float]:
    """The sum of ``column``, each value first clamped into ``bounds``, with noise.

    The bounds must be chosen without looking at the data (they are public). Whole-number bounds
    give an integer sum (the column must hold whole numbers); otherwise the sum is a float.
    Missing values are left out.
    """
    _check_epsilon(epsilon)
    _check_contributions(max_contributions)
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        raise DpInputError(f"Give the bounds as (lower, upper), not {bounds!r}")
    lower, upper = _bound(bounds[0], "lower"), _bound(bounds[1], "upper")
    if not lower < upper:
        raise DpInputError(f"The lower bound must lie below the upper bound, not {lower}..{upper}")
    integer = isinstance(bounds[0], int) and isinstance(bounds[1], int)
    values = _column(frame, column).drop_nulls()
    try:
        numbers = values.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=True)
    except pl.exceptions.InvalidOperationError:
        raise DpInputError(f"The column {column!r} holds values that are not numbers") from None
    if not numbers.is_finite().all():
        raise DpInputError(f"The column {column!r} holds values that are not finite numbers")
    dp = _dp()
    if integer:
        if not (numbers == numbers.floor()).all():
            raise DpInputError(
                f"The column {column!r} holds fractions; give float bounds for a float sum"
            )
        atom, data = dp.atom_domain(T="i64"), numbers.cast(pl.Int64).to_list()
    else:
        atom, data = dp.atom_domain(T=float, nan=False), numbers.to_list()
    space = (dp.vector_domain(atom), dp.symmetric_distance())
    noisy, noise = _release(
        query=f"sum of {column} clamped to [{bounds[0]}, {bounds[1]}]",
        budget=budget,
        epsilon=epsilon,
        max_contributions=max_contributions,
        space=space,
        transformation=dp.t.then_clamp(bounds=(bounds[0], bounds[1])) >> dp.t.then_sum(),
        data=data,
        integer=integer,
    )
    value: float = int(noisy) if integer else float(noisy)
    return DpRelease(value=value, **noise)


def dp_histogram(
    frame: pl.DataFrame,
    column: str,
    *,
    categories: Sequence[str],
    epsilon: float,
    budget: Budget,
    max_contributions: int = 1,
) -> DpRelease[dict[str, int]]:
    """A noisy count for each of ``categories`` (given in advance, public), in that order.

    A category without records still gets its noisy count; values outside the categories and
    missing values are not counted.
    """
    _check_epsilon(epsilon)
    _check_contributions(max_contributions)
    names = _categories(categories)
    values = _column(frame, column).cast(pl.String).drop_nulls()
    dp = _dp()
    space = (dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance())
    noisy, noise = _release(
        query=f"histogram of {column} over {len(names)} categories",
        budget=budget,
        epsilon=epsilon,
        max_contributions=max_contributions,
        space=space,
        transformation=dp.t.then_count_by_categories(
            categories=names, null_category=False, TOA="i64"
        ),
        data=values.filter(values.is_in(names)).to_list(),
        integer=True,
    )
    counts = {name: int(count) for name, count in zip(names, noisy, strict=True)}
    return DpRelease(value=counts, **noise)


def _categories(categories: Iterable[str]) -> list[str]:
    if isinstance(categories, str):
        raise DpInputError("Give the categories as a list of values, not one string")
    names = [str(category) for category in categories]
    if not names:
        raise DpInputError("Give at least one category")
    if len(set(names)) != len(names):
        raise DpInputError("Each category may be given only once")
    return names
