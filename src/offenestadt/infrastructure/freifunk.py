"""Reading a Freifunk community's node list: meshviewer's `meshviewer.json`, the older
`nodes.json` (versions 1 and 2) and raw respondd answers, from a file or a URL.

Stages as in the other importers: the loader fetches bytes, `parse_nodes` turns whatever
shape arrived into `FreifunkNode` rows. The owner's contact (`owner` in every format) is
never read, so it cannot end up anywhere.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

USER_AGENT = "Offene Stadt Freifunk-Import"
TIMEOUT_SECONDS = 20
# A city's node list is a few megabytes; anything far larger is not one.
MAX_BYTES = 50 * 1024 * 1024
COORDINATE_PLACES = Decimal("0.000001")


class FreifunkError(Exception):
    """The source could not be read or is no node list; the message says why, in German."""


@dataclass(frozen=True)
class FreifunkNode:
    """What the register takes from one node: no owner, no addresses, no client counts."""

    node_id: str
    hostname: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_online: bool | None = None
    last_seen: datetime | None = None
    firmware: str = ""
    model: str = ""


@dataclass
class NodeList:
    nodes: list[FreifunkNode]
    # Format of the source, in words for the summary.
    source_format: str
    # What the summary should mention: nodes left out, values that could not be read.
    notes: list[str]


def load(source: str) -> bytes:
    """The bytes at ``source``: an http(s) URL (fetched with a timeout) or a file's path."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in {"http", "https"}:
        return _fetch(source)
    if scheme not in {"", "file"} and len(scheme) > 1:  # "C:" is a Windows drive
        raise FreifunkError(f"Adresse {source!r}: nur http(s)-Adressen und Dateien gehen.")
    path = Path(source.removeprefix("file://"))
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise FreifunkError(
            f"Datei {source!r} lässt sich nicht lesen ({error.strerror})."
        ) from error
    return _limited(data, source)


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in load()
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FreifunkError(f"{url} antwortet mit HTTP {error.code}.") from error
    except (TimeoutError, ConnectionError, HTTPException, urllib.error.URLError) as error:
        raise FreifunkError(f"{url} antwortet nicht ({error}).") from error
    return _limited(data, url)


def _limited(data: bytes, source: str) -> bytes:
    if len(data) > MAX_BYTES:
        raise FreifunkError(
            f"{source} ist größer als {MAX_BYTES // (1024 * 1024)} MB: keine Knotenliste."
        )
    return data


def parse_nodes(data: bytes) -> NodeList:
    """The nodes of a meshviewer.json, nodes.json (v1, v2) or respondd answer."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FreifunkError(f"Die Quelle ist kein gültiges JSON ({error}).") from error
    except RecursionError as error:
        # A few hundred thousand brackets, from a community server or a broken proxy.
        raise FreifunkError("Die Quelle ist zu tief verschachtelt: keine Knotenliste.") from error
    notes: list[str] = []
    nodes: dict[str, FreifunkNode] = {}
    source_format, raw_nodes = _shape(document)
    for raw in raw_nodes:
        node = _node(raw, notes)
        if node is None:
            continue
        if node.node_id in nodes:
            notes.append(f"Knoten {node.node_id}: doppelt in der Quelle, nur der erste zählt")
            continue
        nodes[node.node_id] = node
    return NodeList(nodes=list(nodes.values()), source_format=source_format, notes=notes)


def _shape(document: Any) -> tuple[str, Iterator[dict[str, Any]]]:
    """Which format arrived, and its nodes as meshviewer-style dicts."""
    if isinstance(document, list):
        return "respondd", (_from_respondd(item) for item in document if isinstance(item, dict))
    if not isinstance(document, dict):
        raise FreifunkError("Die Quelle ist keine Knotenliste (weder Objekt noch Liste).")
    nodes = document.get("nodes")
    version = document.get("version")
    if version in (1, 2) and isinstance(nodes, dict | list):
        listed = nodes.values() if isinstance(nodes, dict) else nodes
        return f"nodes.json v{version}", (
            _from_legacy(item) for item in listed if isinstance(item, dict)
        )
    if isinstance(nodes, list):
        return "meshviewer.json", (item for item in nodes if isinstance(item, dict))
    if "node_id" in document or "nodeinfo" in document:
        return "respondd", iter([_from_respondd(document)])
    raise FreifunkError(
        "Die Quelle ist keine Knotenliste: erwartet meshviewer.json, nodes.json (v1/v2) "
        "oder eine respondd-Antwort."
    )


def _from_legacy(item: dict[str, Any]) -> dict[str, Any]:
    """A nodes.json node ({flags, statistics, nodeinfo}) in meshviewer's terms."""
    info = _dict(item.get("nodeinfo"))
    flags = _dict(item.get("flags"))
    node = _from_respondd(info)
    node["node_id"] = node.get("node_id") or _dict(item.get("statistics")).get("node_id")
    node["is_online"] = flags.get("online")
    node["lastseen"] = item.get("lastseen")
    return node


def _from_respondd(item: dict[str, Any]) -> dict[str, Any]:
    """A respondd nodeinfo (alone, or under "nodeinfo" beside "statistics") in meshviewer's
    terms. An answer with statistics came from a node that is running."""
    info = _dict(item.get("nodeinfo")) if "nodeinfo" in item else item
    software = _dict(info.get("software"))
    return {
        "node_id": info.get("node_id"),
        "hostname": info.get("hostname"),
        "location": info.get("location"),
        "model": _dict(info.get("hardware")).get("model"),
        "firmware": _dict(software.get("firmware")),
        "is_online": True if isinstance(item.get("statistics"), dict) else None,
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any, limit: int) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _node(raw: dict[str, Any], notes: list[str]) -> FreifunkNode | None:
    node_id = _text(raw.get("node_id"), 64)
    if not node_id:
        notes.append(f"Knoten „{_text(raw.get('hostname'), 60)}“: ohne Knoten-ID")
        return None
    latitude, longitude = _coordinates(_dict(raw.get("location")))
    firmware = _dict(raw.get("firmware"))
    online = raw.get("is_online")
    return FreifunkNode(
        node_id=node_id,
        hostname=_text(raw.get("hostname"), 200) or node_id,
        latitude=latitude,
        longitude=longitude,
        is_online=online if isinstance(online, bool) else None,
        last_seen=_time(raw.get("lastseen"), node_id, notes),
        firmware=_text(firmware.get("release") or firmware.get("base"), 100),
        model=_text(raw.get("model"), 100),
    )


def _coordinates(location: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return None, None
    if not (isinstance(latitude, int | float) and isinstance(longitude, int | float)):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return (
        Decimal(str(latitude)).quantize(COORDINATE_PLACES),
        Decimal(str(longitude)).quantize(COORDINATE_PLACES),
    )


def _time(value: Any, node_id: str, notes: list[str]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        notes.append(f"Knoten {node_id}: Zeitangabe {str(value)[:40]!r} unlesbar, ohne sie")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Whole seconds: the database keeps them on every backend alike.
    return moment.astimezone(UTC).replace(microsecond=0)
