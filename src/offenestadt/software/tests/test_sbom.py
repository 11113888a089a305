"""The platform's SBOM: valid CycloneDX, from uv.lock, what an installation runs, published."""

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.core.management import call_command
from django.test import Client

from offenestadt.software.sbom import DEFAULT_LOCK, LockError, purl, sbom_from_lock


def locked() -> dict[str, dict[str, Any]]:
    lock = tomllib.loads(DEFAULT_LOCK.read_text(encoding="utf-8"))
    return {p["name"]: p for p in lock["package"]}


def assert_valid_cyclonedx(text: str) -> None:
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert problem is None, problem


def test_the_sbom_is_valid_cyclonedx_1_6():
    assert_valid_cyclonedx(json.dumps(sbom_from_lock()))


def test_it_lists_the_runtime_dependencies_with_version_purl_and_hashes():
    document = sbom_from_lock()
    packages = locked()
    components = {c["name"]: c for c in document["components"]}

    django = components["django"]
    assert django["version"] == packages["django"]["version"]
    assert django["purl"] == f"pkg:pypi/django@{packages['django']['version']}"
    sdist_hash = packages["django"]["sdist"]["hash"].removeprefix("sha256:")
    assert django["hashes"] == [{"alg": "SHA-256", "content": sdist_hash}]
    # Transitive dependencies and those of extras (psycopg[binary,pool]) are in.
    assert {"asgiref", "sqlparse", "psycopg-binary", "psycopg-pool"} <= set(components)
    # The development tools are not part of an installation.
    assert not {"pytest", "ruff", "mypy", "playwright"} & set(components)


def test_the_root_component_and_the_dependency_graph():
    document = sbom_from_lock()
    root = document["metadata"]["component"]
    version = locked()["offenestadt"]["version"]

    assert root["purl"] == purl("offenestadt", version)
    assert root["licenses"] == [{"expression": "AGPL-3.0-or-later"}]
    graph = {d["ref"]: d["dependsOn"] for d in document["dependencies"]}
    django = purl("django", locked()["django"]["version"])
    assert django in graph[root["bom-ref"]]
    assert purl("asgiref", locked()["asgiref"]["version"]) in graph[django]
    assert set(graph) == {root["bom-ref"]} | {c["bom-ref"] for c in document["components"]}


def test_the_same_lock_gives_the_same_sbom(tmp_path: Path):
    copy = tmp_path / "uv.lock"
    copy.write_bytes(DEFAULT_LOCK.read_bytes())
    assert sbom_from_lock(copy)["serialNumber"] == sbom_from_lock()["serialNumber"]
    copy.write_bytes(DEFAULT_LOCK.read_bytes() + b"\n# changed\n")
    assert sbom_from_lock(copy)["serialNumber"] != sbom_from_lock()["serialNumber"]


def test_a_missing_or_broken_lock_is_an_error_not_a_traceback(tmp_path: Path):
    with pytest.raises(LockError):
        sbom_from_lock(tmp_path / "uv.lock")
    (tmp_path / "uv.lock").write_text("[[package]\n")
    with pytest.raises(LockError):
        sbom_from_lock(tmp_path / "uv.lock")


def test_the_command_writes_it(tmp_path: Path):
    call_command("sbom", "--output", str(tmp_path / "sbom.json"))
    text = (tmp_path / "sbom.json").read_text(encoding="utf-8")
    assert_valid_cyclonedx(text)
    assert json.loads(text) == sbom_from_lock()


@pytest.mark.django_db
def test_it_is_published(client: Client):
    response = client.get("/software/sbom.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.cyclonedx+json")
    assert_valid_cyclonedx(response.content.decode())
    assert json.loads(response.content) == sbom_from_lock()
