"""Role names only in the rules: who may do what is decided in an app's `rules.py`, nowhere else.

Each app's `rules.py` builds its permissions (`can_edit_contract`, `projects_linkable_by`, …)
on `offenestadt.accounts.rules`, the one place that reads roles. Forms, views, services and
templates ask those predicates. This check fails on a role name anywhere else:

- a member of the accounts' `Role` (`Role.ADMIN`), however `Role` was imported;
- a role's value compared with a role (`user.role == "admin"`, `role in {"dpo", "admin"}`,
  `getattr(user, "role", None) != "admin"`, `filter(role="editor")`, `case "dpo":`).

Exempt: `rules.py` files, `src/offenestadt/accounts/` (which defines the roles), `demo.py` files
and the benchmarks (they create and look up demo users by role), and tests (`tests/`,
`test_*.py`, `conftest.py`). Naming a stored role in words (`dict(Role.choices)`) decides
nothing and passes. The roles and their values are read from `accounts/models.py`, so the
check needs no Django.

Run by `make lint`; prints each offender as `path:line: ...` with what to do and exits 1.
"""

import ast
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.repository import ROOT, python_modules, report

ROLE_CLASS = "offenestadt.accounts.models.Role"
ROLES_MODULE = "src/offenestadt/accounts/models.py"
ACCOUNTS = PurePosixPath("src/offenestadt/accounts")
FIX = "decide it in the app's rules.py (built on offenestadt.accounts.rules) and ask that here"


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} outside the rules: {FIX}"


def role_members(models_source: str) -> dict[str, str]:
    """The members of `class Role` in the accounts' models and their stored values."""
    for node in ast.walk(ast.parse(models_source)):
        if isinstance(node, ast.ClassDef) and node.name == "Role":
            members = {}
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Tuple)
                    and isinstance(value := statement.value.elts[0], ast.Constant)
                    and isinstance(value.value, str)
                ):
                    members[statement.targets[0].id] = value.value
            return members
    raise LookupError("no class Role in the accounts' models")


def is_exempt(path: PurePosixPath) -> bool:
    return (
        path.name in {"rules.py", "demo.py", "conftest.py"}
        or path.name.startswith("test_")
        or "tests" in path.parts
        or path.is_relative_to(ACCOUNTS)
        or path.parts[0] == "bench"
    )


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class _RoleNames(ast.NodeVisitor):
    """Finds the role names of one module."""

    def __init__(self, path: str, members: Mapping[str, str]) -> None:
        self.path = path
        self.members = members
        self.values = frozenset(members.values())
        # Per scope: local name -> the dotted name it was imported as. A function may import
        # another `Role` (the anonymizer has one) without touching the module's.
        self.scopes: list[dict[str, str]] = [{}]
        self.found: list[Offence] = []

    def _flag(self, node: ast.expr | ast.pattern, what: str) -> None:
        self.found.append(Offence(self.path, node.lineno, what))

    @staticmethod
    def _imports(scope: ast.AST) -> dict[str, str]:
        """The names ``scope`` imports itself, not those of the functions and classes in it."""
        names: dict[str, str] = {}
        waiting = list(ast.iter_child_nodes(scope))
        while waiting:
            node = waiting.pop()
            if isinstance(node, SCOPES):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            waiting.extend(ast.iter_child_nodes(node))
        return names

    def _visit_scope(self, node: ast.AST) -> None:
        self.scopes.append({**self.scopes[-1], **self._imports(node)})
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Module(self, node: ast.Module) -> None:
        self._visit_scope(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_scope(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_scope(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._visit_scope(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_scope(node)

    def _dotted(self, node: ast.expr) -> str | None:
        """`models.Role` -> `offenestadt.accounts.models.Role`, after the module's imports."""
        if isinstance(node, ast.Name):
            return self.scopes[-1].get(node.id)
        if isinstance(node, ast.Attribute) and (base := self._dotted(node.value)):
            return f"{base}.{node.attr}"
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in self.members and self._dotted(node.value) == ROLE_CLASS:
            self._flag(node, f"Role.{node.attr}")
        self.generic_visit(node)

    def _role_literals(self, node: ast.expr) -> list[str]:
        """The role values written in ``node``: a string, or a set, list or tuple of them."""
        if isinstance(node, ast.Constant) and node.value in self.values:
            return [node.value]
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            return [value for element in node.elts for value in self._role_literals(element)]
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            return self._role_literals(node.args[0])  # frozenset({...}), set([...])
        return []

    @staticmethod
    def _reads_role(node: ast.expr) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr == "role"
        if isinstance(node, ast.Name):
            return node.id == "role"
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "role"
        )

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        if any(self._reads_role(operand) for operand in operands):
            for operand in operands:
                for value in self._role_literals(operand):
                    self._flag(operand, f"role {value!r} compared with a role")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        lookup = (node.arg or "").split("__")
        if "role" in lookup:
            for value in self._role_literals(node.value):
                self._flag(node.value, f"role {value!r} in the lookup {node.arg}=")
        self.generic_visit(node)

    def visit_Match(self, node: ast.Match) -> None:
        if self._reads_role(node.subject):
            for case in node.cases:
                for pattern in ast.walk(case.pattern):
                    if isinstance(pattern, ast.MatchValue):
                        for value in self._role_literals(pattern.value):
                            self._flag(pattern, f"role {value!r} matched against a role")
        self.generic_visit(node)


def offences_in(path: str, source: str, members: Mapping[str, str]) -> list[Offence]:
    """The role names in one module's ``source`` (``path`` only names it in the report)."""
    finder = _RoleNames(path, members)
    finder.visit(ast.parse(source, filename=path))
    return sorted(finder.found, key=lambda offence: offence.line)


def check(root: Path) -> list[Offence]:
    """The role names outside the places allowed to name them."""
    members = role_members((root / ROLES_MODULE).read_text(encoding="utf-8"))
    offences: list[Offence] = []
    for path in python_modules(root):
        if not is_exempt(path):
            source = (root / path).read_text(encoding="utf-8")
            offences += offences_in(str(path), source, members)
    return offences


if __name__ == "__main__":
    sys.exit(report(check(ROOT)))
