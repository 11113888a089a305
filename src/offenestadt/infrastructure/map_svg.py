"""The register's map, drawn by the platform as inline SVG: assets as marks projected
(Web Mercator) into the frame of the city, on the district outlines the city provides as
a GeoJSON file. No tile server, no script: the page loads nothing from elsewhere."""

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus

logger = logging.getLogger(__name__)

WIDTH = 800
# A city's frame may be tall or flat; the map stays within these heights.
MIN_HEIGHT, MAX_HEIGHT = 300, 800
PADDING = 0.06
MARK_SIZE = 7.0
# The demo's districts; a city sets INFRASTRUCTURE_DISTRICTS_GEOJSON to its own.
DEMO_DISTRICTS = Path(__file__).parent / "demo_districts.geojson"

# Each kind has its own shape and colour (colour is never the only sign); every colour
# has at least 3:1 contrast against the white map (WCAG 1.4.11).
MARKS: dict[str, tuple[str, str]] = {
    AssetKind.WLAN_ACCESS_POINT: ("circle", "#1d4ed8"),
    AssetKind.FREIFUNK_NODE: ("diamond", "#b91c1c"),
    AssetKind.BROADBAND_LINE: ("square", "#166534"),
    AssetKind.SENSOR: ("triangle", "#6b21a8"),
    AssetKind.GATEWAY: ("hexagon", "#9a3412"),
}


@dataclass(frozen=True)
class District:
    name: str
    # Rings of (longitude, latitude).
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Mark:
    path: str
    colour: str
    # Out of service: drawn hollow.
    hollow: bool
    label: str


@dataclass(frozen=True)
class Outline:
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class CityMap:
    width: int
    height: int
    marks: list[Mark]
    outlines: list[Outline]


@dataclass(frozen=True)
class LegendEntry:
    label: str
    path: str
    colour: str


def _mercator(longitude: float, latitude: float) -> tuple[float, float]:
    latitude = max(min(latitude, 85.0), -85.0)
    return math.radians(longitude), math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def shape_path(shape: str, x: float, y: float, size: float = MARK_SIZE) -> str:
    """An SVG path of a mark centred on (x, y)."""
    if shape == "circle":
        arc = f"a{size},{size} 0 1,0"
        return f"M{x - size:.1f},{y:.1f}{arc} {2 * size},0{arc} {-2 * size},0Z"
    shapes: dict[str, list[tuple[float, float]]] = {
        "diamond": [(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)],
        "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
        "triangle": [(0, -1.3), (1.2, 1), (-1.2, 1)],
        "hexagon": [
            (math.cos(math.radians(a)) * 1.15, math.sin(math.radians(a)) * 1.15)
            for a in range(0, 360, 60)
        ],
    }
    corners = shapes[shape]
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in corners)
    return f"M{points.replace(' ', 'L')}Z"


def legend() -> list[LegendEntry]:
    return [
        LegendEntry(label=str(AssetKind(kind).label), path=shape_path(shape, 10, 10), colour=colour)
        for kind, (shape, colour) in MARKS.items()
    ]


def districts_file() -> Path | None:
    configured = settings.INFRASTRUCTURE_DISTRICTS_GEOJSON
    if configured:
        return Path(configured)
    return DEMO_DISTRICTS if settings.DEMO_MODE else None


def districts() -> list[District]:
    """The city's district outlines, or none when there is no file or it cannot be read
    (the map then shows the assets alone; the log says what is wrong with the file)."""
    path = districts_file()
    if path is None:
        return []
    try:
        return list(_districts(path, path.stat().st_mtime))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.warning("district outlines %s unreadable: %s", path, error)
        return []


@lru_cache(maxsize=4)
def _districts(path: Path, mtime: float) -> tuple[District, ...]:
    document = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for feature in document["features"]:
        geometry = feature.get("geometry") or {}
        polygons: list[Any] = []
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        rings = tuple(
            tuple((float(lon), float(lat)) for lon, lat, *_ in ring)
            for polygon in polygons
            for ring in polygon
        )
        if rings:
            name = str((feature.get("properties") or {}).get("name", ""))
            found.append(District(name=name, rings=rings))
    return tuple(found)


def _frame(
    points: Sequence[tuple[float, float]],
) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    # A single point (or a line) still gets a frame around it.
    span = max(east - west, north - south, 1e-4)
    pad = span * PADDING
    return (
        west - pad,
        south - pad,
        max(east, west + span * 0.2) + pad,
        max(north, south + span * 0.2) + pad,
    )


def city_map(assets: Iterable[Asset], outlines: Sequence[District]) -> CityMap | None:
    """The map of ``assets`` (those with a position) on ``outlines``; None when there is
    nothing to draw."""
    located = [a for a in assets if a.latitude is not None and a.longitude is not None]
    projected = [_mercator(float(a.longitude), float(a.latitude)) for a in located]  # type: ignore[arg-type]
    outline_points = [
        [[_mercator(lon, lat) for lon, lat in ring] for ring in district.rings]
        for district in outlines
    ]
    frame = _frame(projected + [p for rings in outline_points for ring in rings for p in ring])
    if frame is None:
        return None
    west, south, east, north = frame
    height = round(min(max(WIDTH * (north - south) / (east - west), MIN_HEIGHT), MAX_HEIGHT))
    scale = min(WIDTH / (east - west), height / (north - south))
    offset_x = (WIDTH - (east - west) * scale) / 2
    offset_y = (height - (north - south) * scale) / 2

    def to_svg(point: tuple[float, float]) -> tuple[float, float]:
        return offset_x + (point[0] - west) * scale, offset_y + (north - point[1]) * scale

    marks = []
    for asset, point in zip(located, projected, strict=True):
        shape, colour = MARKS[asset.kind]
        x, y = to_svg(point)
        marks.append(
            Mark(
                path=shape_path(shape, x, y),
                colour=colour,
                hollow=asset.status != AssetStatus.ACTIVE,
                label=f"{asset.name} ({asset.get_kind_display()}, {asset.get_status_display()})",
            )
        )
    drawn = []
    for district, rings in zip(outlines, outline_points, strict=True):
        svg_rings = [[to_svg(p) for p in ring] for ring in rings]
        path = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in svg_rings
        )
        first = svg_rings[0]
        drawn.append(
            Outline(
                name=district.name,
                path=path,
                label_x=sum(x for x, _ in first) / len(first),
                label_y=sum(y for _, y in first) / len(first),
            )
        )
    return CityMap(width=WIDTH, height=height, marks=marks, outlines=drawn)
