"""The repository's own lint checks, run by `make lint` and pre-commit from the repository's
root as `python -m tools.<check>`: role names only in the rules, every write through the
audit trail, no module over 600 lines. None needs Django; each reads the sources as text."""
