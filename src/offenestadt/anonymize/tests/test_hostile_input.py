"""Files and options a careless or hostile user gives the library and its commands: each is
refused with one line that names the problem (exit code 2 on the command line), never a
traceback, never an internal path, and nothing is left half-written."""

import contextlib
import io as stdio
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import polars as pl
import pytest

from offenestadt.anonymize.commands import anonymize as command
from offenestadt.anonymize.commands import scan
from offenestadt.anonymize.io import (
    TableError,
    WorkbookLimits,
    check_workbook,
    read_table,
    scan_table,
    write_table,
)
from offenestadt.anonymize.tests.workbooks import ROW, workbook

COMMAND = Path(sys.executable).parent / "offenestadt"
PEOPLE = "Name;Alter;PLZ\nAnna;34;44787\nBen;35;44789\nCarl;41;44789\nDora;44;44787\n"


def _run(main: Callable[[list[str]], None], *arguments: object) -> CompletedProcess[str]:
    """A command's main() in this process (starting the installed command for each case
    would take seconds); `test_the_installed_command_refuses_in_one_line` runs it for real."""
    argv = [str(argument) for argument in arguments]
    out, err = stdio.StringIO(), stdio.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exited:
            code = int(exited.code or 0)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def _anonymize(*arguments: object) -> CompletedProcess[str]:
    return _run(command.main, *arguments)


def test_the_installed_command_refuses_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(PEOPLE.replace("\n", "\r").encode())
    result = subprocess.run(
        [str(COMMAND), "anonymize", str(path), "--qi", "Alter", "--out", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    _refused_in_one_line(result, str(path), "carriage return only")


def _refused_in_one_line(result: CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    # No internal path: no temporary folder of the library or of the system.
    assert "offenestadt-anonymize-" not in lines[0]
    assert "/tmp/tmp" not in lines[0]  # noqa: S108  (looks for the system's temporary names)
    return lines[0]


# --- CSV that readers disagree on --------------------------------------------------------


def test_lines_ending_in_a_lone_carriage_return_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(PEOPLE.replace("\n", "\r").encode())
    with pytest.raises(TableError, match="carriage return only") as refused:
        read_table(path)
    assert refused.value.code == "line-endings"
    with pytest.raises(TableError, match="carriage return only"):
        scan_table(path)
    result = _anonymize(path, "--qi", "Alter", "--out", tmp_path / "out.csv")
    _refused_in_one_line(result, str(path), "carriage return")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("rows_before", [1, 40_000])
def test_a_lone_carriage_return_inside_a_line_is_refused_with_its_line(
    tmp_path: Path, rows_before: int
) -> None:
    """Also far beyond the part of the file the delimiter is guessed from."""
    path = tmp_path / "stray.csv"
    path.write_bytes(b"a;b\r\n" + b"1;2\r\n" * rows_before + b"x\ry;3\r\n4;5\r\n")
    line = rows_before + 2
    with pytest.raises(TableError, match=f"line {line} holds a carriage return") as refused:
        read_table(path)
    assert refused.value.params == {"line": line}
    result = _anonymize(path, "--qi", "a", "--out", tmp_path / "out.csv")
    _refused_in_one_line(result, f"line {line}")


def test_crlf_files_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes(PEOPLE.replace("\n", "\r\n").encode("cp1252"))
    assert read_table(path)["Name"].to_list() == ["Anna", "Ben", "Carl", "Dora"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (bytes(range(256)) * 40, "NUL bytes"),
        (b"PK\x03\x04" + b"\x14\x00" * 500, "Excel workbook"),
        (b"%PDF-1.7\n" + b"x" * 100, "PDF document"),
    ],
)
def test_binary_data_named_csv_is_refused(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "daten.csv"
    path.write_bytes(content)
    with pytest.raises(TableError, match="binary data") as refused:
        read_table(path)
    assert refused.value.code == "binary"
    assert says in refused.value.problem
    result = _anonymize(path, "--qi", "a", "--out", tmp_path / "out.csv")
    _refused_in_one_line(result, "binary data", says)
    _refused_in_one_line(_run(scan.main, path), "binary data")


def test_the_problem_comes_without_the_path_for_web_pages(tmp_path: Path) -> None:
    path = tmp_path / "secret-folder" / "raw.csv"
    path.parent.mkdir()
    path.write_bytes(b"a;b\n1;2;3\n")
    with pytest.raises(TableError) as refused:
        read_table(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert "secret-folder" not in refused.value.problem
    assert refused.value.problem.startswith("line 2: 3 fields")


# --- workbooks that unpack to far more than their size --------------------------------------


def test_a_workbook_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A few hundred kilobytes on disk, about 60 MB unpacked: refused by its packing ratio."""
    path = workbook(tmp_path / "bomb.xlsx", sheet_xml_rows=800_000, row=ROW)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(TableError, match="ZIP bomb") as refused:
        read_table(path)
    assert refused.value.code == "workbook-ratio"
    result = _anonymize(path, "--qi", "Alter", "--out", tmp_path / "out.csv")
    _refused_in_one_line(result, str(path), "save the sheet as CSV")
    assert not (tmp_path / "out.csv").exists()


def test_a_workbook_above_the_unpacked_limit_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "honest.xlsx")
    assert read_table(path)["Name"].to_list() == ["Anna", "Ben"]
    with pytest.raises(TableError, match="unpacks to more than") as refused:
        read_table(path, workbook_limits=WorkbookLimits(unpacked_bytes=2000))
    assert refused.value.code == "workbook-size"
    with pytest.raises(TableError, match="parts, more than the 3 allowed"):
        check_workbook(path, WorkbookLimits(members=3))


def test_a_workbook_that_understates_its_size_is_refused(tmp_path: Path) -> None:
    """The sizes in a ZIP's directory are the sender's word: the parts are counted unpacked."""
    path = workbook(tmp_path / "forged.xlsx", sheet_xml_rows=20_000, row=ROW)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        real = archive.getinfo(name.decode()).file_size
    # Local header: size at 22, name length at 26, name at 30; central directory: 24, 28, 46.
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = int.from_bytes(data[start + length_at : start + length_at + 2], "little")
            if data[start + name_at : start + name_at + length] == name:
                assert int.from_bytes(data[start + size_at : start + size_at + 4], "little") == real
                data[start + size_at : start + size_at + 4] = (1000).to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))
    with pytest.raises(TableError, match="damaged") as refused:
        read_table(path)
    assert refused.value.code == "workbook-damaged"


# --- what the command is told --------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("Alter=intervals:abc", "must be a number, not 'abc'"),
        ("Alter=intervals:nan", "finite number"),
        ("Alter=top:10,x", "must be a number, not 'x'"),
        ("Alter=grid:inf", "finite number"),
        ("Alter=postcode:x", "whole numbers of digits"),
    ],
)
def test_a_broken_generator_is_one_line_and_exit_2(tmp_path: Path, spec: str, says: str) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    out = tmp_path / "out.csv"
    result = _anonymize(source, "--qi", "Alter", "--hierarchy", spec, "--out", out)
    _refused_in_one_line(result, says)
    assert not out.exists()


def _link(kind: str, source: Path) -> Path:
    if kind == "same":
        return source
    if kind == "relative":
        return source.parent / ".." / source.parent.name / source.name
    link = source.with_name(f"{kind}.csv")
    if kind == "symlink":
        link.symlink_to(source)
    else:
        os.link(source, link)
    return link


@pytest.mark.parametrize("kind", ["same", "relative", "symlink", "hardlink"])
def test_the_raw_file_is_never_overwritten(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    out = _link(kind, source)
    result = _anonymize(
        source, "--qi", "Alter", "--hierarchy", "Alter=intervals:10", "--k", "2", "--out", out
    )
    _refused_in_one_line(result, "is the input file", "never overwritten")
    assert source.read_text() == PEOPLE


def test_the_report_never_overwrites_the_raw_file(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    result = _anonymize(
        source,
        "--qi",
        "Alter",
        "--hierarchy",
        "Alter=intervals:10",
        "--k",
        "2",
        "--out",
        tmp_path / "out.csv",
        "--report",
        source,
    )
    _refused_in_one_line(result, "--report", "never overwritten")
    assert source.read_text() == PEOPLE
    assert not (tmp_path / "out.csv").exists()


def test_an_unwritable_report_leaves_no_release_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    report = tmp_path / "report.json"
    report.mkdir()  # a folder where the report should go: it cannot be replaced
    out = tmp_path / "out.csv"
    with pytest.raises(SystemExit) as exited:
        command.main(
            [
                str(source),
                "--qi",
                "Alter",
                "--hierarchy",
                "Alter=intervals:10",
                "--k",
                "2",
                "--out",
                str(out),
                "--report",
                str(report),
            ]
        )
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1
    assert f"--report {report} is a folder" in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["people.csv", "report.json"]


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "release.csv"
    target.write_text("the previous release\n")
    nested = pl.DataFrame({"a": [[1, 2]]})  # CSV holds no lists: the writer fails
    with pytest.raises(TableError, match="cannot write") as refused:
        write_table(nested, target)
    assert target.read_text() == "the previous release\n"
    assert [path.name for path in tmp_path.iterdir()] == ["release.csv"]
    assert ".release-" not in str(refused.value)


# --- the release is safe to open in a spreadsheet ---------------------------------------------


def test_the_csv_release_defuses_formula_cells(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "Name;Alter;Notiz\n"
        '=HYPERLINK("http://evil");34;@SUM(A1)\n'
        "Ben;35;-2+3\n"
        "Carl;41;-17\n"
        "Dora;44;+49 234 1\n"
    )
    out = tmp_path / "out.csv"
    result = _anonymize(
        source, "--qi", "Alter", "--hierarchy", "Alter=intervals:10,20", "--k", "2", "--out", out
    )
    assert result.returncode == 0, result.stderr
    released = pl.read_csv(out, infer_schema=False)
    assert released["Name"].to_list()[0] == '\'=HYPERLINK("http://evil")'
    assert released["Notiz"].to_list() == ["'@SUM(A1)", "'-2+3", "-17", "'+49 234 1"]


def test_the_library_writes_defused_csv_from_lazy_and_eager_frames(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": ["=1+1", "ok", "-5"], "n": [1, -2, 3]})
    for name, table in (("eager.csv", frame), ("lazy.csv", frame.lazy())):
        write_table(table, tmp_path / name)
        text = (tmp_path / name).read_text()
        assert text.splitlines() == ["a,n", "'=1+1,1", "ok,-2", "-5,3"]


def test_errors_of_the_command_come_in_one_line_from_main(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(b"a;b\n" + b"\x00" * 10)
    with pytest.raises(SystemExit) as exited:
        command.main([str(source), "--qi", "a", "--out", str(tmp_path / "o.csv")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_an_output_folder_that_does_not_exist_is_named_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE)
    result = _anonymize(source, "--qi", "Alter", "--out", tmp_path / "nowhere" / "o.csv")
    _refused_in_one_line(result, "does not exist")
