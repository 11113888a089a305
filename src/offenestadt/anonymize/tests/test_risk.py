"""Re-identification risk: exact figures on tables small enough to count by hand."""

import polars as pl
import pytest

from offenestadt.anonymize.mondrian import mondrian
from offenestadt.anonymize.risk import risk_report

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

# Classes (x,1): 3 records, (y,1): 1, (y,2): 2; one record suppressed, one only partly starred.
SAMPLE = pl.DataFrame(
    {
        "a": ["x", "x", "x", "y", "y", "y", "*", "*"],
        "b": ["1", "1", "1", "1", "2", "2", "*", "7"],
        "other": ["p", "q", "r", "s", "t", "u", "v", "w"],
    }
)


def test_counts_classes_and_leaves_out_suppressed_records():
    report = risk_report(SAMPLE, ["a", "b"])
    assert report["records"] == 8
    assert report["suppressed"] == 1
    assert report["released"] == 7
    # (x,1) 3, (y,1) 1, (y,2) 2, (*,7) 1
    assert report["classes"] == 4
    assert report["smallest_class"] == 1
    assert report["largest_class"] == 3
    assert report["average_class_size"] == pytest.approx(7 / 4)
    assert report["uniques"] == 2
    assert report["share_uniques"] == pytest.approx(2 / 7)


def test_prosecutor_and_marketer_risk_are_exact():
    report = risk_report(SAMPLE.head(6), ["a", "b"])
    assert report["prosecutor"] == {"highest": 1.0, "average": pytest.approx(3 / 6)}
    assert report["marketer"]["average"] == pytest.approx(3 / 6)


def test_without_population_journalist_equals_prosecutor_and_says_so():
    report = risk_report(SAMPLE.head(6), ["a", "b"])
    assert report["journalist"]["highest"] == report["prosecutor"]["highest"]
    assert report["journalist"]["average"] == report["prosecutor"]["average"]
    assert "own population" in report["journalist"]["assumption"]


@pytest.mark.parametrize(
    ("threshold", "at_risk"),
    [
        (0.2, 6),  # every class is smaller than 5
        (0.4, 3),  # classes of 1 and 2 (risks 1 and 0.5), not the class of 3 (0.33)
        (0.5, 1),  # "above" is strict: the class of 2 (exactly 0.5) is not at risk
        (1.0, 0),
    ],
)
def test_records_at_risk_follow_the_threshold(threshold, at_risk):
    report = risk_report(SAMPLE.head(6), ["a", "b"], threshold=threshold)
    assert report["records_at_risk"] == at_risk
    assert report["share_at_risk"] == pytest.approx(at_risk / 6)


def test_population_table_gives_journalist_and_marketer_risk():
    population = pl.DataFrame(
        {
            "a": ["x"] * 6 + ["y"] * 2 + ["y"] * 2 + ["z"] * 10,
            "b": ["1"] * 6 + ["1"] * 2 + ["2"] * 2 + ["3"] * 10,
        }
    )
    report = risk_report(SAMPLE.head(6), ["a", "b"], population=population)
    # Population classes matched: (x,1) 6, (y,1) 2, (y,2) 2.
    assert report["journalist"]["highest"] == pytest.approx(1 / 2)
    expected = (3 / 6 + 1 / 2 + 2 / 2) / 6
    assert report["journalist"]["average"] == pytest.approx(expected)
    assert report["marketer"]["average"] == pytest.approx(expected)
    assert "population table" in report["journalist"]["assumption"]
    # The prosecutor still assumes the person is known to be in the release.
    assert report["prosecutor"]["highest"] == 1.0


def test_population_missing_a_released_class_is_refused():
    population = pl.DataFrame({"a": ["x"] * 6, "b": ["1"] * 6})
    with pytest.raises(ValueError, match="population table must contain"):
        risk_report(SAMPLE.head(6), ["a", "b"], population=population)


def test_all_records_suppressed():
    frame = pl.DataFrame({"a": ["*", "*"], "b": ["*", "*"]})
    report = risk_report(frame, ["a", "b"])
    assert report["released"] == 0
    assert report["suppressed"] == 2
    assert report["prosecutor"]["highest"] == 0.0
    assert report["smallest_class"] is None


def test_missing_values_form_their_own_class():
    frame = pl.DataFrame({"a": ["x", None, None], "b": ["1", "2", "2"]})
    report = risk_report(frame, ["a", "b"])
    assert report["classes"] == 2
    assert report["uniques"] == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match="no column c"):
        risk_report(SAMPLE, ["a", "c"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        risk_report(SAMPLE, ["a"], threshold=2)
    with pytest.raises(ValueError, match="at least one"):
        risk_report(SAMPLE, [])


def test_report_is_json_ready():
    import json

    json.dumps(risk_report(SAMPLE, ["a", "b"]))


def test_raw_adult_is_risky_and_a_5_anonymous_release_is_not(adult_frame, adult_hierarchy_set):
    before = risk_report(adult_frame, ADULT_QIS)
    assert before["suppressed"] == 0
    assert before["uniques"] > 1000
    assert before["prosecutor"]["highest"] == 1.0

    released = mondrian(
        adult_frame, quasi_identifiers=ADULT_QIS, hierarchies=adult_hierarchy_set, k=5
    )
    after = risk_report(released, ADULT_QIS)
    assert after["smallest_class"] >= 5
    assert after["prosecutor"]["highest"] <= 1 / 5
    assert after["prosecutor"]["average"] <= 1 / 5
    assert after["uniques"] == 0
    assert after["records_at_risk"] == 0
    assert after["marketer"]["average"] < before["marketer"]["average"]
