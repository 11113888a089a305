"""The open data portal at the scale data set (10,000 datasets): CKAN package_search and the
DCAT catalogue as harvesters call them, median and p95 latency of whole requests, and a
whole harvest of the catalogue by its next links (keyset cursors)."""

import statistics
import time
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from run import Figure, p95, scale_data_set, timings

from offenestadt.opendata.dcat.graph import HYDRA
from offenestadt.opendata.models import Dataset

REPEAT = 40
SEARCH = "/api/3/action/package_search"
FACETS = 'facet.field=["organization","groups","tags","res_format","license_id"]'


def _figures(name: str, client: Client, path: str) -> list[Figure]:
    assert client.get(path).status_code == 200, path
    times = timings(lambda: client.get(path), repeat=REPEAT)
    return [
        Figure("opendata", f"{name}: median", statistics.median(times) * 1000, "ms"),
        Figure("opendata", f"{name}: p95", p95(times) * 1000, "ms"),
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
    scale_data_set()
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
        *_figures("package_search, 5 facets", client, f"{SEARCH}?{FACETS}"),
        *_figures("package_search q=Bäume, 5 facets", client, f"{SEARCH}?q=Bäume&{FACETS}"),
        *_figures(
            "package_search fq=groups:envi, rows=100", client, f"{SEARCH}?fq=groups:envi&rows=100"
        ),
        *_figures("DCAT page 1, Turtle (100 datasets)", client, "/catalog.ttl"),
        *_figures("DCAT page 1, RDF/XML", client, "/catalog.rdf"),
        *_figures("DCAT page 1, JSON-LD", client, "/catalog.jsonld"),
        *_figures("DCAT mid-catalogue by cursor, Turtle", client, f"/catalog.ttl?since={middle}"),
        *_figures(
            "DCAT numbered page in the middle, Turtle",
            client,
            f"/catalog.ttl?page={max(1, datasets // 200)}",
        ),
        *_harvest(client),
    ]
