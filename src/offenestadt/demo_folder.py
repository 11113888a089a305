"""The demo's data folder marks demo mode for every command run beside it.

`offenestadt demo` writes the file DEMO into its data folder with the database it loaded.
The settings of a later command or server read it: same data folder, same database and no
SECRET_KEY, and demo mode is on as in the demo itself. A SECRET_KEY, or a DATABASE_URL that
names another database, and the file counts for nothing. No Django here: the settings use it.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

MARKER = "DEMO"
EXPLANATION = (
    "# Written by `offenestadt demo`: commands run with this data folder, without SECRET_KEY, "
    "on a database listed below are in demo mode. Delete this file to end that."
)


def database_label(database: Mapping[str, Any]) -> str:
    """The database without user or password: engine, host, port and name."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite {Path(database['NAME']).resolve()}"
    host, port = database.get("HOST", ""), database.get("PORT", "")
    return f"{database['ENGINE']} {host}:{port}/{database['NAME']}"


def _labels(data_dir: Path) -> list[str]:
    try:
        return (data_dir / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def is_marked(data_dir: Path) -> bool:
    return (data_dir / MARKER).is_file()


def marks_demo(data_dir: Path, database: Mapping[str, Any]) -> bool:
    """Whether the demo ran with this data folder on this database."""
    return database_label(database) in _labels(data_dir)


def mark_demo(data_dir: Path, database: Mapping[str, Any]) -> None:
    """Add the database to the data folder's marker (several demos may share a folder)."""
    labels = [line for line in _labels(data_dir) if line and not line.startswith("#")]
    label = database_label(database)
    if label in labels:
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    text = "\n".join([EXPLANATION, *labels, label]) + "\n"
    (data_dir / MARKER).write_text(text, encoding="utf-8")
