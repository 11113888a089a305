"""Catalogue pages are put together from each dataset's stored part: whatever changes, a page
says what the records say now (the graph rdflib writes from them), in every format."""

from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from rdflib import Graph
from rdflib.compare import isomorphic

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence, Theme
from offenestadt.opendata.dcat import graph as dcat
from offenestadt.opendata.dcat import pages
from offenestadt.opendata.dcat.models import CatalogueFragment
from offenestadt.opendata.dcat.tests.support import add_dataset
from offenestadt.registry.models import Project


def reference(path: str) -> Graph:
    """The page's graph as the builder makes it from the records now, through rdflib."""
    request = RequestFactory().get(path)
    page = pages.catalogue_page(pages.parse_query(request.GET))

    def page_link(target: pages.CatalogueQuery) -> str:
        return request.build_absolute_uri(f"{request.path}?{urlencode(target.params())}")

    return dcat.catalogue_graph(page, absolute_uri=request.build_absolute_uri, page_link=page_link)


def served(path: str, media_type: str) -> Graph:
    response = Client().get(path)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=media_type)


FORMATS = [("/catalog.ttl", "text/turtle"), ("/catalog.rdf", "application/rdf+xml")]
FORMATS += [("/catalog.jsonld?profile=3.0", "application/ld+json")]


def assert_fresh() -> None:
    for path, media_type in FORMATS:
        assert isomorphic(served(path, media_type), reference(path)), path


def _edit(admin, dataset: Dataset, **fields) -> None:
    for name, value in fields.items():
        setattr(dataset, name, value)
    services.dataset_save(
        actor=admin,
        dataset=dataset,
        projects=list(dataset.projects.all()),
        themes=[Theme(t.theme) for t in dataset.themes.all()],
        keywords=[k.name for k in dataset.keywords.all()],
    )


CHANGES = {
    "title": lambda admin, d: _edit(admin, d, title="Neuer Titel", title_en="New title"),
    "licence": lambda admin, d: _edit(admin, d, licence=Licence.CC_BY_SA),
    "themes and keywords": lambda admin, d: services.dataset_save(
        actor=admin, dataset=d, projects=[], themes=[Theme.ENVI], keywords=["Neu"]
    ),
    "a new file": lambda admin, d: services.distribution_save(
        actor=admin,
        distribution=Distribution(
            dataset=d, title="Neu", access_url="https://example.org/neu.csv", format="CSV"
        ),
    ),
    "a file's change": lambda admin, d: services.distribution_save(
        actor=admin,
        distribution=_retitled(d.distributions.order_by("pk").first()),
    ),
    "a file removed": lambda admin, d: services.distribution_delete(
        actor=admin, distribution=_second_file(admin, d)
    ),
    "withdrawal": lambda admin, d: services.dataset_withdraw(actor=admin, dataset=d, reason="alt"),
    # Around the services too: an office renamed, a project's address changed in bulk.
    "publisher renamed": lambda admin, d: Office.objects.filter(pk=d.publisher_id).update(
        name="Umbenanntes Amt", email="neu@example.org"
    ),
    "another publisher": lambda admin, d: _edit(
        admin, d, publisher=Office.objects.create(slug="neues-amt", name="Neues Amt")
    ),
    "a linked project's address": lambda admin, d: Project.objects.filter(
        pk__in=d.projects.values("pk")
    ).update(slug="neue-adresse"),
}


def _second_file(admin, dataset: Dataset) -> Distribution:
    """A second file, read into the stored parts before it is removed."""
    second = Distribution(
        dataset=dataset, title="Zweite", access_url="https://example.org/2.json", format="JSON"
    )
    services.distribution_save(actor=admin, distribution=second)
    assert_fresh()
    return second


def _retitled(distribution: Distribution | None) -> Distribution:
    assert distribution is not None
    distribution.title = "Umbenannt"
    distribution.byte_size = 1234
    return distribution


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_is_on_the_next_page_in_every_format(admin, change):
    dataset = add_dataset(admin, "aenderung", licence=Licence.DL_BY)
    linked = Dataset.objects.filter(projects__isnull=False, published_at__isnull=False).first()
    if change == "a linked project's address":
        assert linked is not None, "the demo links a dataset to a project"
        dataset = linked
    assert_fresh()
    assert CatalogueFragment.objects.filter(dataset=dataset).count() == len(FORMATS)
    CHANGES[change](admin, Dataset.objects.get(pk=dataset.pk))
    assert_fresh()


def test_stored_parts_are_used_and_root_follows_the_request(db):
    first = Client().get("/catalog.ttl").content
    stored = CatalogueFragment.objects.count()
    assert stored == Dataset.objects.in_catalogue().count()
    assert Client().get("/catalog.ttl").content == first
    assert CatalogueFragment.objects.count() == stored
    other = Client(HTTP_HOST="localhost").get("/catalog.ttl").content.decode()
    assert "http://localhost/daten/" in other
    assert "testserver" not in other
    assert "site-root.invalid" not in other
