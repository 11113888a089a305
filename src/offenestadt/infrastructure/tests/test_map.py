"""The map the platform draws: north up, east right, on the city's district outlines from
its GeoJSON file; a file it cannot read leaves the map without them, never an error page."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client, override_settings

from offenestadt.infrastructure.map_svg import DEMO_DISTRICTS, city_map, districts
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus


def at(name: str, latitude: str, longitude: str, **fields: object) -> Asset:
    return Asset(
        name=name,
        kind=AssetKind.SENSOR,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        **fields,
    )


def centre(path: str) -> tuple[float, float]:
    numbers = [
        float(n)
        for n in path.replace("M", " ")
        .replace("L", " ")
        .replace("Z", " ")
        .replace(",", " ")
        .split()
    ]
    xs, ys = numbers[0::2], numbers[1::2]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def test_north_is_up_and_east_is_right() -> None:
    drawn = city_map(
        [at("Nord", "51.52", "7.20"), at("Ost", "51.48", "7.30"), at("Süd", "51.44", "7.20")],
        [],
    )
    assert drawn is not None
    north, east, south = (centre(mark.path) for mark in drawn.marks)
    assert north[1] < south[1]
    assert east[0] > north[0]
    for x, y in (north, east, south):
        assert 0 <= x <= drawn.width
        assert 0 <= y <= drawn.height


def test_out_of_service_assets_are_hollow() -> None:
    drawn = city_map([at("A", "51.5", "7.2", status=AssetStatus.RETIRED)], [])
    assert drawn is not None
    assert drawn.marks[0].hollow


def test_nothing_located_draws_no_map() -> None:
    assert city_map([Asset(name="ohne", kind=AssetKind.SENSOR)], []) is None


@pytest.mark.django_db
def test_the_citys_district_outlines(client: Client, tmp_path: Path) -> None:
    Asset.objects.create(
        name="Pegel", kind=AssetKind.SENSOR, latitude=Decimal("51.48"), longitude=Decimal("7.22")
    )
    with override_settings(INFRASTRUCTURE_DISTRICTS_GEOJSON=str(DEMO_DISTRICTS)):
        assert [d.name for d in districts()] == ["Nord", "Mitte", "Süd", "Ost"]
        page = client.get("/infrastruktur/").content.decode()
    assert ">Mitte</text>" in page

    broken = tmp_path / "bezirke.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"geometry": 3}]}')
    with override_settings(INFRASTRUCTURE_DISTRICTS_GEOJSON=str(broken)):
        assert districts() == []
        response = client.get("/infrastruktur/")
    assert response.status_code == 200
    assert "</text>" not in response.content.decode()
