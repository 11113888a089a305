"""The demo's register: its own assets and the imported Freifunk nodes, in the catalogue."""

import pytest

from offenestadt.core.demo_loader import load_demo_content
from offenestadt.infrastructure.models import Asset, AssetKind
from offenestadt.infrastructure.services import DATASET_NAME
from offenestadt.opendata.catalogue.models import Dataset


@pytest.mark.django_db
def test_the_demo_register_loads_twice_and_is_open_data() -> None:
    load_demo_content()
    counted = Asset.objects.count()
    load_demo_content()

    assert Asset.objects.count() == counted
    assert Asset.objects.filter(kind=AssetKind.FREIFUNK_NODE).count() == 6
    assert Asset.objects.exclude(kind=AssetKind.FREIFUNK_NODE).count() == 8
    dataset = Dataset.objects.get(name=DATASET_NAME)
    assert dataset.in_catalogue
    assert dataset.distributions.get().media_type == "application/geo+json"
