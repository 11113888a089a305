"""The report's risk and utility figures from the search's combinations equal those measured
record by record on the original and the released table (`risk_report`, `utility_report`)."""

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offenestadt.anonymize.engine import NoTransformationError, anonymize
from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import utility_report
from offenestadt.anonymize.risk import class_sizes, risk_report

from .conftest import ADULT_QIS


def _measured(frame, release, hierarchies):
    """The figures the straightforward way: both tables in memory, record by record.

    The utility's per-cell measures read a missing value as the empty one, as the search does
    (`utility_report` refuses a missing original value); its classes are those of the released
    table as it is, like the risk after's (a missing value apart from an empty one).
    """
    qis = list(release.quasi_identifiers)
    original = frame.select(pl.col(qis).cast(pl.String))
    released = release.collect().select(pl.col(qis).cast(pl.String))
    utility = utility_report(
        original.fill_null(""),
        released.fill_null(""),
        qis,
        hierarchies,
        k=release.model.k,
        levels=release.levels,
    )
    sizes = class_sizes(released, qis)["size"].cast(pl.Int64)
    records, kept = released.height, int(sizes.sum())
    average = kept / sizes.len() if sizes.len() else None
    utility.update(
        suppressed=records - kept,
        classes=sizes.len(),
        discernibility=int((sizes**2).sum()) + (records - kept) * records,
        average_class_size=average,
        normalized_average_class_size=None if average is None else average / release.model.k,
    )
    return {
        "risk": {"before": risk_report(original, qis), "after": risk_report(released, qis)},
        "utility": utility,
    }


def _assert_same(streamed, measured, path="report"):
    if isinstance(measured, dict):
        assert isinstance(streamed, dict), path
        assert streamed.keys() == measured.keys(), path
        for key, value in measured.items():
            _assert_same(streamed[key], value, f"{path}.{key}")
    elif isinstance(measured, float):
        assert streamed == pytest.approx(measured, rel=1e-12, abs=1e-12), path
    else:
        assert streamed == measured, path
        assert type(streamed) is type(measured), path


def _check(frame, hierarchies, **options):
    release = anonymize(frame, hierarchies=hierarchies, **options)
    figures = release.figures(hierarchies)
    _assert_same(figures, _measured(frame, release, hierarchies))
    return release, figures


@pytest.mark.parametrize(
    "options",
    [
        {"k": 5, "suppression": 0.02},
        {"k": 5, "suppression": 0.0},
        {"k": 5, "l": 2, "sensitive": "salary-class", "suppression": 0.01},
    ],
    ids=["k5-2%", "k5-0%", "k5-l2"],
)
def test_adult(adult_frame, adult_hierarchy_set, options):
    release, figures = _check(
        adult_frame, adult_hierarchy_set, quasi_identifiers=ADULT_QIS, **options
    )
    assert figures["risk"]["after"]["suppressed"] == release.suppressed
    assert figures["utility"]["loss"] == pytest.approx(release.loss, rel=1e-12)
    assert figures["risk"]["before"]["uniques"] > 0
    if options["suppression"]:
        assert release.suppressed > 0


AGE = Hierarchy("age", [["1", "1-2", "*"], ["2", "1-2", "*"], ["3", "3-4", "*"], ["4", "3-4", "*"]])
SEX = Hierarchy("sex", [["m", "*"], ["f", "*"]])


def test_a_single_class():
    frame = pl.DataFrame({"age": ["3"] * 6, "sex": ["f"] * 6})
    release, figures = _check(
        frame, {"age": AGE, "sex": SEX}, quasi_identifiers=["age", "sex"], k=3
    )
    assert release.levels == {"age": 0, "sex": 0}
    for when in ("before", "after"):
        assert figures["risk"][when]["classes"] == 1
        assert figures["risk"][when]["smallest_class"] == 6
    assert figures["utility"]["loss"] == 0.0
    assert figures["utility"]["discernibility"] == 36


def test_everything_generalised_to_a_star_counts_as_suppressed():
    # Four different records, k=4, nothing may be suppressed: only the top node passes, and
    # its records read `*` in every column, which the measures count as suppressed.
    frame = pl.DataFrame({"age": ["1", "2", "3", "4"], "sex": ["m", "f", "m", "f"]})
    release, figures = _check(
        frame, {"age": AGE, "sex": SEX}, quasi_identifiers=["age", "sex"], k=4
    )
    assert release.levels == {"age": 2, "sex": 1}
    assert figures["risk"]["after"]["released"] == 0
    assert figures["risk"]["after"]["smallest_class"] is None
    assert figures["utility"]["discernibility"] == 16
    assert figures["utility"]["loss"] == 1.0


def test_suppressed_records_missing_and_empty_values():
    # A missing value and an empty one are one leaf to the search; the risk before keeps them
    # apart, as a group-by of the table does.
    place = Hierarchy(
        "place", [["", "?", "*"], ["A", "AB", "*"], ["B", "AB", "*"], ["C", "C", "*"]]
    )
    frame = pl.DataFrame(
        {
            "place": [None, "", "", "A", "A", "B", "B", "C", None, "A"],
            "sex": ["m", "m", "f", "m", "m", "f", "f", "f", "m", "f"],
        }
    )
    hierarchies = {"place": place, "sex": SEX}
    for k, suppression in ((2, 0.3), (1, 0.0), (3, 0.5)):
        _, figures = _check(
            frame, hierarchies, quasi_identifiers=["place", "sex"], k=k, suppression=suppression
        )
        assert figures["risk"]["after"]["records"] == 10
    before = figures["risk"]["before"]
    assert before["classes"] == 7  # (None, m) apart from ("", m)


def test_original_records_of_stars_count_as_suppressed_before():
    star = Hierarchy("s", [["*", "*"], ["x", "*"]])
    mark = Hierarchy("t", [["*", "*"], ["y", "*"]])
    frame = pl.DataFrame({"s": ["*", "*", "x", "x", "*"], "t": ["*", "*", "y", "y", "y"]})
    _, figures = _check(frame, {"s": star, "t": mark}, quasi_identifiers=["s", "t"], k=2)
    assert figures["risk"]["before"]["suppressed"] == 2


def _tree(draw, column):
    """Two levels above the leaves; the empty value and `*` are leaves at times."""
    leaves = [f"{column}v{i}" for i in range(draw(st.integers(1, 4)))]
    leaves += [value for value in ("", "*") if draw(st.booleans())]
    return Hierarchy(
        column, [[leaf, f"{column}g{draw(st.integers(0, 1))}", "*"] for leaf in leaves]
    )


@st.composite
def problems(draw):
    qis = [f"q{i}" for i in range(draw(st.integers(1, 3)))]
    hierarchies = {column: _tree(draw, column) for column in qis}
    choices = {c: [*hierarchies[c].leaves, *([None] * ("" in hierarchies[c]))] for c in qis}
    n = draw(st.integers(1, 30))
    records = [
        {
            **{c: draw(st.sampled_from(choices[c])) for c in qis},
            "s": draw(st.sampled_from(["s0", "s1"])),
        }
        for _ in range(n)
    ]
    model = {
        "k": draw(st.integers(1, 4)),
        "l": draw(st.none() | st.integers(1, 2)),
        "suppression": draw(st.sampled_from([0.0, 0.1, 0.3])),
        "metric": draw(st.sampled_from(["loss", "discernibility", "entropy"])),
    }
    return qis, hierarchies, records, model


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_random_tables(problem):
    qis, hierarchies, records, model = problem
    frame = pl.DataFrame(records, schema={**dict.fromkeys(qis, pl.String), "s": pl.String})
    try:
        _, figures = _check(frame, hierarchies, quasi_identifiers=qis, sensitive="s", **model)
    except NoTransformationError:
        return
    assert figures["risk"]["before"]["records"] == len(records)
    assert math.isfinite(figures["utility"]["non_uniform_entropy"])


def test_classes_too_many_for_one_number():
    # 14 columns of 25 values: the combinations no longer fit one 64-bit key. 30 pairs of equal
    # records and 3 single ones, which are suppressed with nothing generalised.
    columns = [f"c{i}" for i in range(14)]
    hierarchies = {
        c: Hierarchy(c, [[f"{c}v{v}", f"{c}g{v % 2}" if i % 2 else "*"] for v in range(25)])
        for i, c in enumerate(columns)
    }
    rows = [*range(30), *range(30), 30, 31, 32]
    frame = pl.DataFrame(
        {
            c: [f"{c}v{(r * (i + 3)) % 25 if i < 4 else r % 3}" for r in rows]
            for i, c in enumerate(columns)
        }
    )
    assert math.prod(len(h) for h in hierarchies.values()) >= 1 << 62
    release, figures = _check(frame, hierarchies, quasi_identifiers=columns, k=2, suppression=0.1)
    assert set(release.levels.values()) == {0}
    assert release.suppressed == 3
    assert figures["risk"]["before"]["classes"] == 33
