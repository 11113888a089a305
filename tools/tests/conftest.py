"""A throw-away git repository holding the files a check is tried on."""

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

type Repository = Callable[[dict[str, str]], Path]


@pytest.fixture
def repository(tmp_path: Path) -> Repository:
    """``repository({path: text})`` writes the files into a fresh git work tree and gives its
    root; called again, it adds to the same tree."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # noqa: S607 (git on PATH)

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return write
