"""The plain-text summary of an anonymization report."""

from typing import Any

import polars as pl

from offenestadt.anonymize.engine import anonymize
from offenestadt.anonymize.hierarchy import Hierarchy, intervals
from offenestadt.anonymize.metrics import utility_report
from offenestadt.anonymize.report import summary
from offenestadt.anonymize.risk import risk_report

TABLE = pl.DataFrame(
    {
        "name": [f"Person {n}" for n in range(12)],
        "age": ["23", "25", "27", "31", "33", "35", "41", "44", "47", "52", "55", "58"],
        "district": ["Nord", "Nord", "Süd", "Süd", "Nord", "Süd"] * 2,
        "illness": ["flu", "cold", "flu", "asthma", "cold", "flu"] * 2,
    }
)
HIERARCHIES = {
    "age": intervals("age", TABLE["age"], widths=[10, 20]),
    "district": Hierarchy("district", [["Nord", "*"], ["Süd", "*"]]),
}


def full_report(algorithm: str) -> dict[str, Any]:
    release = anonymize(
        TABLE,
        quasi_identifiers=["age", "district"],
        hierarchies=HIERARCHIES,
        identifiers=["name"],
        sensitive="illness",
        k=3,
        l=2,
        algorithm=algorithm,  # type: ignore[arg-type]
    )
    assert isinstance(release.table, pl.DataFrame)
    report = release.report()
    report["risk"] = {
        "before": risk_report(TABLE, ["age", "district"]),
        "after": risk_report(release.table, ["age", "district"]),
    }
    report["utility"] = utility_report(
        TABLE, release.table, ["age", "district"], HIERARCHIES, k=3, levels=release.levels
    )
    return report


def test_summary_of_a_full_domain_release():
    report = full_report("optimal")
    text = summary(report)
    assert text.startswith("Anonymization report\n")
    assert "Records:                       12" in text
    assert "optimal full-domain generalisation" in text
    assert "3-anonymity, distinct 2-diversity on illness" in text
    assert "Direct identifiers removed:    name" in text
    levels = ", ".join(f"{column} {level}" for column, level in report["levels"].items())
    assert f"Generalisation levels:         {levels}" in text
    assert f"Information loss (Iyengar):    {report['loss']:.4f}" in text
    # Risk before and after, side by side: every record of the raw table is unique.
    assert "Prosecutor risk, highest:           100.00%" in text
    assert "Unique records:                          12            0" in text
    assert "own population" in text
    assert f"Discernibility:                {report['utility']['discernibility']:,}" in text


def test_summary_of_a_mondrian_release():
    text = summary(full_report("mondrian"))
    assert "Mondrian (local recoding)" in text
    assert "chosen group by group" in text


def test_summary_of_a_partial_report():
    text = summary({"rows": 1200, "suppressed": 30, "loss": 0.25})
    assert "Suppressed records:            30 of 1,200 (2.50%)" in text
    assert "Re-identification risk" not in text
    assert "Utility" not in text


def test_summary_reads_risk_given_as_separate_keys():
    after = risk_report(pl.DataFrame({"a": ["x"] * 5}), ["a"], threshold=0.1)
    text = summary({"risk_after": after})
    assert "Prosecutor risk, highest:                 –       20.00%" in text
    assert "Records at risk (> 10%):                  –            5" in text
