"""What the checks read: the repository's Python modules, and how they report."""

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent


def python_modules(root: Path) -> Iterator[PurePosixPath]:
    """The Python modules git tracks or would track (untracked, not ignored) below ``root``,
    migrations aside, as paths relative to it."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if "/migrations/" not in name and (root / name).exists():
            yield PurePosixPath(name)


def report(problems: Sequence[object]) -> int:
    """Print each problem on its own line; the exit code: 1 if there is any."""
    for problem in problems:
        print(problem)
    return 1 if problems else 0
