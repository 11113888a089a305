"""The platform's software bill of materials: CycloneDX 1.6 JSON from its lock file (uv.lock).

Only what an installation runs is listed: the packages the platform depends on, with the
extras it asks for, followed through the lock; the development tools are left out. The
document depends on the lock alone, so the same lock always gives the same SBOM.
"""

import hashlib
import tomllib
import uuid
from collections import deque
from functools import cache
from pathlib import Path
from typing import Any

# The repository's root in a checkout (src/offenestadt/software/ -> the root); an
# installation from a checkout (the README's deployment) has its lock there.
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_LOCK = REPOSITORY_ROOT / "uv.lock"

SPEC_VERSION = "1.6"
MEDIA_TYPE = "application/vnd.cyclonedx+json"
_HASH_ALGORITHMS = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}


class LockError(ValueError):
    pass


def purl(name: str, version: str) -> str:
    """The package URL of a Python package on PyPI (names as the lock normalises them)."""
    return f"pkg:pypi/{name.lower().replace('_', '-')}@{version}"


def sbom_from_lock(lock_path: Path = DEFAULT_LOCK) -> dict[str, Any]:
    """The CycloneDX document of the locked project's runtime dependencies."""
    try:
        text = lock_path.read_bytes()
    except OSError as error:
        raise LockError(f"cannot read {lock_path}: {error.strerror}") from None
    return _cached_sbom(text, lock_path.parent)


@cache
def _cached_sbom(text: bytes, folder: Path) -> dict[str, Any]:
    try:
        lock = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LockError(f"not a uv.lock: {error}") from None
    packages: list[dict[str, Any]] = lock.get("package", [])
    root = _root_package(packages)
    extras = _runtime_closure(root, packages)
    extras.pop(_key(root), None)
    by_key = {_key(p): p for p in packages}
    closure = [by_key[key] for key in sorted(extras)]
    refs = {_key(p): purl(p["name"], p["version"]) for p in [root, *closure]}
    # The serial number names this lock's SBOM: the same lock, the same number.
    serial = uuid.uuid5(uuid.NAMESPACE_URL, "sbom:" + hashlib.sha256(text).hexdigest())
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "tools": {
                "components": [
                    {
                        "type": "application",
                        "name": "offenestadt sbom",
                        "version": root["version"],
                    }
                ]
            },
            "component": _root_component(root, folder),
        },
        "components": [_component(p) for p in closure],
        "dependencies": [
            {
                "ref": refs[_key(p)],
                "dependsOn": sorted(
                    {
                        refs[_key(d)]
                        for entry in _entries(p, extras.get(_key(p), frozenset()))
                        for d in _matching(entry, packages)
                    }
                ),
            }
            for p in [root, *closure]
        ],
    }


def _key(package: dict[str, Any]) -> tuple[str, str]:
    return package["name"], package["version"]


def _root_package(packages: list[dict[str, Any]]) -> dict[str, Any]:
    for package in packages:
        source = package.get("source", {})
        if source.get("editable") == "." or source.get("virtual") == ".":
            return package
    raise LockError("the lock names no project of its own (source editable or virtual '.')")


def _matching(entry: dict[str, Any], packages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The locked packages a dependency entry means (the lock names the version or source
    only when the name alone is ambiguous)."""
    found = [p for p in packages if p["name"] == entry["name"]]
    if "version" in entry:
        found = [p for p in found if p["version"] == entry["version"]]
    if "source" in entry:
        found = [p for p in found if p.get("source") == entry["source"]]
    return found


def _entries(package: dict[str, Any], extras: frozenset[str]) -> list[dict[str, Any]]:
    """The package's dependency entries, with those of the extras asked of it."""
    entries = list(package.get("dependencies", []))
    for extra in sorted(extras):
        entries += package.get("optional-dependencies", {}).get(extra, [])
    return entries


def _runtime_closure(
    root: dict[str, Any], packages: list[dict[str, Any]]
) -> dict[tuple[str, str], frozenset[str]]:
    """Every package the root needs at run time, with the extras asked of each."""
    seen: dict[tuple[str, str], frozenset[str]] = {}
    queue: deque[dict[str, Any]] = deque([root])
    while queue:
        package = queue.popleft()
        for entry in _entries(package, seen.get(_key(package), frozenset())):
            extras = frozenset(entry.get("extra", []))
            for dependency in _matching(entry, packages):
                known = seen.get(_key(dependency))
                if known is None or not extras <= known:
                    seen[_key(dependency)] = (known or frozenset()) | extras
                    queue.append(dependency)
    return seen


def _hashes(artifact: dict[str, Any]) -> list[dict[str, str]]:
    algorithm, _, content = str(artifact.get("hash", "")).partition(":")
    if algorithm not in _HASH_ALGORITHMS or not content:
        return []
    return [{"alg": _HASH_ALGORITHMS[algorithm], "content": content}]


def _named(package: dict[str, Any], kind: str) -> dict[str, Any]:
    """A component's identity: its name, version and package URL (also its reference)."""
    reference = purl(package["name"], package["version"])
    return {
        "type": kind,
        "bom-ref": reference,
        "name": package["name"],
        "version": package["version"],
        "purl": reference,
    }


def _component(package: dict[str, Any]) -> dict[str, Any]:
    component = _named(package, "library")
    # The source distribution is the package's artifact; without one, its only wheel.
    wheels = package.get("wheels", [])
    artifact = package.get("sdist") or (wheels[0] if len(wheels) == 1 else None)
    if artifact and (hashes := _hashes(artifact)):
        component["hashes"] = hashes
    references = [
        {"type": "distribution", "url": a["url"], **({"hashes": h} if (h := _hashes(a)) else {})}
        for a in [package.get("sdist"), *wheels]
        if a and "url" in a
    ]
    if references:
        component["externalReferences"] = references
    return component


def _root_component(root: dict[str, Any], folder: Path) -> dict[str, Any]:
    component = _named(root, "application")
    # The lock does not carry the licence; the project file beside it does.
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return component
    details = project.get("project", {})
    if isinstance(details.get("license"), str):
        component["licenses"] = [{"expression": details["license"]}]
    if details.get("description"):
        component["description"] = details["description"]
    return component
