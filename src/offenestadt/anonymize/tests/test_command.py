"""`offenestadt anonymize`: the installed command, end to end, and its error messages."""

import json
import math
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from offenestadt.anonymize.commands.anonymize import ProgressBar, main

from .conftest import ADULT_QIS

COMMAND = Path(sys.executable).parent / "offenestadt"


def _hierarchy_options(adult_dir, columns=ADULT_QIS):
    options = []
    for column in columns:
        options += ["--hierarchy", f"{column}={adult_dir / f'adult_hierarchy_{column}.csv'}"]
    return options


def _run(*arguments):
    return subprocess.run(
        [str(COMMAND), "anonymize", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_adult_end_to_end_with_report(tmp_path, adult_dir, adult_csv, adult_frame):
    out = tmp_path / "released.csv"
    report_path = tmp_path / "report.json"

    result = _run(
        adult_csv,
        "--qi",
        ",".join(ADULT_QIS),
        *_hierarchy_options(adult_dir),
        "--k",
        "5",
        "--suppression",
        "2%",
        "--out",
        out,
        "--report",
        report_path,
    )

    assert result.returncode == 0, result.stderr
    assert "Suppressed records" in result.stdout
    assert "Re-identification risk" in result.stdout
    released = pl.read_csv(out, infer_schema=False)
    assert released.columns == adult_frame.columns
    assert released.height == adult_frame.height
    assert released["salary-class"].to_list() == adult_frame["salary-class"].to_list()
    starred = pl.all_horizontal(pl.col(c) == "*" for c in ADULT_QIS)
    kept = released.filter(~starred)
    assert min(kept.group_by(ADULT_QIS).len()["len"].to_list()) >= 5

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["rows"] == 30162
    assert report["model"]["k"] == 5
    assert report["model"]["suppression"] == 0.02
    assert report["levels"] == {
        "sex": 0,
        "age": 3,
        "race": 0,
        "marital-status": 1,
        "education": 2,
        "native-country": 1,
        "workclass": 1,
        "occupation": 2,
    }
    assert report["suppressed"] == released.height - kept.height
    assert report["suppressed"] <= math.floor(0.02 * 30162)
    assert report["loss"] == pytest.approx(report["utility"]["loss"], rel=1e-12)
    assert report["risk"]["before"]["smallest_class"] == 1
    assert report["risk"]["after"]["smallest_class"] >= 5
    assert report["risk"]["after"]["suppressed"] == report["suppressed"]


def test_identifiers_sensitive_and_generated_hierarchies(tmp_path):
    source = tmp_path / "people.csv"
    pl.DataFrame(
        {
            "Name": [f"Person {i}" for i in range(12)],
            "Alter": [str(20 + 3 * i) for i in range(12)],
            "PLZ": ["44787", "44789", "44791", "44801"] * 3,
            "Diagnose": ["A", "B", "C"] * 4,
        }
    ).write_csv(source, separator=";")
    out = tmp_path / "out.parquet"

    result = _run(
        source,
        "--qi",
        "Alter",
        "--qi",
        "PLZ",
        "--identifier",
        "Name",
        "--sensitive",
        "Diagnose",
        "--hierarchy",
        "Alter=intervals:10,20,40",
        "--hierarchy",
        "PLZ=postcode",
        "--k",
        "3",
        "--l",
        "2",
        "--out",
        out,
        "--progress",
    )

    assert result.returncode == 0, result.stderr
    released = pl.read_parquet(out)
    assert released.columns == ["Alter", "PLZ", "Diagnose"]
    classes = released.group_by("Alter", "PLZ").agg(pl.len(), pl.col("Diagnose").n_unique())
    assert min(classes["len"].to_list()) >= 3
    assert min(classes["Diagnose"].to_list()) >= 2
    assert "search" in result.stderr  # the progress bar


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--qi", "sex,age"], "'age' has no hierarchy; give one (--hierarchy age=FILE)"),
        (["--qi", "sex,height"], "no column 'height'"),
        (["--qi", "sex", "--identifier", "nickname"], "no column 'nickname'"),
        (["--qi", "sex", "--suppression", "five"], "--suppression takes a share"),
        (["--qi", "sex", "--suppression", "3"], "between 0 and 1"),
        (["--qi", "sex", "--k", "40000"], "k-anonymity cannot be met"),
        (["--qi", "sex", "--hierarchy", "sex"], "--hierarchy takes COL=FILE"),
        (["--qi", "sex", "--hierarchy", "hair=h.csv"], "names column 'hair'"),
        (["--qi", "sex", "--hierarchy", "age=/nonexistent/age.csv"], "Cannot read the hierarchy"),
        (["--qi", "sex", "--l", "2"], "need a sensitive column"),
    ],
)
def test_user_errors_exit_2_with_a_message(
    arguments, message, tmp_path, adult_dir, adult_csv, capsys
):
    options = ["--hierarchy", f"sex={adult_dir / 'adult_hierarchy_sex.csv'}"]
    with pytest.raises(SystemExit) as caught:
        main(
            [
                str(adult_csv),
                *arguments,
                *options,
                "--out",
                str(tmp_path / "out.csv"),
            ]
        )
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error
    assert not (tmp_path / "out.csv").exists()


def test_value_missing_from_hierarchy_names_value_and_column(tmp_path, adult_dir):
    source = tmp_path / "t.csv"
    source.write_text("sex;age\nMale;39\nmale;40\n", encoding="utf-8")

    result = _run(
        source,
        "--qi",
        "sex,age",
        *_hierarchy_options(adult_dir, ("sex", "age")),
        "--k",
        "1",
        "--out",
        tmp_path / "o.csv",
    )

    assert result.returncode == 2
    assert "Column 'sex' has values its hierarchy lacks: 'male' (1 record)" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_input_and_unreadable_table(tmp_path, capsys):
    for name, content in (("absent.csv", None), ("ragged.csv", "a;b\n1;2;3\n")):
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(SystemExit) as caught:
            main([str(path), "--qi", "a", "--hierarchy", "a=x.csv", "--out", "o.csv"])
        assert caught.value.code == 2
        assert "error:" in capsys.readouterr().err


def test_help_lists_the_options():
    result = _run("--help")

    assert result.returncode == 0
    for option in (
        "--qi",
        "--hierarchy",
        "--suppression",
        "--l-variant",
        "--t-distance",
        "--metric",
    ):
        assert option in result.stdout


def test_progress_bar_draws_and_ends_its_line(tmp_path):
    stream_path = tmp_path / "err.txt"
    with stream_path.open("w") as stream:
        bar = ProgressBar(stream, width=10)
        bar("search", 0, 4)
        bar("search", 4, 4)
        bar.close()

    text = stream_path.read_text(newline="")
    assert "\rsearch   [..........]   0%" in text
    assert "\rsearch   [##########] 100%" in text
    assert text.endswith("\n")
