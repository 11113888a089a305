"""Differentially private aggregates: the budget holds, the answers are close, inputs are checked.

"Close" uses bounds the noise exceeds with a probability far below one in a billion: a Laplace
variable of scale b exceeds 25 b with probability exp(-25) < 1.4e-11.
"""

import json

import polars as pl
import pytest

from offenestadt.anonymize.dp import (
    Budget,
    BudgetExceededError,
    DpInputError,
    dp_count,
    dp_histogram,
    dp_sum,
)

ROWS = 10_000
TABLE = pl.DataFrame(
    {
        "district": [["Mitte", "Nord", "Süd"][i % 3] for i in range(ROWS)],
        "age": [str(20 + i % 50) for i in range(ROWS)],
        "income": [f"{1000 + (i % 7) * 250.5}" for i in range(ROWS)],
        "note": [None if i % 4 == 0 else "x" for i in range(ROWS)],
    }
)


def safe_bound(release):
    return 25 * release.scale


def test_count_is_close_for_large_epsilon_and_states_its_mechanism():
    budget = Budget(100)
    release = dp_count(TABLE, epsilon=50, budget=budget)
    assert abs(release.value - ROWS) <= safe_bound(release)
    assert isinstance(release.value, int)
    assert release.epsilon == pytest.approx(50)
    assert release.scale == pytest.approx(1 / 50)
    assert release.sensitivity == 1
    assert "Laplace" in release.mechanism
    assert release.accuracy_95 > 0
    assert "one person" in release.privacy_unit
    json.dumps(release.as_dict())
    assert release.statement().startswith(
        "The count of records is released with differential privacy: discrete Laplace"
    )
    assert "epsilon 50" in release.statement()


def test_count_of_a_column_leaves_missing_values_out():
    release = dp_count(TABLE, column="note", epsilon=50, budget=Budget(50))
    assert abs(release.value - ROWS * 3 // 4) <= safe_bound(release)


def test_integer_sum_is_close_and_clamps_to_the_bounds():
    budget = Budget(100)
    release = dp_sum(TABLE, "age", bounds=(0, 40), epsilon=50, budget=budget)
    true_sum = sum(min(20 + i % 50, 40) for i in range(ROWS))
    assert isinstance(release.value, int)
    assert release.sensitivity == 40
    assert abs(release.value - true_sum) <= safe_bound(release)


def test_float_sum_is_close():
    release = dp_sum(TABLE, "income", bounds=(0.0, 3000.0), epsilon=50, budget=Budget(50))
    true_sum = sum(1000 + (i % 7) * 250.5 for i in range(ROWS))
    assert isinstance(release.value, float)
    assert release.epsilon <= 50
    assert abs(release.value - true_sum) <= safe_bound(release)


def test_histogram_keeps_categories_without_records_in_the_given_order():
    release = dp_histogram(
        TABLE,
        "district",
        categories=["Süd", "Ost", "Mitte", "Nord"],
        epsilon=50,
        budget=Budget(50),
    )
    assert list(release.value) == ["Süd", "Ost", "Mitte", "Nord"]
    truth = {"Süd": 3333, "Ost": 0, "Mitte": 3334, "Nord": 3333}
    for category, count in truth.items():
        assert abs(release.value[category] - count) <= safe_bound(release)
    assert release.sensitivity == 1


def test_budget_records_each_spend_and_refuses_going_over():
    budget = Budget(1.0)
    dp_count(TABLE, epsilon=0.25, budget=budget)
    dp_histogram(TABLE, "district", categories=["Nord"], epsilon=0.5, budget=budget)
    assert budget.spent == pytest.approx(0.75)
    assert budget.remaining == pytest.approx(0.25)
    assert [spend.query for spend in budget.spends] == [
        "count of records",
        "histogram of district over 1 categories",
    ]
    with pytest.raises(BudgetExceededError, match=r"needs epsilon 0\.5, but only 0\.25"):
        dp_sum(TABLE, "age", bounds=(0, 100), epsilon=0.5, budget=budget)
    # Nothing was spent on the refused query; the rest can still be used up exactly.
    assert budget.spent == pytest.approx(0.75)
    assert len(budget.spends) == 2
    dp_count(TABLE, epsilon=0.25, budget=budget)
    assert budget.remaining == pytest.approx(0)
    with pytest.raises(BudgetExceededError):
        dp_count(TABLE, epsilon=1e-6, budget=budget)
    summary = budget.as_dict()
    assert summary["epsilon_spent"] == pytest.approx(1.0)
    assert len(summary["queries"]) == 3
    json.dumps(summary)


def test_several_contributions_per_person_cost_more_noise():
    one = dp_count(TABLE, epsilon=1, budget=Budget(1))
    three = dp_count(TABLE, epsilon=1, budget=Budget(1), max_contributions=3)
    assert three.scale == pytest.approx(3 * one.scale)
    assert "up to 3 records" in three.privacy_unit


@pytest.mark.parametrize(
    "bounds",
    [(10, 0), (5, 5), (0, float("inf")), (float("nan"), 1), ("0", 10), (0,), (True, 10)],
)
def test_invalid_bounds_are_rejected(bounds):
    budget = Budget(1)
    with pytest.raises(DpInputError):
        dp_sum(TABLE, "age", bounds=bounds, epsilon=0.5, budget=budget)
    assert budget.spent == 0


@pytest.mark.parametrize("epsilon", [0, -1, float("inf"), float("nan")])
def test_invalid_epsilon_is_rejected(epsilon):
    with pytest.raises(DpInputError, match="Epsilon must be a positive number"):
        dp_count(TABLE, epsilon=epsilon, budget=Budget(1))


def test_invalid_budget_and_data_are_rejected():
    with pytest.raises(DpInputError):
        Budget(0)
    budget = Budget(1)
    with pytest.raises(DpInputError, match="not numbers"):
        dp_sum(TABLE, "district", bounds=(0, 1), epsilon=0.1, budget=budget)
    with pytest.raises(DpInputError, match="fractions"):
        dp_sum(TABLE, "income", bounds=(0, 3000), epsilon=0.1, budget=budget)
    with pytest.raises(DpInputError, match="no column"):
        dp_count(TABLE, column="postcode", epsilon=0.1, budget=budget)
    with pytest.raises(DpInputError, match="only once"):
        dp_histogram(TABLE, "district", categories=["Nord", "Nord"], epsilon=0.1, budget=budget)
    with pytest.raises(DpInputError, match="list of values"):
        dp_histogram(TABLE, "district", categories="Nord", epsilon=0.1, budget=budget)
    assert budget.spent == 0
