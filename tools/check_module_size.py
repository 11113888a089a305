"""No Python module over 600 lines, migrations aside: a longer one holds more than one thing.

A module may stay longer only when it is named below with the reason; the list is the place to
argue, and an entry whose module has shrunk below the limit fails too, so the list stays true.
Run by `make lint`; prints each offender as `path: N lines` and exits 1.
"""

import subprocess
import sys
from pathlib import Path

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


def python_modules(root: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [Path(name) for name in listed if "/migrations/" not in name]


def problems(root: Path) -> list[str]:
    found = []
    for path in python_modules(root):
        if not (root / path).exists():
            continue  # deleted in the work tree, not yet in the index
        lines = len((root / path).read_text(encoding="utf-8").splitlines())
        allowed = str(path) in LONGER
        if lines > LIMIT and not allowed:
            found.append(f"{path}: {lines} lines (limit {LIMIT}): split it by what it does")
        elif allowed and lines <= LIMIT:
            found.append(f"{path}: {lines} lines now; {UNLIST}")
    missing = [name for name in LONGER if not (root / name).exists()]
    found += [f"{name}: no longer exists; {UNLIST}" for name in missing]
    return found


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
