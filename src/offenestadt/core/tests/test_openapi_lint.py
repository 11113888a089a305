"""The OpenAPI document lints clean with Spectral (npm, `npm ci`), under the rules of
.spectral.yaml: contact and licence, described tags on every operation, unique operation ids,
servers, the authentication stated, client errors documented."""

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from offenestadt.core.tests.browser import missing_requirement

SPECTRAL = Path("node_modules/.bin/spectral")


def test_the_openapi_document_lints_clean(
    client: Client, pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    root = pytestconfig.rootpath
    if not (root / SPECTRAL).exists():
        missing_requirement(f"{SPECTRAL} is missing: run `npm ci` in the repository root")
    document = tmp_path / "openapi.json"
    document.write_bytes(client.get("/api/v1/openapi.json").content)
    result = subprocess.run(
        [
            root / SPECTRAL,
            "lint",
            document,
            "--ruleset",
            root / ".spectral.yaml",
            "--format",
            "json",
            "--fail-severity",
            "hint",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    problems = [
        f"{problem['code']}: {problem['message']} ({'.'.join(map(str, problem['path']))})"
        for problem in json.loads(result.stdout or "[]")
    ]
    assert problems == [], result.stderr
    assert result.returncode == 0, result.stderr
