"""Every write goes through the audit trail, or says in code why it does not.

Services write records with `audit.services.save_record` / `delete_record`, which append
the audit entry naming the event. A write that goes around them (`.save()`, `.delete()`,
a queryset's `.update(...)`, `create`, `bulk_create`, raw SQL, a many-to-many `.set()`)
leaves no entry, so this check fails on one unless the statement carries a marker:

    # unaudited: <reason>

on one of its lines or on the comment line just above it. The reason says why the
write needs no entry (a counter, a token, a file in storage, retention's erasure).

Checked: the modules that write, i.e. `services.py`, `tasks.py` and `retention.py` (and
modules inside a `services/` package), and every other module that imports
`offenestadt.audit.services` or defines tasks (`from django.tasks import task`).
Exempt: `audit/services.py` (it is the audit path), tests and migrations. A queryset's
`.update` is told from a dict's or a hash's by its keyword arguments (`QuerySet.update`
takes only keywords); `.add`/`.remove`/`.set`/`.clear` count on an attribute (a related
manager), not on a local set.

Run by `make lint`; prints each offender as `path:line: ...` and exits 1.
"""

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.repository import ROOT, python_modules, report

AUDIT_PATH = PurePosixPath("src/offenestadt/audit/services.py")
WRITING_MODULES = frozenset({"services.py", "tasks.py", "retention.py"})
MARKER = re.compile(r"#\s*unaudited:\s*\S.{4,}")
FIX = "write it with save_record/delete_record, or mark it `# unaudited: <reason>`"

# Calls that write whatever they are called on.
ALWAYS = frozenset(
    {
        "save",
        "delete",
        "create",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "_raw_delete",
        "execute",
        "executemany",
    }
)
# A related manager's writes: on an attribute (`record.projects.set(...)`), not a local set.
RELATED = frozenset({"add", "remove", "set", "clear"})


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    call: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: .{self.call}() writes around the audit trail: {FIX}"


def _is_write(call: ast.Call) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    name = func.attr
    if name in ALWAYS:
        return name
    if name == "update" and call.keywords and not call.args:
        return name
    if name in RELATED and isinstance(func.value, ast.Attribute):
        return name
    return None


def _writes_by_kind(tree: ast.Module) -> bool:
    """Whether the module writes through the audit trail or defines background tasks."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "offenestadt.audit.services":
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "django.tasks"
            and any(alias.name == "task" for alias in node.names)
        ):
            return True
        if isinstance(node, ast.Import) and any(
            alias.name == "offenestadt.audit.services" for alias in node.names
        ):
            return True
    return False


def _span(statement: ast.stmt) -> tuple[int, int]:
    """The lines a marker may stand on: a simple statement's, or a compound one's header."""
    body = getattr(statement, "body", None)
    if body and isinstance(body, list):
        return statement.lineno, max(statement.lineno, body[0].lineno - 1)
    return statement.lineno, statement.end_lineno or statement.lineno


def _marked(lines: list[str], statement: ast.stmt) -> bool:
    first, last = _span(statement)
    above = lines[first - 2].strip() if first > 1 else ""
    return any(MARKER.search(line) for line in lines[first - 1 : last]) or (
        above.startswith("#") and bool(MARKER.search(above))
    )


def offences_in(path: str, source: str) -> list[Offence]:
    """The unmarked writes in one module's ``source`` (``path`` only names it in the report)."""
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    found: list[Offence] = []

    def visit(node: ast.AST, statement: ast.stmt | None) -> None:
        if isinstance(node, ast.stmt):
            statement = node
        if isinstance(node, ast.Call) and statement is not None:
            name = _is_write(node)
            if name is not None and not _marked(lines, statement):
                found.append(Offence(path, node.lineno, name))
        for child in ast.iter_child_nodes(node):
            visit(child, statement)

    visit(tree, None)
    return sorted(found, key=lambda offence: offence.line)


def is_checked(path: PurePosixPath, tree: ast.Module) -> bool:
    if path == AUDIT_PATH or "tests" in path.parts or path.name.startswith("test_"):
        return False
    if not path.parts or path.parts[0] != "src":
        return False
    return path.name in WRITING_MODULES or "services" in path.parts[:-1] or _writes_by_kind(tree)


def check(root: Path) -> list[Offence]:
    """The writes around the audit trail without a reason beside them."""
    offences: list[Offence] = []
    for path in python_modules(root):
        source = (root / path).read_text(encoding="utf-8")
        if is_checked(path, ast.parse(source, filename=str(path))):
            offences += offences_in(str(path), source)
    return offences


if __name__ == "__main__":
    sys.exit(report(check(ROOT)))
