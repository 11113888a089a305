"""Generalisation hierarchies: ARX files, their checks, and the built-in generators."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offenestadt.anonymize.hierarchy import (
    Hierarchy,
    HierarchyError,
    coordinate_grid,
    date_truncation,
    intervals,
    postcode_prefix,
    top_coding,
)


def test_reads_the_shipped_adult_age_hierarchy(adult_dir):
    age = Hierarchy.from_arx_file(adult_dir / "adult_hierarchy_age.csv", "age")

    assert age.column == "age"
    assert age.height == 5
    assert len(age.leaves) == 100
    assert age.leaves[:3] == ("1", "2", "3")
    assert age.generalize("39", 0) == "39"
    assert age.generalize("39", 1) == "35-39"
    assert age.generalize("39", 2) == "30-39"
    assert age.generalize("39", 4) == "*"
    assert age.labels(4) == ("*",)
    assert age.leaf_count("30-39", 2) == 10
    assert age.leaf_count("*", 4) == 100
    assert age.leaf_count("39", 0) == 1


def test_integer_tables_agree_with_the_labels(adult_hierarchy_set):
    education = adult_hierarchy_set["education"]
    for level in range(education.height):
        labels = education.labels(level)
        for leaf, code in zip(education.leaves, education.codes(level), strict=True):
            assert labels[code] == education.generalize(leaf, level)
        sizes = education.label_sizes(level)
        assert [education.leaf_count(label, level) for label in labels] == list(sizes)
    for level in range(education.height - 1):
        parents = education.parents(level)
        for leaf in education.leaves:
            label = education.labels(level).index(education.generalize(leaf, level))
            above = education.labels(level + 1)[parents[label]]
            assert above == education.generalize(leaf, level + 1)


def test_the_integer_tables_are_read_only(adult_hierarchy_set):
    with pytest.raises(ValueError, match="read-only"):
        adult_hierarchy_set["sex"].codes(1)[0] = 5


def test_reads_utf8_with_bom_and_windows_1252(tmp_path):
    (tmp_path / "bom.csv").write_bytes("\ufeffMünchen;Bayern;*\nKöln;NRW;*\n".encode())
    (tmp_path / "ansi.csv").write_bytes("München;Bayern;*\nKöln;NRW;*\n".encode("cp1252"))

    for name in ("bom.csv", "ansi.csv"):
        city = Hierarchy.from_arx_file(tmp_path / name, "city")
        assert city.leaves == ("München", "Köln")
        assert city.generalize("Köln", 1) == "NRW"


def test_a_file_with_ragged_rows_is_refused_with_its_row(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("a;x;*\nb;*\n", encoding="utf-8")

    with pytest.raises(HierarchyError, match=r"Row 2 .* has 2 levels, row 1 has 3") as caught:
        Hierarchy.from_arx_file(path, "c")
    assert "h.csv" in str(caught.value)


def test_a_value_listed_twice_is_refused():
    with pytest.raises(HierarchyError, match=r"'a' appears twice .*rows 1 and 3"):
        Hierarchy("c", [["a", "*"], ["b", "*"], ["a", "*"]])


def test_levels_that_do_not_nest_are_refused():
    rows = [["a", "x", "p"], ["b", "x", "q"]]
    with pytest.raises(HierarchyError, match=r"label 'x' at level 1 generalises to 'p' .* 'q'"):
        Hierarchy("c", rows)


def test_unknown_values_levels_and_labels_are_named():
    hierarchy = Hierarchy("colour", [["red", "warm", "*"], ["blue", "cold", "*"]])

    with pytest.raises(HierarchyError, match=r"'green' of column 'colour' is not in"):
        hierarchy.generalize("green", 1)
    with pytest.raises(HierarchyError, match="levels 0 to 2, not 3"):
        hierarchy.generalize("red", 3)
    with pytest.raises(HierarchyError, match="no label 'hot' at level 1"):
        hierarchy.leaf_count("hot", 1)


def test_missing_file_is_a_hierarchy_error(tmp_path):
    with pytest.raises(HierarchyError, match="Cannot read the hierarchy file"):
        Hierarchy.from_arx_file(tmp_path / "nope.csv", "c")


def test_round_trip_through_a_file(tmp_path, adult_hierarchy_set):
    occupation = adult_hierarchy_set["occupation"]
    occupation.write_arx_file(tmp_path / "o.csv")

    again = Hierarchy.from_arx_file(tmp_path / "o.csv", "occupation")
    assert again.rows() == occupation.rows()


def test_integer_intervals_look_like_arx():
    ages = intervals("age", [17, 23, 39, 90], widths=[5, 10, 20])

    assert ages.rows() == (
        ("17", "15-19", "10-19", "0-19", "*"),
        ("23", "20-24", "20-29", "20-39", "*"),
        ("39", "35-39", "30-39", "20-39", "*"),
        ("90", "90-94", "90-99", "80-99", "*"),
    )


def test_decimal_intervals_are_half_open():
    sizes = intervals("size", ["0.5", "2.5", "-1"], widths=["2.5", 5])

    assert sizes.generalize("2.5", 1) == "[2.5, 5)"
    assert sizes.generalize("0.5", 2) == "[0, 5)"
    assert sizes.generalize("-1", 1) == "[-2.5, 0)"
    assert intervals("t", [-3], widths=[5]).generalize("-3", 1) == "[-5, -1]"


def test_interval_widths_must_nest_and_values_be_numbers():
    with pytest.raises(HierarchyError, match="whole multiple"):
        intervals("age", [1, 2], widths=[5, 7])
    with pytest.raises(HierarchyError, match="'old' of column 'age' is not a number"):
        intervals("age", ["old"], widths=[5])


@given(
    st.lists(st.integers(min_value=-500, max_value=500), min_size=1, max_size=30),
    st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3),
    st.integers(min_value=-20, max_value=20),
)
def test_every_value_lies_in_its_intervals(values, factors, start):
    widths = []
    width = 1
    for factor in factors:
        width *= factor + 1
        widths.append(width)

    hierarchy = intervals("x", values, widths=widths, start=start)

    for value in values:
        for level in range(1, len(widths) + 1):
            label = hierarchy.generalize(str(value), level)
            if label.startswith("["):
                low, high = label[1:-1].split(", ")
            else:
                low, high = label.split("-")
            assert int(low) <= value <= int(high)
            assert int(high) - int(low) + 1 == widths[level - 1]
        assert hierarchy.generalize(str(value), len(widths) + 1) == "*"


def test_dates_are_truncated_step_by_step():
    dates = date_truncation(
        "born", ["1984-03-05", "2024-12-31T10:00"], levels=("month", "quarter", "year", "decade")
    )

    assert dates.rows()[0] == ("1984-03-05", "1984-03", "1984-Q1", "1984", "1980-1989", "*")
    assert dates.generalize("2024-12-31T10:00", 2) == "2024-Q4"
    # German dates, as a city's spreadsheets write them.
    german = date_truncation("Geburtsdatum", ["05.03.1984", "1.12.1990"])
    assert german.rows() == (
        ("05.03.1984", "1984-03", "1984", "*"),
        ("1.12.1990", "1990-12", "1990", "*"),
    )
    with pytest.raises(HierarchyError, match="not a date"):
        date_truncation("born", ["31.02.1984"])
    with pytest.raises(HierarchyError, match="not a date"):
        date_truncation("born", ["März 1984"])
    with pytest.raises(HierarchyError, match="fine to coarse"):
        date_truncation("born", ["1984-03-05"], levels=("year", "month"))


def test_postcodes_are_masked_from_the_right():
    codes = postcode_prefix("plz", ["44787", "44801"])

    assert codes.rows()[0] == ("44787", "4478*", "447**", "44***", "4****", "*")
    assert postcode_prefix("plz", ["44787"], keep=[3, 1]).rows()[0] == (
        "44787",
        "447**",
        "4****",
        "*",
    )
    with pytest.raises(HierarchyError, match="decreasing"):
        postcode_prefix("plz", ["44787"], keep=[1, 3])


def test_coordinates_snap_to_nested_grid_cells():
    grid = coordinate_grid("where", ["51.4818,7.2162", "-0.0005,-7.2"])

    assert grid.generalize("51.4818,7.2162", 1) == "51.481,7.216/0.001"
    assert grid.generalize("51.4818,7.2162", 2) == "51.48,7.21/0.01"
    assert grid.generalize("51.4818,7.2162", 4) == "51,7/1"
    assert grid.generalize("-0.0005,-7.2", 1) == "-0.001,-7.2/0.001"
    with pytest.raises(HierarchyError, match="not a coordinate"):
        coordinate_grid("where", ["51.48"])


def test_top_coding_keeps_low_values():
    incomes = top_coding("income", [30, 80, 95], thresholds=[90, 80])

    assert incomes.rows() == (
        ("30", "30", "30", "*"),
        ("80", "80", ">=80", "*"),
        ("95", ">=90", ">=80", "*"),
    )
    with pytest.raises(HierarchyError, match="decrease"):
        top_coding("income", [1], thresholds=[80, 90])
