"""`offenestadt charter load` with documents no city would write: one line naming the problem
and its place, exit code 2, no traceback, and nothing stored."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.document import CharterFileError, parse_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load

pytestmark = pytest.mark.django_db
TEXT = DEFAULT_CHARTER.read_text(encoding="utf-8")


def _load(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The command's refusal: exit code 2 and its one line (run_from_argv prints it after
    "CommandError: "); nothing else on stderr and nothing stored."""
    with pytest.raises(CommandError) as refused:
        call_command("charter", "load", str(path))
    assert refused.value.returncode == 2
    assert capsys.readouterr().err == ""
    line = str(refused.value)
    assert "\n" not in line
    assert not CharterVersion.objects.exists()
    return line


def test_the_console_command_answers_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "tief.toml"
    path.write_text(TEXT + "\nextra = " + "[" * 1100 + "]" * 1100 + "\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "offenestadt"), "charter", "load", str(path)],
        env=os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {path}: Zeile 1, Datei: zu tief verschachtelt; so ist keine Charta "
        "gebaut – nichts wurde geladen"
    ]


def test_arrays_nested_a_thousand_deep_are_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TEXT + "\nextra = " + "[" * 1100 + "]" * 1100 + "\n"
    with pytest.raises(CharterFileError, match="zu tief verschachtelt"):
        parse_charter(text)
    path = tmp_path / "tief.toml"
    path.write_text(text, encoding="utf-8")
    line = _load(path, capsys)
    assert f"{path}: Zeile 1, Datei: zu tief verschachtelt" in line
    assert "nichts wurde geladen" in line


def test_a_title_longer_than_the_register_holds_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = re.sub(r'(?m)^title = ".*"$', 'title = "' + "T" * 201 + '"', TEXT, count=1)
    with pytest.raises(CharterFileError, match="200 Zeichen"):
        charter_load(text=text, actor=None)
    path = tmp_path / "lang.toml"
    path.write_text(text, encoding="utf-8")
    line = _load(path, capsys)
    assert "Zeile 13, charter.title" in line
    assert "200" in line


def test_a_version_number_beyond_the_register_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gross.toml"
    path.write_text(TEXT.replace("version = 1", "version = 9223372036854775808", 1))
    assert "Zeile 15, charter.version" in _load(path, capsys)


def test_a_file_that_is_no_utf8_text_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "binaer.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    assert "UTF-8" in _load(path, capsys)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ('title.de = "Datensparsamkeit"', 'title.de = "Daten\\u0000sparsamkeit"'),
            "principles[1].title.de: enthält das Steuerzeichen U+0000; entfernen Sie es",
        ),
        (
            ('redaction_basis_security = "§ 6', 'redaction_basis_security = "§\\u001b 6'),
            "procedures.redaction_basis_security: enthält das Steuerzeichen U+001B",
        ),
        (("format = 2", "format = true"), "charter.format: erwartet wird format = 2"),
    ],
)
def test_control_characters_and_an_odd_format_are_refused_once_with_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], problem: str
) -> None:
    path = tmp_path / "charta.toml"
    path.write_text(TEXT.replace(*change), encoding="utf-8")
    assert problem in _load(path, capsys)
