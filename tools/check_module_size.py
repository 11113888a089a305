"""No Python module over 600 lines, migrations aside: a longer one holds more than one thing.

A module may stay longer only when it is named below with the reason; the list is the place to
argue, and an entry whose module has shrunk below the limit fails too, so the list stays true.
Run by `make lint`; prints each offender as `path: N lines` and exits 1.
"""

import sys
from pathlib import Path

from tools.repository import ROOT, python_modules, report

LIMIT = 600
UNLIST = "remove it from LONGER in tools/check_module_size.py"

LONGER: dict[str, str] = {
    "deploy/test/cluster.py": (
        "one scenario, read top to bottom: start the cluster, load it, kill a server, verify"
    ),
    "src/offenestadt/anonymize/io.py": (
        "every table format's reader with the error messages that name what to fix; the CSV "
        "checks and the errors they raise belong together"
    ),
}


def problems(root: Path) -> list[str]:
    found = []
    for path in python_modules(root):
        lines = len((root / path).read_text(encoding="utf-8").splitlines())
        allowed = str(path) in LONGER
        if lines > LIMIT and not allowed:
            found.append(f"{path}: {lines} lines (limit {LIMIT}): split it by what it does")
        elif allowed and lines <= LIMIT:
            found.append(f"{path}: {lines} lines now; {UNLIST}")
    missing = [name for name in LONGER if not (root / name).exists()]
    found += [f"{name}: no longer exists; {UNLIST}" for name in missing]
    return found


if __name__ == "__main__":
    sys.exit(report(problems(ROOT)))
