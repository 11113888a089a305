"""`anonymize()`: releases that hold the model, stay within the suppression limit, are optimal."""

import itertools
import math
import subprocess
import sys

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycanon import anonymity  # type: ignore[import-untyped]

from offenestadt.anonymize.engine import (
    AnonymizeError,
    NoTransformationError,
    Release,
    anonymize,
)
from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.metrics import utility_report

from .conftest import ADULT_QIS

# pycanon groups with pandas in a way pandas 3 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:In a future version, the keys of `groups`")

SENSITIVE_TREE = Hierarchy("s", [["s0", "A", "*"], ["s1", "A", "*"], ["s2", "B", "*"]])


def _pandas(frame: pl.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.to_dict(as_series=False))


def _released_part(release: Release) -> pl.DataFrame:
    table = release.collect()
    starred = pl.all_horizontal(pl.col(c) == "*" for c in release.quasi_identifiers)
    return table.filter(~starred)


# --- an independent brute force on small tables --------------------------------------------


def _distance(histogram, overall, distance):
    size = sum(histogram.values())
    share = {value: histogram.get(value, 0) / size for value in overall}
    if distance == "equal":
        return 0.5 * sum(abs(share[v] - overall[v]) for v in overall)
    # Tree transport: every edge carries the net surplus below it, at weight 1/(2H).
    height = SENSITIVE_TREE.height - 1
    total = 0.0
    for level in range(height):
        surplus: dict[str, float] = {}
        for value in overall:
            label = SENSITIVE_TREE.generalize(value, level)
            surplus[label] = surplus.get(label, 0.0) + share[value] - overall[value]
        total += sum(abs(x) for x in surplus.values()) / (2 * height)
    return total


def _class_passes(values, model, overall):
    histogram: dict[str, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    size = len(values)
    if size < model["k"]:
        return False
    if model["l"] is not None:
        if model["l_variant"] == "distinct" and len(histogram) < model["l"]:
            return False
        entropy = -sum(c / size * math.log(c / size) for c in histogram.values())
        if model["l_variant"] == "entropy" and entropy < math.log(model["l"]) - 1e-9:
            return False
    return not (
        model["t"] is not None
        and _distance(histogram, overall, model["t_distance"]) > model["t"] + 1e-9
    )


def _per_cell_value(rows, qis, hierarchies, levels, gone, metric, frequency):
    """The loss or non-uniform entropy of one node, summed cell by cell as the papers define it."""
    n = len(rows)
    value = 0.0
    for number, row in enumerate(rows):
        for c, lv in zip(qis, levels, strict=True):
            h = hierarchies[c]
            label = h.generalize(row[c], lv)
            if metric == "loss":
                size = len(h) - 1
                value += (
                    1.0
                    if number in gone
                    else ((h.leaf_count(label, lv) - 1) / size if size else 0.0)
                )
            else:
                mass = (
                    n
                    if number in gone
                    else sum(
                        count
                        for leaf, count in frequency[c].items()
                        if h.generalize(leaf, lv) == label
                    )
                )
                value += -math.log2(frequency[c][row[c]] / mass)
    return value / (n * len(qis)) if metric == "loss" else value


def _brute_force(rows, qis, hierarchies, model, metric):
    """The lowest metric value of any full-domain node that meets the model, or None."""
    n = len(rows)
    overall: dict[str, float] = {}
    for row in rows:
        overall[row["s"]] = overall.get(row["s"], 0) + 1 / n
    frequency: dict[str, dict[str, int]] = {c: {} for c in qis}
    for row in rows:
        for c in qis:
            frequency[c][row[c]] = frequency[c].get(row[c], 0) + 1
    limit = math.floor(model["suppression"] * n + 1e-9)
    best: float | None = None
    for levels in itertools.product(*(range(hierarchies[c].height) for c in qis)):
        classes: dict[tuple[str, ...], list[int]] = {}
        for number, row in enumerate(rows):
            key = tuple(
                hierarchies[c].generalize(row[c], lv) for c, lv in zip(qis, levels, strict=True)
            )
            classes.setdefault(key, []).append(number)
        failing = [
            members
            for members in classes.values()
            if not _class_passes([rows[i]["s"] for i in members], model, overall)
        ]
        suppressed = sum(len(members) for members in failing)
        if suppressed > limit:
            continue
        gone = {i for members in failing for i in members}
        if metric == "discernibility":
            value = float(
                sum(len(m) ** 2 for m in classes.values() if m not in failing) + suppressed * n
            )
        else:
            value = _per_cell_value(rows, qis, hierarchies, levels, gone, metric, frequency)
        if best is None or value < best:
            best = value
    return best


@st.composite
def problems(draw):
    qis = [f"q{i}" for i in range(draw(st.integers(1, 4)))]
    hierarchies = {}
    for c in qis:
        leaves = [f"{c}v{i}" for i in range(draw(st.integers(1, 5)))]
        if draw(st.booleans()):
            groups = [draw(st.integers(0, 2)) for _ in leaves]
            rows = [[v, f"{c}g{g}", "*"] for v, g in zip(leaves, groups, strict=True)]
        else:
            rows = [[v, "*"] for v in leaves]
        hierarchies[c] = Hierarchy(c, rows)
    n = draw(st.integers(1, 40))
    records = [
        {
            **{c: draw(st.sampled_from(hierarchies[c].leaves)) for c in qis},
            "s": draw(st.sampled_from(["s0", "s1", "s2"])),
        }
        for _ in range(n)
    ]
    model = {
        "k": draw(st.integers(1, 4)),
        "l": draw(st.none() | st.integers(1, 3)),
        "l_variant": draw(st.sampled_from(["distinct", "entropy"])),
        "t": draw(st.none() | st.sampled_from([0.1, 0.25, 0.4, 0.7])),
        "t_distance": draw(st.sampled_from(["equal", "hierarchical"])),
        "suppression": draw(st.sampled_from([0.0, 0.1, 0.3])),
    }
    metric = draw(st.sampled_from(["loss", "discernibility", "entropy"]))
    return qis, hierarchies, records, model, metric


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_releases_hold_the_model_within_the_limit_at_the_brute_force_optimum(problem):
    qis, hierarchies, rows, model, metric = problem
    frame = pl.DataFrame(
        [{"id": str(i), **row, "note": f"n{i}"} for i, row in enumerate(rows)],
        schema={
            "id": pl.String,
            **dict.fromkeys(qis, pl.String),
            "s": pl.String,
            "note": pl.String,
        },
    )
    expected = _brute_force(rows, qis, hierarchies, model, metric)
    arguments = {
        "quasi_identifiers": qis,
        "hierarchies": {**hierarchies, "s": SENSITIVE_TREE},
        "identifiers": ["id"],
        "sensitive": "s",
        "metric": metric,
        **model,
    }

    if expected is None:
        with pytest.raises(NoTransformationError, match="suppression"):
            anonymize(frame, **arguments)
        return
    release = anonymize(frame, **arguments)

    # Optimal: the metric of the chosen node is the minimum over the lattice.
    assert release.metric_value == pytest.approx(expected, rel=1e-9, abs=1e-9)
    table = release.collect()
    assert table.columns == [*qis, "s", "note"]
    assert table["note"].to_list() == frame["note"].to_list()
    assert table["s"].to_list() == frame["s"].to_list()
    # Suppression within the limit, suppressed records starred in every quasi-identifier.
    assert release.suppressed <= math.floor(model["suppression"] * len(rows) + 1e-9)
    levels = release.levels
    assert levels is not None
    starred = table.select(pl.all_horizontal(pl.col(c) == "*" for c in qis)).to_series()
    everything_top = all(hierarchies[c].labels(levels[c]) == ("*",) for c in qis)
    if not everything_top:
        assert int(starred.sum()) == release.suppressed
    for row, released, gone in zip(rows, table.iter_rows(named=True), starred, strict=True):
        for c in qis:
            assert released[c] in ("*", hierarchies[c].generalize(row[c], levels[c]))
        if not gone:
            assert all(released[c] == hierarchies[c].generalize(row[c], levels[c]) for c in qis)
    # The model holds on the released records, against the input's distribution.
    overall = {v: sum(r["s"] == v for r in rows) / len(rows) for v in {r["s"] for r in rows}}
    kept = table.filter(~starred) if not everything_top else table
    if release.suppressed and everything_top:
        kept = kept.head(0)
    for group in kept.partition_by(qis):
        assert _class_passes(group["s"].to_list(), model, overall)
    # And pycanon, on the released records, agrees.
    if kept.height:
        data = _pandas(kept)
        assert anonymity.k_anonymity(data, qis) >= model["k"]
        if model["l"] is not None and model["l_variant"] == "distinct":
            assert anonymity.l_diversity(data, qis, ["s"]) >= model["l"]
        if model["t"] is not None and model["t_distance"] == "equal" and not release.suppressed:
            assert anonymity.t_closeness(data, qis, ["s"]) <= model["t"] + 1e-9


# --- Adult ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "diversity", "share"), [(5, None, 0.0), (5, None, 0.02), (5, 2, 0.0), (5, 2, 0.02)]
)
def test_adult_releases_pass_pycanon(k, diversity, share, adult_frame, adult_hierarchy_set):
    release = anonymize(
        adult_frame,
        quasi_identifiers=ADULT_QIS,
        hierarchies=adult_hierarchy_set,
        sensitive="salary-class",
        k=k,
        l=diversity,
        suppression=share,
    )

    released = _released_part(release)
    assert released.height == adult_frame.height - release.suppressed
    data = _pandas(released.select(*ADULT_QIS, "salary-class"))
    assert anonymity.k_anonymity(data, list(ADULT_QIS)) >= k
    if diversity is not None:
        assert anonymity.l_diversity(data, list(ADULT_QIS), ["salary-class"]) >= diversity
    assert release.smallest_class == anonymity.k_anonymity(data, list(ADULT_QIS))


@pytest.mark.parametrize("metric", ["loss", "discernibility", "entropy"])
def test_reported_figures_match_an_independent_count(metric, adult_frame, adult_hierarchy_set):
    release = anonymize(
        adult_frame,
        quasi_identifiers=ADULT_QIS,
        hierarchies=adult_hierarchy_set,
        k=5,
        suppression=0.02,
        metric=metric,
    )

    utility = utility_report(
        adult_frame, release.collect(), ADULT_QIS, adult_hierarchy_set, levels=release.levels
    )
    assert release.loss == pytest.approx(utility["loss"], rel=1e-12)
    assert release.metric_value == pytest.approx(
        {
            "loss": utility["loss"],
            "discernibility": utility["discernibility"],
            "entropy": utility["non_uniform_entropy"],
        }[metric],
        rel=1e-12,
    )
    assert release.suppressed == utility["suppressed"]
    assert release.classes == utility["classes"]
    report = release.report()
    assert report["levels"] == release.levels
    assert report["suppression_limit"] == 603
    assert report["search"]["lattice_nodes"] == 6480


def test_t_closeness_with_suppression_holds_on_adult(adult_frame, adult_hierarchy_set):
    release = anonymize(
        adult_frame,
        quasi_identifiers=("age", "sex", "race", "education"),
        hierarchies=adult_hierarchy_set,
        sensitive="salary-class",
        k=2,
        t=0.1,
        suppression=0.02,
    )

    overall = adult_frame["salary-class"].value_counts(normalize=True)
    shares = dict(overall.iter_rows())
    released = _released_part(release)
    assert release.suppressed <= 603
    for group in released.partition_by(["age", "sex", "race", "education"]):
        counts = group["salary-class"].value_counts(normalize=True)
        within = dict(counts.iter_rows())
        distance = 0.5 * sum(abs(within.get(v, 0.0) - s) for v, s in shares.items())
        assert distance <= 0.1 + 1e-9


# --- input, output, errors ---------------------------------------------------------------------


@pytest.fixture
def people():
    return pl.DataFrame(
        {
            "name": ["Anna", "Ben", "Cem", "Dora", "Emil", "Fey"],
            "age": ["31", "34", "38", "52", "55", "59"],
            "zip": ["44787", "44789", "44787", "44801", "44803", "44801"],
            "illness": ["flu", "cold", "flu", "asthma", "flu", "cold"],
        }
    )


@pytest.fixture
def people_hierarchies():
    return {
        "age": Hierarchy(
            "age", [[str(a), f"{a // 10 * 10}-{a // 10 * 10 + 9}", "*"] for a in range(18, 100)]
        ),
        "zip": Hierarchy(
            "zip",
            [
                [z, z[:4] + "*", z[:3] + "**", "*"]
                for z in ("44787", "44789", "44801", "44803", "44805")
            ],
        ),
    }


def test_identifiers_go_and_order_stays(people, people_hierarchies):
    release = anonymize(
        people,
        quasi_identifiers=["age", "zip"],
        hierarchies=people_hierarchies,
        identifiers=["name"],
        k=3,
    )

    assert release.collect().columns == ["age", "zip", "illness"]
    assert release.collect().to_dict(as_series=False) == {
        "age": ["30-39", "30-39", "30-39", "50-59", "50-59", "50-59"],
        "zip": ["447**", "447**", "447**", "448**", "448**", "448**"],
        "illness": ["flu", "cold", "flu", "asthma", "flu", "cold"],
    }
    assert release.levels == {"age": 1, "zip": 2}
    assert release.rows == 6
    assert release.suppressed == 0


def test_lazy_input_gives_the_same_release_lazily(people, people_hierarchies):
    arguments = {
        "quasi_identifiers": ["age", "zip"],
        "hierarchies": people_hierarchies,
        "identifiers": ["name"],
        "k": 2,
        "suppression": 0.5,
    }
    eager = anonymize(people, **arguments)
    lazy = anonymize(people.lazy(), **arguments)

    assert isinstance(lazy.table, pl.LazyFrame)
    assert lazy.collect().equals(eager.collect())
    assert lazy.levels == eager.levels


def test_empty_cells_need_an_empty_value_in_the_hierarchy(people, people_hierarchies):
    holes = people.with_columns(
        pl.when(pl.col("name") == "Ben").then(None).otherwise("zip").alias("zip")
    )
    with pytest.raises(
        AnonymizeError, match=r"Column 'zip' has values its hierarchy lacks: \(empty\) \(1 record\)"
    ):
        anonymize(holes, quasi_identifiers=["age", "zip"], hierarchies=people_hierarchies, k=2)

    zip_rows = [list(row) for row in people_hierarchies["zip"].rows()] + [["", "", "", "*"]]
    hierarchies = {**people_hierarchies, "zip": Hierarchy("zip", zip_rows)}
    release = anonymize(holes, quasi_identifiers=["age", "zip"], hierarchies=hierarchies, k=1)
    assert release.collect()["age"].to_list() == people["age"].to_list()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"quasi_identifiers": ["age", "height"]},
            r"no column 'height' \(named as quasi-identifier\)",
        ),
        (
            {"quasi_identifiers": ["age", "illness"]},
            r"'illness' has no hierarchy; give one \(--hierarchy illness=FILE\)",
        ),
        ({"identifiers": ["nom"]}, "no column 'nom'"),
        ({"identifiers": ["age"]}, "both as quasi-identifier and as identifier"),
        ({"l": 2}, "need a sensitive column"),
        (
            {"t": 0.2, "t_distance": "hierarchical", "sensitive": "illness"},
            "hierarchy for the sensitive column 'illness'",
        ),
        ({"sensitive": "age"}, "cannot also be a quasi-identifier"),
        ({"k": 0}, "k must be a whole number"),
        ({"suppression": 5}, "between 0 and 1"),
        ({"algorithm": "flash"}, "Unknown algorithm"),
        ({"metric": "precision"}, "Unknown metric"),
        ({"quasi_identifiers": []}, "at least one quasi-identifier"),
    ],
)
def test_bad_requests_are_explained(arguments, message, people, people_hierarchies):
    call = {
        "quasi_identifiers": ["age", "zip"],
        "hierarchies": people_hierarchies,
        "identifiers": ["name"],
        **arguments,
    }
    with pytest.raises(AnonymizeError, match=message):
        anonymize(people, **call)


def test_values_missing_from_a_hierarchy_are_named(people, people_hierarchies):
    moved = people.with_columns(pl.col("zip").replace({"44801": "10115"}))
    with pytest.raises(
        AnonymizeError, match=r"Column 'zip' has values its hierarchy lacks: '10115' \(2 records\)"
    ):
        anonymize(moved, quasi_identifiers=["age", "zip"], hierarchies=people_hierarchies)


def test_no_transformation_names_the_model_and_suggests_suppression(people, people_hierarchies):
    with pytest.raises(NoTransformationError) as caught:
        anonymize(
            people,
            quasi_identifiers=["age", "zip"],
            hierarchies=people_hierarchies,
            sensitive="illness",
            k=2,
            l=4,
        )
    message = str(caught.value)
    assert "distinct 4-diversity" in message
    assert "distinct l-diversity cannot be met" in message
    assert "--suppression" in message


def test_mondrian_is_dispatched(people, people_hierarchies):
    release = anonymize(
        people,
        quasi_identifiers=["age", "zip"],
        hierarchies=people_hierarchies,
        identifiers=["name"],
        k=3,
        algorithm="mondrian",
    )

    assert release.algorithm == "mondrian"
    assert release.levels is None
    table = release.collect()
    assert "name" not in table.columns
    smallest = table.group_by(["age", "zip"]).len()["len"].to_list()
    assert min(smallest) >= 3
    assert release.smallest_class == min(smallest)
    assert 0 <= release.loss <= 1


def test_the_library_imports_no_django():
    code = (
        "import sys; import offenestadt.anonymize, offenestadt.anonymize.engine, "
        "offenestadt.anonymize.commands.anonymize, offenestadt.anonymize.commands.scan, "
        "offenestadt.anonymize.lattice; "
        "assert 'django' not in sys.modules, 'django imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
