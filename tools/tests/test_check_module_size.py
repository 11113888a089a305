"""`make lint` refuses a module over 600 lines unless it is listed with a reason, and a listed
module that has shrunk, so the list of exceptions stays true."""

import pytest

from tools import check_module_size
from tools.repository import ROOT

from .conftest import Repository


def _lines(count: int) -> str:
    return "x = 1\n" * count


def test_the_repository_keeps_to_the_limit() -> None:
    assert check_module_size.problems(ROOT) == []


def test_a_long_module_is_named_with_its_length(
    repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_module_size, "LONGER", {})
    root = repository({"src/app/views.py": _lines(601), "src/app/models.py": _lines(600)})
    assert check_module_size.problems(root) == [
        "src/app/views.py: 601 lines (limit 600): split it by what it does"
    ]


def test_migrations_may_be_long(repository: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_module_size, "LONGER", {})
    root = repository({"src/app/migrations/0001_initial.py": _lines(2000)})
    assert check_module_size.problems(root) == []


def test_a_listed_module_that_shrank_must_leave_the_list(
    repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_module_size, "LONGER", {"src/app/export.py": "one PDF layout"})
    root = repository({"src/app/export.py": _lines(120)})
    (problem,) = check_module_size.problems(root)
    assert problem.startswith("src/app/export.py: 120 lines now; remove it from LONGER")
