"""Privacy models: parameters, the class checks of the search, `measure` on released tables."""

import math

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycanon import anonymity  # type: ignore[import-untyped]

from offenestadt.anonymize.hierarchy import Hierarchy
from offenestadt.anonymize.models import (
    ModelError,
    PrivacyModel,
    SensitiveDomain,
    class_ok,
    distances,
    measure,
    monotone_relaxation,
)


def _classes(*histograms):
    """Pair tables from per-class histograms of sensitive value numbers."""
    starts: list[int] = []
    values: list[int] = []
    counts: list[int] = []
    sizes: list[int] = []
    for histogram in histograms:
        starts.append(len(values))
        for value, count in enumerate(histogram):
            if count:
                values.append(value)
                counts.append(count)
        sizes.append(sum(histogram))
    as_array = np.array
    return (
        as_array(starts, dtype=np.int64),
        as_array(sizes, dtype=np.int64),
        as_array(values, dtype=np.int64),
        as_array(counts, dtype=np.int64),
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"k": 0}, "k must be a whole number"),
        ({"l": 0}, "l must be a whole number"),
        ({"t": 1.5}, "t must lie between 0 and 1"),
        ({"suppression": 2}, "0.02 for 2 %"),
        ({"l_variant": "recursive"}, "distinct or entropy"),
        ({"t_distance": "ordered"}, "equal or hierarchical"),
    ],
)
def test_nonsense_parameters_are_refused(arguments, message):
    with pytest.raises(ModelError, match=message):
        PrivacyModel(**arguments)


def test_suppression_limit_rounds_down():
    assert PrivacyModel(suppression=0.02).suppression_limit(30162) == 603
    assert PrivacyModel(suppression=0.1).suppression_limit(30) == 3
    assert PrivacyModel().suppression_limit(1000) == 0


def test_which_models_are_monotone():
    assert PrivacyModel(k=5, suppression=0.1).monotone
    assert PrivacyModel(k=5, l=2, suppression=0.1).monotone
    assert not PrivacyModel(k=5, l=2, l_variant="entropy", suppression=0.1).monotone
    assert not PrivacyModel(t=0.2, suppression=0.1).monotone
    assert PrivacyModel(t=0.2).monotone


def test_k_and_l_diversity_per_class():
    starts, sizes, values, counts = _classes([3, 0, 0], [2, 1, 0], [1, 1, 1], [4, 1, 0])
    domain = SensitiveDomain.build(["a", "b", "c"], np.array([10, 3, 1]))

    def check(**arguments):
        model = PrivacyModel(**arguments)
        return class_ok(model, starts, sizes, values, counts, domain).tolist()

    assert check(k=3) == [True, True, True, True]
    assert check(k=4) == [False, False, False, True]
    assert check(l=2) == [False, True, True, True]
    assert check(l=3) == [False, False, True, False]
    # Entropy of (2, 1) is 0.637 < log 2; of (4, 1) 0.500; of (1, 1, 1) log 3.
    assert check(l=2, l_variant="entropy") == [False, False, True, False]
    assert check(l=3, l_variant="entropy") == [False, False, True, False]


def test_equal_distance_is_half_the_total_variation():
    starts, sizes, values, counts = _classes([2, 0], [1, 1], [0, 4])
    domain = SensitiveDomain.build(["a", "b"], np.array([1, 1]))

    result = distances(starts, sizes, values, counts, domain, "equal")

    assert result.tolist() == pytest.approx([0.5, 0.0, 0.5])


def test_hierarchical_distance_follows_the_tree():
    # a, b under X; c, d under Y; all four equally common. A class of only "a" must move 1/4
    # to b (one level, cost 1/2) and 1/2 to c and d (two levels, cost 1): 0.125 + 0.5.
    tree = Hierarchy("s", [["a", "X", "*"], ["b", "X", "*"], ["c", "Y", "*"], ["d", "Y", "*"]])
    domain = SensitiveDomain.build(["a", "b", "c", "d"], np.array([1, 1, 1, 1]), tree)
    starts, sizes, values, counts = _classes([4, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1])

    result = distances(starts, sizes, values, counts, domain, "hierarchical")

    # Half a, half b: 1/2 must cross the root to c and d (cost 1); the rest stays put.
    assert result.tolist() == pytest.approx([0.625, 0.5, 0.0])


def _tree_distance(share, overall, tree, names):
    """EMD on a tree metric: each edge carries the net surplus below it, weight 1/(2H)."""
    height = tree.height - 1 + (len(tree.labels(tree.height - 1)) > 1)
    total = 0.0
    for level in range(tree.height):
        if level == height:
            break
        labels: dict[str, float] = {}
        for name, p, q in zip(names, share, overall, strict=True):
            label = tree.generalize(name, level)
            labels[label] = labels.get(label, 0.0) + p - q
        total += sum(abs(surplus) for surplus in labels.values()) / (2 * height)
    return total


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=6), min_size=6, max_size=6),
    st.lists(
        st.lists(st.integers(min_value=0, max_value=5), min_size=6, max_size=6).filter(any),
        min_size=1,
        max_size=5,
    ),
)
def test_hierarchical_distance_equals_the_tree_transport_cost(weights, histograms):
    names = ["a", "b", "c", "d", "e", "f"]
    tree = Hierarchy(
        "s",
        [
            ["a", "ab", "abc", "*"],
            ["b", "ab", "abc", "*"],
            ["c", "c", "abc", "*"],
            ["d", "de", "def", "*"],
            ["e", "de", "def", "*"],
            ["f", "f", "def", "*"],
        ],
    )
    overall = np.array(weights, dtype=np.float64) + 1
    domain = SensitiveDomain.build(names, overall, tree)
    starts, sizes, values, counts = _classes(*histograms)

    result = distances(starts, sizes, values, counts, domain, "hierarchical")
    equal = distances(starts, sizes, values, counts, domain, "equal")

    shares = overall / overall.sum()
    for number, histogram in enumerate(histograms):
        class_share = np.array(histogram) / sum(histogram)
        assert result[number] == pytest.approx(
            _tree_distance(class_share, shares, tree, names), abs=1e-12
        )
        assert equal[number] == pytest.approx(0.5 * np.abs(class_share - shares).sum())
        # Every unit of mass moves at least one level out of three.
        assert result[number] >= equal[number] / 3 - 1e-12


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=9), min_size=2, max_size=5),
    st.lists(st.integers(min_value=0, max_value=6), min_size=5, max_size=5).filter(any),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=4),
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from(["entropy", "distinct"]),
    st.sampled_from(["equal", "hierarchical"]),
)
def test_the_monotone_relaxation_passes_every_class_the_model_passes(
    weights, histogram, k, diversity, t, variant, distance
):
    names = ["a", "b", "c", "d", "e"][: len(weights)]
    histogram = histogram[: len(weights)]
    if not any(histogram):
        histogram[0] = 1
    tree = Hierarchy("s", [[n, "low" if i < 2 else "high", "*"] for i, n in enumerate(names)])
    domain = SensitiveDomain.build(names, np.array(weights), tree)
    model = PrivacyModel(
        k=k, l=diversity, l_variant=variant, t=t, t_distance=distance, suppression=0.1
    )
    relaxed = monotone_relaxation(model, domain)
    starts, sizes, values, counts = _classes(histogram)

    assert relaxed.monotone
    if class_ok(model, starts, sizes, values, counts, domain)[0]:
        assert class_ok(relaxed, starts, sizes, values, counts, domain)[0]


def _released_example():
    return pl.DataFrame(
        {
            "age": ["20-29", "20-29", "20-29", "30-39", "30-39", "30-39", "*"],
            "sex": ["*", "*", "*", "*", "*", "*", "*"],
            "illness": ["flu", "flu", "cold", "flu", "cold", "asthma", "flu"],
        }
    )


def test_measure_leaves_suppressed_records_out():
    frame = _released_example()

    result = measure(frame, ["age", "sex"], "illness")

    assert result["records"] == 6
    assert result["suppressed"] == 1
    assert result["classes"] == 2
    assert result["k"] == 3
    assert result["l_distinct"] == 2
    # Shares among the released records: flu 1/2, cold 1/3, asthma 1/6. Class 1: 2/3, 1/3, 0.
    assert result["t"] == pytest.approx(1 / 6)


def test_measure_agrees_with_pycanon():
    frame = _released_example().head(6)
    data = pd.DataFrame(frame.to_dict(as_series=False))

    result = measure(frame, ["age", "sex"], "illness")

    assert result["k"] == anonymity.k_anonymity(data, ["age", "sex"])
    assert result["l_distinct"] == anonymity.l_diversity(data, ["age", "sex"], ["illness"])
    assert math.floor(result["l_entropy"] + 1e-9) == anonymity.entropy_l_diversity(
        data, ["age", "sex"], ["illness"]
    )
    assert result["t"] == pytest.approx(anonymity.t_closeness(data, ["age", "sex"], ["illness"]))
