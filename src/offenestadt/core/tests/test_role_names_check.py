"""`make lint` refuses a role name outside the rules: who may do what is decided in an app's
rules.py (built on accounts.rules), and forms, views and services ask those rules."""

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[4]

VIOLATIONS = """\
import offenestadt.accounts.models as accounts
from offenestadt.accounts.models import Role, User


def admin_only(user):
    return user.role == Role.ADMIN


def staff(user):
    return user.role in {"dpo", "admin"}


def not_admin(actor):
    return getattr(actor, "role", None) != "admin"


def editors():
    return User.objects.filter(author__role="editor")


def describe(user):
    match user.role:
        case "dpo":
            return accounts.Role.DPO
"""

ALLOWED = """\
from offenestadt.accounts.models import Role

LABELS = dict(Role.choices)
ROLE_FIELD = {"role": "admin"}


def columns(findings):
    from offenestadt.anonymize.scan import Role

    return [finding for finding in findings if finding.role is not Role.OTHER]
"""


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_role_names", ROOT / "tools/check_role_names.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _repository(tmp_path: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # noqa: S607 (git on PATH)
    models = "src/offenestadt/accounts/models.py"
    for name, text in {models: (ROOT / models).read_text(encoding="utf-8"), **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_repository_keeps_role_names_in_the_rules() -> None:
    offences, _ = _checker().check(ROOT)
    assert [str(offence) for offence in offences] == []


def test_each_role_name_outside_the_rules_is_named_with_its_line(
    tmp_path: Path, monkeypatch
) -> None:
    checker = _checker()
    monkeypatch.setattr(checker, "NOT_YET_MOVED", {})
    root = _repository(tmp_path, {"src/offenestadt/things/views.py": VIOLATIONS})
    offences, _ = checker.check(root)
    assert [(offence.line, offence.what) for offence in offences] == [
        (6, "Role.ADMIN"),
        (10, "role 'dpo' compared with a role"),
        (10, "role 'admin' compared with a role"),
        (14, "role 'admin' compared with a role"),
        (18, "role 'editor' in the lookup author__role="),
        (23, "role 'dpo' matched against a role"),
        (24, "Role.DPO"),
    ]
    assert str(offences[0]).startswith(
        "src/offenestadt/things/views.py:6: Role.ADMIN outside the rules: decide it in the "
        "app's rules.py"
    )


def test_rules_accounts_demo_data_and_tests_may_name_roles(tmp_path: Path, monkeypatch) -> None:
    checker = _checker()
    monkeypatch.setattr(checker, "NOT_YET_MOVED", {})
    exempt = [
        "src/offenestadt/things/rules.py",
        "src/offenestadt/things/demo.py",
        "src/offenestadt/things/tests/test_things.py",
        "src/offenestadt/accounts/services.py",
        "conftest.py",
        "bench/bench_things.py",
    ]
    root = _repository(
        tmp_path,
        {
            **dict.fromkeys(exempt, VIOLATIONS),
            "src/offenestadt/things/views.py": ALLOWED,
            "src/offenestadt/things/migrations/0001_initial.py": VIOLATIONS,
        },
    )
    assert checker.check(root) == ([], [])


def test_a_file_not_yet_moved_waits_and_is_named_once_clean(tmp_path: Path, monkeypatch) -> None:
    checker = _checker()
    waiting = "src/offenestadt/things/forms.py"
    moved = "src/offenestadt/things/views.py"
    monkeypatch.setattr(checker, "NOT_YET_MOVED", {waiting: "moving", moved: "moving"})
    root = _repository(tmp_path, {waiting: VIOLATIONS, moved: ALLOWED})
    assert checker.check(root) == ([], [moved])
