"""The platform describes itself in the publiccode.yml standard, in its repository's root."""

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from offenestadt.software.licences import parse_licence
from offenestadt.software.publiccode import SCHEMA_PATH, load_publiccode, schema_problems

ROOT = Path(__file__).resolve().parents[4]
REFERENCE = Path("shared/reference/publiccode")


def shared_reference(name: str) -> Path | None:
    """A file of the standard's reference data in `../shared` beside this checkout or its
    main checkout (``name`` as in SOURCE.md, e.g. ``examples/publiccode.yml``)."""
    checkouts = [ROOT]
    if (ROOT / ".git").is_file():  # a worktree: `gitdir: <main>/.git/worktrees/<name>`
        checkouts.append(Path((ROOT / ".git").read_text().split(":", 1)[1].strip()).parents[2])
    found = [c.parent / REFERENCE / name for c in checkouts]
    return next((path for path in found if path.is_file()), None)


def own_publiccode() -> dict[str, Any]:
    return load_publiccode((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_the_platforms_publiccode_yml_is_valid_against_the_standards_schema():
    document = own_publiccode()

    assert schema_problems(document) == []
    assert document["name"] == "Offene Stadt"
    assert set(document["description"]) == {"de", "en"}
    for language in ("de", "en"):
        text = document["description"][language]
        assert len(text["shortDescription"]) <= 150
        assert text["longDescription"] and text["features"]
    assert document["localisation"]["availableLanguages"] == ["de", "en"]
    assert "PostgreSQL" in [d["name"] for d in document["dependsOn"]["open"]]


def test_version_and_licence_are_those_of_the_package():
    document = own_publiccode()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    assert document["softwareVersion"] == project["version"]
    assert document["legal"]["license"] == parse_licence(project["license"])


def test_the_shipped_schema_is_the_reference_schema():
    reference = shared_reference("schema/publiccode.schemastore.json")
    if reference is None:
        pytest.skip("../shared/reference/publiccode is not beside the repository")
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(reference.read_text())
