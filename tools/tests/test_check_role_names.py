"""`make lint` refuses a role name outside the rules: who may do what is decided in an app's
rules.py (built on accounts.rules), and forms, views and services ask those rules."""

from pathlib import Path

from tools import check_role_names
from tools.repository import ROOT

from .conftest import Repository

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


def _with_roles(repository: Repository, files: dict[str, str]) -> Path:
    """The files beside the accounts' models, where the check reads the roles from."""
    models = check_role_names.ROLES_MODULE
    return repository({models: (ROOT / models).read_text(encoding="utf-8"), **files})


def test_the_repository_keeps_role_names_in_the_rules() -> None:
    offences = check_role_names.check(ROOT)
    assert [str(offence) for offence in offences] == []


def test_each_role_name_outside_the_rules_is_named_with_its_line(repository: Repository) -> None:
    root = _with_roles(repository, {"src/offenestadt/things/views.py": VIOLATIONS})
    offences = check_role_names.check(root)
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


def test_rules_accounts_demo_data_and_tests_may_name_roles(repository: Repository) -> None:
    exempt = [
        "src/offenestadt/things/rules.py",
        "src/offenestadt/things/demo.py",
        "src/offenestadt/things/tests/test_things.py",
        "src/offenestadt/accounts/services.py",
        "conftest.py",
        "bench/bench_things.py",
    ]
    root = _with_roles(
        repository,
        {
            **dict.fromkeys(exempt, VIOLATIONS),
            "src/offenestadt/things/views.py": ALLOWED,
            "src/offenestadt/things/migrations/0001_initial.py": VIOLATIONS,
        },
    )
    assert check_role_names.check(root) == []
