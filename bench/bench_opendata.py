"""The open data portal with 10,000 datasets: CKAN package_search and the DCAT catalogue
as harvesters call them, median and p95 latency of whole requests."""

import os
import random
import statistics

from django.db import connection
from django.test import Client
from django.utils import timezone
from run import Figure, p95, timings

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue.models import Frequency, Licence, Theme
from offenestadt.opendata.models import Dataset, DatasetTheme, Distribution, Keyword

DATASETS = int(os.environ.get("BENCH_OPENDATA_DATASETS", "10000"))
REPEAT = 40
WORDS = [
    "Bäume",
    "Parks",
    "Radwege",
    "Haushalt",
    "Wahlen",
    "Schulen",
    "Kitas",
    "Lärm",
    "Luftqualität",
    "Parkplätze",
    "Baustellen",
    "Bevölkerung",
    "Gewässer",
    "Spielplätze",
    "Haltestellen",
    "Friedhöfe",
    "Denkmäler",
    "Sportstätten",
    "Müll",
    "Energie",
]


def _catalogue() -> None:
    """Datasets written in bulk: the benchmark measures reading, not the services."""
    generator = random.Random(11)
    # Descriptions draw on a larger vocabulary, so a search word matches a few per cent.
    vocabulary = [*WORDS, *(f"begriff{n}" for n in range(2000))]
    offices = [
        Office.objects.create(slug=f"bench-amt-{n}", name=f"Benchmark-Amt {n}") for n in range(12)
    ]
    now = timezone.now()
    datasets = Dataset.objects.bulk_create(
        Dataset(
            name=f"datensatz-{n}",
            title=f"{generator.choice(WORDS)} in der Stadt {n}",
            description=" ".join(generator.choices(vocabulary, k=30)),
            publisher=generator.choice(offices),
            contact_name="Benchmark",
            contact_email="bench@example.org",
            licence=generator.choice(list(Licence)),
            frequency=generator.choice(list(Frequency)),
            published_at=now,
            modified_at=now,
        )
        for n in range(DATASETS)
    )
    themes = list(Theme)
    DatasetTheme.objects.bulk_create(
        DatasetTheme(dataset=d, theme=t) for d in datasets for t in generator.sample(themes, 2)
    )
    Keyword.objects.bulk_create(
        Keyword(dataset=d, name=w) for d in datasets for w in generator.sample(WORDS, 3)
    )
    Distribution.objects.bulk_create(
        Distribution(
            dataset=d,
            title=d.title,
            access_url=f"https://daten.example.org/{d.name}.{fmt.lower()}",
            format=fmt,
            byte_size=generator.randrange(1_000, 10_000_000),
        )
        for d in datasets
        for fmt in generator.sample(["CSV", "JSON", "XLSX", "GEOJSON"], 2)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def _figures(name: str, client: Client, path: str) -> list[Figure]:
    assert client.get(path).status_code == 200, path
    times = timings(lambda: client.get(path), repeat=REPEAT)
    return [
        Figure("opendata", f"{name}: median", statistics.median(times) * 1000, "ms"),
        Figure("opendata", f"{name}: p95", p95(times) * 1000, "ms"),
    ]


def run() -> list[Figure]:
    _catalogue()
    client = Client(HTTP_HOST="localhost")
    search = "/api/3/action/package_search"
    facets = 'facet.field=["organization","groups","tags","res_format","license_id"]'
    return [
        *_figures(f"package_search, {DATASETS} datasets, defaults", client, search),
        *_figures("package_search q=Bäume", client, f"{search}?q=Bäume"),
        *_figures("package_search q=Bäume, 5 facets", client, f"{search}?q=Bäume&{facets}"),
        *_figures(
            "package_search fq=groups:envi, rows=100",
            client,
            f"{search}?fq=groups:envi&rows=100",
        ),
        *_figures("DCAT catalogue page 1 (Turtle, 100 datasets)", client, "/catalog.ttl"),
        *_figures(
            "DCAT catalogue page 50 (Turtle)", client, f"/catalog.ttl?page={DATASETS // 200}"
        ),
    ]
