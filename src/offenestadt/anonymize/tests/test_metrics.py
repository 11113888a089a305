"""Utility metrics of a release, checked against figures worked out by hand."""

import json
import math

import polars as pl
import pytest

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import utility_report

AGE = Hierarchy(
    "age",
    [["1", "1-2", "*"], ["2", "1-2", "*"], ["3", "3-4", "*"], ["4", "3-4", "*"]],
)
SEX = Hierarchy("sex", [["m", "*"], ["f", "*"]])
HIERARCHIES = {"age": AGE, "sex": SEX}

ORIGINAL = pl.DataFrame({"age": ["1", "2", "3", "3"], "sex": ["m", "m", "f", "f"]})
# Two records generalised, one left as it is, the last one suppressed.
RELEASED = pl.DataFrame({"age": ["1-2", "1-2", "3", "*"], "sex": ["m", "m", "f", "*"]})


@pytest.fixture
def report():
    return utility_report(ORIGINAL, RELEASED, ["age", "sex"], HIERARCHIES, k=2)


def test_loss_is_iyengars_average_over_all_cells(report):
    # age: "1-2" covers 2 of 4 leaves: (2-1)/(4-1) = 1/3, twice; "3" 0; "*" 1.
    # sex: m, m, f cost 0; "*" 1.  (2/3 + 1 + 1) / 8 cells.
    assert report["loss"] == pytest.approx((2 / 3 + 2) / 8)
    assert report["loss_by_column"]["age"] == pytest.approx((2 / 3 + 1) / 4)
    assert report["loss_by_column"]["sex"] == pytest.approx(1 / 4)


def test_discernibility_charges_suppressed_records_the_table_size(report):
    # Classes ("1-2", m) of 2 and ("3", f) of 1; one suppressed record charged 4.
    assert report["discernibility"] == 2**2 + 1**2 + 4
    assert report["suppressed"] == 1
    assert report["classes"] == 2


def test_average_class_size(report):
    assert report["average_class_size"] == pytest.approx(3 / 2)
    assert report["normalized_average_class_size"] == pytest.approx(3 / 2 / 2)


def test_non_uniform_entropy(report):
    # age: 1 -> "1-2": P = 1/2 (values 1 and 2 occur once each); 2 -> "1-2" likewise;
    # 3 -> "3": P = 1; 3 -> "*": P = 2/4.  sex: only the suppressed f: P = 2/4.
    assert report["entropy_by_column"]["age"] == pytest.approx(3.0)
    assert report["entropy_by_column"]["sex"] == pytest.approx(1.0)
    assert report["non_uniform_entropy"] == pytest.approx(4.0)


def test_generalisation_intensity_per_cell(report):
    # age (height 3): levels 1, 1, 0 and "*" -> 0.5, 0.5, 0, 1; sex (height 2): 0, 0, 0, 1.
    assert report["intensity_by_column"]["age"] == pytest.approx(2 / 4)
    assert report["intensity_by_column"]["sex"] == pytest.approx(1 / 4)
    assert report["generalisation_intensity"] == pytest.approx((0.5 + 0.25) / 2)


def test_nothing_generalised_costs_nothing():
    report = utility_report(ORIGINAL, ORIGINAL, ["age", "sex"], HIERARCHIES)
    assert report["loss"] == 0
    assert report["non_uniform_entropy"] == 0
    assert report["generalisation_intensity"] == 0
    assert report["discernibility"] == 1 + 1 + 2**2
    assert report["normalized_average_class_size"] is None


def test_everything_suppressed_costs_one():
    starred = pl.DataFrame({"age": ["*"] * 4, "sex": ["*"] * 4})
    report = utility_report(ORIGINAL, starred, ["age", "sex"], HIERARCHIES)
    assert report["loss"] == 1
    assert report["generalisation_intensity"] == 1
    assert report["discernibility"] == 4 * 4
    assert report["classes"] == 0
    assert report["average_class_size"] is None


def test_full_domain_levels_are_read_at_their_level():
    released = pl.DataFrame({"age": ["1-2", "1-2", "3-4", "3-4"], "sex": ["m", "m", "f", "f"]})
    report = utility_report(
        ORIGINAL, released, ["age", "sex"], HIERARCHIES, levels={"age": 1, "sex": 0}
    )
    assert report["loss"] == pytest.approx((4 * (1 / 3)) / 8)
    assert report["intensity_of_levels"] == pytest.approx((1 / 2 + 0) / 2)
    assert report["generalisation_intensity"] == report["intensity_of_levels"]
    with pytest.raises(ValueError, match="level 0 of its hierarchy"):
        utility_report(ORIGINAL, released, ["age"], HIERARCHIES, levels={"age": 0})


def test_intervals_count_the_hierarchy_leaves_inside():
    released = pl.DataFrame({"age": ["[1-3]", "[1-3]", "[1-3]", "3"]})
    report = utility_report(ORIGINAL, released, ["age"], HIERARCHIES)
    # [1-3] covers leaves 1, 2, 3: (3-1)/(4-1); only "*" covers them all, so level 2.
    assert report["loss"] == pytest.approx(3 * (2 / 3) / 4)
    assert report["intensity_by_column"]["age"] == pytest.approx(3 / 4)
    # P(1 | [1-3]) = 1/4, P(2 | [1-3]) = 1/4, P(3 | [1-3]) = 2/4.
    assert report["non_uniform_entropy"] == pytest.approx(2 + 2 + 1)


def test_intervals_without_hierarchy_use_the_value_range():
    original = pl.DataFrame({"income": ["10", "20", "30", "50"]})
    released = pl.DataFrame({"income": ["[10-30]", "[10-30]", "[10-30]", "50"]})
    report = utility_report(original, released, ["income"], {})
    assert report["loss"] == pytest.approx(3 * ((30 - 10) / (50 - 10)) / 4)
    assert report["non_uniform_entropy"] == pytest.approx(3 * math.log2(3))
    assert report["generalisation_intensity"] is None
    assert report["intensity_by_column"] == {"income": None}


def test_sets_without_hierarchy_count_their_values():
    original = pl.DataFrame({"job": ["a", "b", "c", "x, y", "x, y"]})
    released = pl.DataFrame({"job": ["{a, b}", "{a, b}", "c", "{c, x, y}", "*"]})
    report = utility_report(original, released, ["job"], {})
    # 4 distinct values; {a, b}: 1/3 twice; {c, x, y} is {"c", "x, y"}: 1/3; "*": 1.
    assert report["loss"] == pytest.approx((3 * (1 / 3) + 1) / 5)


def test_released_value_must_stand_for_the_original():
    released = pl.DataFrame({"age": ["1-2", "3-4", "3", "*"], "sex": ["m", "m", "f", "*"]})
    with pytest.raises(ValueError, match=r"Record 2: .*'3-4'.*original value '2'"):
        utility_report(ORIGINAL, released, ["age", "sex"], HIERARCHIES)


def test_unknown_labels_and_mismatched_tables_are_refused():
    released = RELEASED.with_columns(pl.lit("old").alias("age"))
    with pytest.raises(ValueError, match="neither a label of its hierarchy nor an interval"):
        utility_report(ORIGINAL, released, ["age"], HIERARCHIES)
    with pytest.raises(ValueError, match="record for record"):
        utility_report(ORIGINAL, RELEASED.head(3), ["age"], HIERARCHIES)
    with pytest.raises(ValueError, match="no column"):
        utility_report(ORIGINAL, RELEASED, ["postcode"], HIERARCHIES)


def test_report_is_json_ready(report):
    json.dumps(report)


def test_full_domain_loss_on_adult_matches_the_hierarchy_sizes(adult_frame, adult_hierarchy_set):
    """The cell-by-cell loss equals the loss worked out from label sizes per level."""
    adult = adult_frame
    levels = {"age": 2, "education": 1, "native-country": 1, "sex": 0}
    hierarchies = {column: adult_hierarchy_set[column] for column in levels}
    released = adult.with_columns(
        pl.col(column).replace_strict(
            {leaf: hierarchy.generalize(leaf, levels[column]) for leaf in hierarchy.leaves}
        )
        for column, hierarchy in hierarchies.items()
    )
    expected = 0.0
    for column, hierarchy in hierarchies.items():
        leaves = len(hierarchy)
        for value, count in adult[column].value_counts().iter_rows():
            label = hierarchy.generalize(value, levels[column])
            expected += count * (hierarchy.leaf_count(label, levels[column]) - 1) / (leaves - 1)
    expected /= adult.height * len(hierarchies)
    report = utility_report(adult, released, list(levels), hierarchies, levels=levels, k=5)
    assert report["loss"] == pytest.approx(expected)
    assert utility_report(adult, released, list(levels), hierarchies)["loss"] == pytest.approx(
        expected
    )
