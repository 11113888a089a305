"""The shared reference data (`../shared` beside the checkout) that some tests read."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def shared_path(relative: Path) -> Path | None:
    """`../shared/<relative>` beside the checkout, or beside the main checkout of a git
    worktree; None when it is not there (the test then skips, saying so)."""
    checkouts = [ROOT]
    git = ROOT / ".git"
    if git.is_file():
        # A worktree: `gitdir: <main>/.git/worktrees/<name>`.
        checkouts.append(Path(git.read_text().split(":", 1)[1].strip()).parents[2])
    for checkout in checkouts:
        if (checkout.parent / "shared" / relative).exists():
            return checkout.parent / "shared" / relative
    return None
