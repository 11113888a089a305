"""Paging the DCAT catalogue as harvesters do: by the next links, each dataset exactly once,
also while datasets are withdrawn during a harvest."""

import pytest
from django.test import Client
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.dcat.graph import HYDRA
from offenestadt.opendata.dcat.tests.support import (
    add_dataset,
    datasets_in,
    fetch,
    iri,
    local,
    next_page,
    paging_node,
)


def test_the_next_links_reach_every_dataset_exactly_once(admin, settings):
    settings.OPENDATA_DCAT_PAGE_SIZE = 2
    for name in ("eins", "zwei"):
        add_dataset(admin, name)
    in_catalogue = sorted(iri(d) for d in Dataset.objects.in_catalogue())
    assert len(in_catalogue) == 5

    seen: list[URIRef] = []
    url: str | None = "http://testserver/catalog"
    pages = []
    while url:
        graph = fetch(local(url))
        pages.append(graph)
        node = paging_node(graph)
        assert (node, RDF.type, HYDRA.PartialCollectionView) in graph
        assert graph.value(node, HYDRA.totalItems) == Literal(5)
        assert graph.value(node, HYDRA.itemsPerPage) == Literal(2)
        assert graph.value(node, HYDRA.lastPage) == Literal("http://testserver/catalog?page=3")
        assert str(graph.value(node, HYDRA.nextPage) or "") == str(
            graph.value(node, HYDRA.next) or ""
        )
        seen += datasets_in(graph)
        url = next_page(graph)
    assert len(pages) == 3
    assert sorted(seen) == in_catalogue
    assert len(set(seen)) == len(seen)
    assert [len(datasets_in(page)) for page in pages] == [2, 2, 1]
    second = paging_node(pages[1])
    assert pages[1].value(second, HYDRA.previous) == URIRef("http://testserver/catalog?page=1")
    assert pages[1].value(second, HYDRA.first) == URIRef("http://testserver/catalog?page=1")
    assert pages[0].value(paging_node(pages[0]), HYDRA.previous) is None


def test_paging_keeps_the_filter_and_the_format(admin, settings):
    settings.OPENDATA_DCAT_PAGE_SIZE = 1
    graph = fetch("/catalog.rdf?modified_since=2000-01-01&profile=3.0")
    following = next_page(graph)
    assert following is not None
    assert following.startswith("http://testserver/catalog.rdf?since=")
    assert "&modified_since=2000-01-01" in following
    assert following.endswith("&profile=3.0")
    assert len(datasets_in(fetch(local(following)))) == 1


def test_a_withdrawal_during_a_harvest_shifts_no_dataset_onto_a_page_already_read(admin, settings):
    settings.OPENDATA_DCAT_PAGE_SIZE = 2
    for name in ("eins", "zwei", "drei"):
        add_dataset(admin, name)
    before = sorted(iri(d) for d in Dataset.objects.in_catalogue())
    first = fetch("/catalog.ttl")
    read = datasets_in(first)
    withdrawn = Dataset.objects.get(pk=min(d.pk for d in Dataset.objects.in_catalogue()))
    assert iri(withdrawn) in read
    services.dataset_withdraw(actor=admin, dataset=withdrawn, reason="Veraltet")
    url = next_page(first)
    while url:
        graph = fetch(local(url))
        read += datasets_in(graph)
        url = next_page(graph)
    # Every dataset once: none skipped (as a numbered page 2 would skip one), none twice.
    assert sorted(read) == before
    assert len(set(read)) == len(read)


def test_numbered_pages_keep_working_and_lead_on_by_cursor(admin, settings):
    settings.OPENDATA_DCAT_PAGE_SIZE = 1
    ordered = [iri(d) for d in Dataset.objects.in_catalogue().order_by("pk")]
    second = fetch("/catalog.jsonld?page=2")
    assert datasets_in(second) == [ordered[1]]
    following = next_page(second)
    assert following is not None and "since=" in following
    third = fetch(local(following))
    assert datasets_in(third) == [ordered[2]]
    view = paging_node(third)
    assert third.value(view, HYDRA.previous) is not None
    assert datasets_in(fetch(local(str(third.value(view, HYDRA.previous))))) == [ordered[1]]
    assert next_page(third) is None
    # A cursor past the end (a stale link) is an empty page, not an error.
    assert datasets_in(fetch("/catalog.ttl?since=999999999")) == []
    assert Client().get("/catalog.ttl?since=-1").status_code == 400


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("page=0", 400, "page"),
        ("page=-1", 400, "page"),
        ("page=zwei", 400, "page"),
        ("page=3", 404, "no page 3"),
        ("modified_since=gestern", 400, "modified_since"),
        ("modified_since=2026-13-01", 400, "modified_since"),
        ("profile=4.0", 400, "profile"),
    ],
)
def test_a_bad_request_gets_a_clear_answer(db, query, status, says):
    response = Client().get(f"/catalog.ttl?{query}")
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert says in response.content.decode()


def test_a_page_costs_the_same_queries_however_many_datasets_it_holds(
    admin, django_assert_max_num_queries
):
    # The figures and the page's datasets (two queries), what their parts are written from as
    # plain rows (six) and the stored parts (one); parts written anew load their datasets
    # (six) and are stored in one statement (three with its savepoint).
    with django_assert_max_num_queries(18):
        small = Client().get("/catalog.ttl")
    for number in range(6):
        add_dataset(admin, f"mehr-{number}")
    with django_assert_max_num_queries(18):
        large = Client().get("/catalog.ttl")
    with django_assert_max_num_queries(9):
        again = Client().get("/catalog.ttl")
    assert again.content == large.content
    assert len(datasets_in(Graph().parse(data=large.content, format="turtle"))) == 9
    assert small.status_code == large.status_code == 200
