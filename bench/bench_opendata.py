"""The open data portal at the scale data set (10,000 datasets): CKAN package_search and the
DCAT catalogue as harvesters call them, median and p95 latency of whole requests, and a
whole harvest of the catalogue by its next links (keyset cursors).

BENCH_ONLY=opendata runs just this module; BENCH_SCALE=0 with DATABASE_URL measures a kept,
seeded database.
"""

import statistics
import time
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from run import Figure, p95, timings

from offenestadt.opendata.dcat.graph import HYDRA
from offenestadt.opendata.models import Dataset

REPEAT = 40
SEARCH = "/api/3/action/package_search"
# Issue 18: harvest pages and searches at 10,000 datasets.
PAGE_GOAL_MS = 100
SEARCH_GOAL_MS = 50
FACETS = 'facet.field=["organization","groups","tags","res_format","license_id"]'


def _figures(name: str, client: Client, path: str, goal_ms: float | None = None) -> list[Figure]:
    assert client.get(path).status_code == 200, path
    times = timings(lambda: client.get(path), repeat=REPEAT)
    slowest = p95(times) * 1000
    return [
        Figure("opendata", f"{name}: median", statistics.median(times) * 1000, "ms"),
        Figure(
            "opendata",
            f"{name}: p95",
            slowest,
            "ms",
            goal="" if goal_ms is None else f"< {goal_ms:g}",
            met=None if goal_ms is None else slowest < goal_ms,
        ),
    ]


def _next(graph: Graph) -> str | None:
    """The next page's address, as ckanext-dcat (GovData's harvester) reads it."""
    for view in graph.subjects(RDF.type, HYDRA.PagedCollection):
        for value in graph.objects(view, HYDRA.next):
            return str(value)
    return None


def _harvest(client: Client) -> list[Figure]:
    """Every page of the catalogue in Turtle, following the next links as a harvester does."""
    times: list[float] = []
    datasets: set[object] = set()
    url: str | None = "/catalog.ttl"
    while url:
        parts = urlsplit(url)
        started = time.perf_counter()
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        times.append(time.perf_counter() - started)
        graph = Graph().parse(data=response.content, format="turtle")
        datasets.update(graph.subjects(RDF.type, DCAT.Dataset))
        url = _next(graph)
    assert len(datasets) == Dataset.objects.in_catalogue().count(), len(datasets)
    return [
        Figure("opendata", "DCAT harvest by next links: pages", len(times), "pages"),
        Figure("opendata", "DCAT harvest: all page requests", sum(times), "s"),
        Figure("opendata", "DCAT harvest pages: median", statistics.median(times) * 1000, "ms"),
        Figure("opendata", "DCAT harvest pages: p95", p95(times) * 1000, "ms"),
    ]


def run() -> list[Figure]:
    # The scale data set is seeded by run.py (BENCH_SCALE=0 measures a kept database).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    datasets = Dataset.objects.in_catalogue().count()
    middle = (
        Dataset.objects.in_catalogue().order_by("pk").values_list("pk", flat=True)[datasets // 2]
    )
    return [
        Figure("opendata", "datasets in the catalogue", datasets, "datasets"),
        *_figures("package_search, defaults", client, SEARCH),
        *_figures("package_search, 5 facets", client, f"{SEARCH}?{FACETS}", SEARCH_GOAL_MS),
        *_figures(
            "package_search q=Bäume, 5 facets", client, f"{SEARCH}?q=Bäume&{FACETS}", SEARCH_GOAL_MS
        ),
        *_figures(
            "package_search fq=groups:envi, rows=100", client, f"{SEARCH}?fq=groups:envi&rows=100"
        ),
        *_figures("DCAT page 1, Turtle (100 datasets)", client, "/catalog.ttl", PAGE_GOAL_MS),
        *_figures("DCAT page 1, RDF/XML", client, "/catalog.rdf", PAGE_GOAL_MS),
        *_figures("DCAT page 1, JSON-LD", client, "/catalog.jsonld", PAGE_GOAL_MS),
        *_figures(
            "DCAT mid-catalogue by cursor, Turtle",
            client,
            f"/catalog.ttl?since={middle}",
            PAGE_GOAL_MS,
        ),
        *_figures(
            "DCAT numbered page in the middle, Turtle",
            client,
            f"/catalog.ttl?page={max(1, datasets // 200)}",
        ),
        *_harvest(client),
    ]
