"""Mondrian's releases, verified by pycanon and by our own metrics on Adult and generated tables."""

import math

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycanon import anonymity  # type: ignore[import-untyped]

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import utility_report
from offenestadt.anonymize.models import ModelError, measure
from offenestadt.anonymize.mondrian import MondrianError, mondrian

ADULT_QIS = [
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
]


def as_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame for pycanon, a missing value shown as a value (pandas would drop its group)."""
    filled = frame.with_columns(pl.all().cast(pl.String).fill_null("(missing)"))
    return pd.DataFrame(filled.to_dict(as_series=False))


def smallest_entropy_l(frame: pl.DataFrame, qis, sensitive) -> float:
    """exp of the smallest class entropy (natural log), computed here with polars."""
    shares = (
        frame.group_by([*qis, sensitive])
        .len()
        .with_columns(share=pl.col("len") / pl.col("len").sum().over(qis))
    )
    entropy = shares.group_by(qis).agg((-pl.col("share") * pl.col("share").log()).sum())
    return math.exp(float(entropy["share"].to_numpy().min()))


@pytest.fixture
def adult(adult_frame):
    return adult_frame


@pytest.fixture
def adult_hierarchies(adult_hierarchy_set):
    return adult_hierarchy_set


def test_adult_k5_is_5_anonymous_and_keeps_the_records(adult, adult_hierarchies):
    released = mondrian(
        adult.with_row_index("id"),
        quasi_identifiers=ADULT_QIS,
        hierarchies=adult_hierarchies,
        k=5,
        identifiers=["id"],
    )
    assert released.columns == adult.columns
    assert released.height == adult.height
    assert released["salary-class"].equals(adult["salary-class"])
    assert anonymity.k_anonymity(as_pandas(released), ADULT_QIS) >= 5
    # Every released value must stand for its record's original value; the report checks it.
    report = utility_report(adult, released, ADULT_QIS, adult_hierarchies, k=5)
    assert report["suppressed"] == 0
    assert 0 < report["loss"] < 1
    print(
        f"\nMondrian on Adult, k=5: Iyengar loss {report['loss']:.4f}, "
        f"{report['classes']} classes, average size {report['average_class_size']:.2f}"
    )


def test_adult_released_labels(adult, adult_hierarchies):
    released = mondrian(adult, quasi_identifiers=ADULT_QIS, hierarchies=adult_hierarchies, k=5)
    ages = released["age"].unique().to_list()
    # Age is numeric: single values or closed ranges, never the hierarchy's labels.
    assert all(age.isdigit() or (age.startswith("[") and age.endswith("]")) for age in ages)
    # Categorical columns carry labels of their hierarchy.
    education = adult_hierarchies["education"]
    labels = {label for level in range(education.height) for label in education.labels(level)}
    assert set(released["education"].unique().to_list()) <= labels


def test_adult_distinct_l_diversity(adult, adult_hierarchies):
    released = mondrian(
        adult,
        quasi_identifiers=ADULT_QIS,
        hierarchies=adult_hierarchies,
        sensitive="salary-class",
        k=5,
        l=2,
    )
    frame = as_pandas(released)
    assert anonymity.k_anonymity(frame, ADULT_QIS) >= 5
    assert anonymity.l_diversity(frame, ADULT_QIS, ["salary-class"]) >= 2


def test_adult_entropy_l_diversity(adult, adult_hierarchies):
    qis = [column for column in ADULT_QIS if column != "occupation"]
    released = mondrian(
        adult,
        quasi_identifiers=qis,
        hierarchies=adult_hierarchies,
        sensitive="occupation",
        k=3,
        l=3,
        l_variant="entropy",
    )
    assert anonymity.k_anonymity(as_pandas(released), qis) >= 3
    assert smallest_entropy_l(released, qis, "occupation") >= 3 * (1 - 1e-9)


@pytest.mark.parametrize("distance", ["equal", "hierarchical"])
def test_adult_t_closeness(adult, adult_hierarchies, distance):
    released = mondrian(
        adult,
        quasi_identifiers=ADULT_QIS,
        hierarchies=adult_hierarchies,
        sensitive="salary-class",
        k=5,
        t=0.15,
        t_distance=distance,
    )
    frame = as_pandas(released)
    assert anonymity.k_anonymity(frame, ADULT_QIS) >= 5
    # Salary has two values, so both distances agree with pycanon's.
    assert anonymity.t_closeness(frame, ADULT_QIS, ["salary-class"]) <= 0.15 + 1e-9


def test_numbers_are_cut_at_the_median():
    table = pl.DataFrame({"age": ["1", "2", "3", "4", "5", "6"], "s": list("abcdef")})
    released = mondrian(table, quasi_identifiers=["age"], hierarchies={}, k=2)
    assert released["age"].to_list() == ["[1-3]"] * 3 + ["[4-6]"] * 3
    assert released["s"].to_list() == list("abcdef")


def test_numbers_sort_as_numbers_and_single_values_stay():
    table = pl.DataFrame({"n": ["10", "9", "10", "9", "100", "100", "-5", "-5"]})
    released = mondrian(table, quasi_identifiers=["n"], hierarchies={}, k=2)
    assert released["n"].to_list() == table["n"].to_list()
    released = mondrian(table, quasi_identifiers=["n"], hierarchies={}, k=3)
    # In numeric order -5, 9 | 10, 100 (in alphabetical order 9 would come last).
    low, high = "[-5-9]", "[10-100]"
    assert released["n"].to_list() == [high, low, high, low, high, high, low, low]


def test_hierarchy_cuts_by_children_of_the_lowest_common_label():
    hierarchy = Hierarchy(
        "job",
        [
            ["nurse", "care", "*"],
            ["doctor", "care", "*"],
            ["baker", "food", "*"],
            ["cook", "food", "*"],
            ["clerk", "office", "*"],
        ],
    )
    table = pl.DataFrame({"job": ["nurse", "doctor", "nurse", "baker", "cook", "cook", "clerk"]})
    released = mondrian(table, quasi_identifiers=["job"], hierarchies={"job": hierarchy}, k=2)
    # "care" and "food" each hold enough records, "office" alone does not: two groups of
    # children, and the group of food and office stays at the common label "*".
    assert released["job"].to_list()[:3] == ["care"] * 3
    assert set(released["job"].to_list()[3:]) == {"*"}
    three_way = pl.concat([table, pl.DataFrame({"job": ["clerk"]})])
    released = mondrian(three_way, quasi_identifiers=["job"], hierarchies={"job": hierarchy}, k=2)
    # A group with a single original value is released as that value.
    assert released["job"].to_list() == ["care"] * 3 + ["food"] * 3 + ["clerk"] * 2


def test_categories_without_hierarchy_are_released_as_sets():
    table = pl.DataFrame({"colour": ["red", "red", "blue", "green", "green", "green"]})
    released = mondrian(table, quasi_identifiers=["colour"], hierarchies={}, k=2)
    # Alphabetically blue (1), green (3) | red (2): the only cut that leaves 2 on each side.
    assert released["colour"].to_list() == ["red", "red"] + ["{blue, green}"] * 4
    report = utility_report(table, released, ["colour"], {})
    assert report["loss"] == pytest.approx(4 * (1 / 2) / 6)


def test_missing_values_are_a_value_of_their_own():
    table = pl.DataFrame({"n": ["1", "2", None, None, "3", "4", None, None]})
    released = mondrian(table, quasi_identifiers=["n"], hierarchies={}, k=2)
    assert released["n"].to_list() == ["[1-2]", "[1-2]", None, None, "[3-4]", "[3-4]", None, None]
    utility_report(table, released, ["n"], {})
    released = mondrian(table, quasi_identifiers=["n"], hierarchies={}, k=5)
    assert released["n"].to_list() == ["*"] * 8
    utility_report(table, released, ["n"], {})


def test_empty_table():
    table = pl.DataFrame({"n": [], "id": []}, schema={"n": pl.Int64, "id": pl.String})
    released = mondrian(table, quasi_identifiers=["n"], hierarchies={}, k=5, identifiers=["id"])
    assert released.columns == ["n"]
    assert released.height == 0


def test_bad_input_is_refused_with_a_reason():
    table = pl.DataFrame({"job": ["nurse", "pilot"], "s": ["a", "b"]})
    hierarchy = Hierarchy("job", [["nurse", "*"]])
    with pytest.raises(MondrianError, match="values its hierarchy lacks: 'pilot'"):
        mondrian(table, quasi_identifiers=["job"], hierarchies={"job": hierarchy}, k=1)
    with pytest.raises(MondrianError, match="no column age"):
        mondrian(table, quasi_identifiers=["age"], hierarchies={}, k=1)
    with pytest.raises(MondrianError, match="need a sensitive column"):
        mondrian(table, quasi_identifiers=["job"], hierarchies={}, k=1, l=2)
    with pytest.raises(ModelError, match="k must be"):
        mondrian(table, quasi_identifiers=["job"], hierarchies={}, k=0)
    with pytest.raises(MondrianError, match="whole table released as one group"):
        mondrian(table, quasi_identifiers=["job"], hierarchies={}, k=3)
    with pytest.raises(MondrianError, match="whole table released as one group"):
        mondrian(table, quasi_identifiers=["job"], hierarchies={}, sensitive="s", k=1, l=3)


# --- generated tables ---------------------------------------------------------------------

PLACE = Hierarchy(
    "place",
    [
        ["Altstadt", "Mitte", "*"],
        ["Hafen", "Mitte", "*"],
        ["Hügel", "Nord", "*"],
        ["Wald", "Nord", "*"],
        ["Feld", "Süd", "*"],
    ],
)

ILLNESS = Hierarchy(
    "illness",
    [["flu", "infection", "*"], ["cold", "infection", "*"], ["asthma", "chronic", "*"]],
)


@st.composite
def tables(draw):
    rows = draw(st.integers(min_value=1, max_value=60))
    column = lambda values: draw(  # noqa: E731 - a short local helper
        st.lists(st.sampled_from(values), min_size=rows, max_size=rows)
    )
    return pl.DataFrame(
        {
            "age": [None if n is None else str(n) for n in column([*range(18, 40), None])],
            "place": column(list(PLACE.leaves)),
            "colour": column(["red", "blue", "green", "grey, dark"]),
            "illness": column(["flu", "cold", "asthma"]),
        }
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables(),
    k=st.integers(min_value=1, max_value=6),
    l=st.one_of(st.none(), st.integers(min_value=1, max_value=3)),
    t=st.sampled_from([None, 0.2, 0.5]),
    t_distance=st.sampled_from(["equal", "hierarchical"]),
)
def test_generated_tables_satisfy_the_model(table, k, l, t, t_distance):  # noqa: E741
    qis = ["age", "place", "colour"]
    try:
        released = mondrian(
            table,
            quasi_identifiers=qis,
            hierarchies={"place": PLACE, "illness": ILLNESS},
            sensitive="illness",
            k=k,
            l=l,
            t=t,
            t_distance=t_distance,
        )
    except MondrianError:
        # Only when the whole table cannot satisfy the model.
        assert table.height < k or (l is not None and table["illness"].n_unique() < l)
        return
    assert released.height == table.height
    assert released["illness"].equals(table["illness"])
    frame = as_pandas(released)
    assert anonymity.k_anonymity(frame, qis) >= k
    if l is not None:
        assert anonymity.l_diversity(frame, qis, ["illness"]) >= l
    if t is not None:
        shares = {value: n / table.height for value, n in table["illness"].value_counts().rows()}
        tree = ILLNESS if t_distance == "hierarchical" else None
        measured = measure(released, qis, "illness", overall=shares, sensitive_hierarchy=tree)
        # A group with "*" in every column reads as suppressed and is left out of the measure.
        assert measured["records"] == 0 or measured["t"] <= t + 1e-9
    measured = measure(released, qis, "illness")
    assert measured["records"] == 0 or measured["k"] >= k
    # Each released value stands for its original (utility_report refuses otherwise).
    utility_report(table, released, qis, {"place": PLACE})
