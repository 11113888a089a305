"""The DCAT-AP.de catalogue: valid against the official shapes, paged as GovData follows it.

The shapes, ontologies and vocabularies are shipped in data/dcat-ap-de (origin and licences
in its SOURCE.md); the EU code lists are not there, so the few entries the catalogue uses are
added as stubs (``skos:inScheme`` of each code), as GovData's validator would find them
in the imported lists. The demo is loaded once for the module (conftest); each test's
changes are rolled back.
"""

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import (
    EU_AUTHORITY,
    Dataset,
    Distribution,
    Frequency,
    Licence,
    Theme,
)
from offenestadt.opendata.catalogue.services import MEDIA_TYPES
from offenestadt.opendata.dcat import graph as dcat
from offenestadt.opendata.dcat import pages
from offenestadt.opendata.dcat.graph import DCATDE, HYDRA, SPDX
from offenestadt.opendata.dcat.tests.support import (
    add_dataset,
    byte_sizes,
    datasets_in,
    fetch,
    iri,
    local,
    paging_node,
)
from offenestadt.opendata.tests.pipeline_support import check_files

REFERENCE = Path(__file__).parent / "data" / "dcat-ap-de"

SHAPES = {
    # DCAT-AP.de 2.0, "Spezifikation + Konventionen" (what GovData validates today).
    "2.0": [
        "v2.0/shacl/dcat-ap_2.1.1_shacl_shapes.ttl",
        "v2.0/shacl/dcat-ap-spec-german-messages.ttl",
        "v2.0/shacl/dcat-ap-spec-german-additions.ttl",
        "v2.0/shacl/dcat-ap-de-deprecated.ttl",
        "v2.0/shacl/dcat-ap-konventionen.ttl",
    ],
    # DCAT-AP.de 3.0 (the validator's profile v30_de_spec).
    "3.0": [
        "v3.0/shacl/dcat-ap-SHACL_3.0.0_SEMIC.ttl",
        "v3.0/shacl/dcat-ap-SHACL-DE.ttl",
        "v3.0/shacl/dcat-ap-de-deprecated.ttl",
        "v3.0/shacl/dcat-ap-spec-german-additions.ttl",
        "v3.0/shacl/dcat-ap-de-controlledvocabularies.ttl",
    ],
}
ONTOLOGIES = [
    "ontologies-offline/foaf_0_1.rdf",
    "ontologies-offline/org.ttl",
    "ontologies-offline/vcard.ttl",
]
VOCABULARIES = [
    "vocabularies/dcat-ap-de-contributors.rdf",
    "vocabularies/dcat-ap-de-licenses-open.rdf",
]
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
# Open namespaces: pytest probes the module's names, and rdflib's closed ones warn then.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def _load(*paths: str) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(REFERENCE / path)
    return graph


@functools.cache
def shapes(profile: str) -> Graph:
    return _load(*SHAPES[profile])


@functools.cache
def ontologies() -> Graph:
    return _load(*ONTOLOGIES)


@functools.cache
def vocabularies() -> Graph:
    """The DCAT-AP.de lists in the folder, and stubs of the entries of the lists that are not.

    Stubbed are the entries of the EU lists the models offer (themes, frequencies), the
    file types the site knows, the two catalogue languages, this city's political
    geocoding, the publisher type and the SHA-256 entries of both algorithm lists.
    """
    graph = _load(*VOCABULARIES)

    def entry(scheme: str, *codes: str) -> None:
        for code in codes:
            graph.add((URIRef(f"{scheme}/{code}"), SKOS.inScheme, URIRef(scheme)))

    entry(f"{EU_AUTHORITY}data-theme", *Theme.values)
    entry(f"{EU_AUTHORITY}frequency", *Frequency.values)
    entry(f"{EU_AUTHORITY}file-type", *MEDIA_TYPES)
    entry(f"{EU_AUTHORITY}language", "DEU", "ENG")
    entry(f"{POLITICAL_GEOCODING}municipalityKey", django_settings.OPENDATA_MUNICIPALITY_KEY)
    entry(f"{POLITICAL_GEOCODING}Level", "municipality")
    graph.add(
        (
            URIRef("http://purl.org/adms/publishertype/LocalAuthority"),
            SKOS.inScheme,
            URIRef("http://purl.org/adms/publishertype/1.0"),
        )
    )
    entry("http://dcat-ap.de/def/hashAlgorithms", "sha/256")
    graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    return graph


def shacl_results(data: Graph, profile: str) -> dict[str, list[str]]:
    """The validation results by severity, each as 'focus node path: message'."""
    _, report, _ = validate(
        data + vocabularies(),
        shacl_graph=shapes(profile),
        ont_graph=ontologies(),
        inference="rdfs",
        allow_warnings=True,
    )
    results: dict[str, list[str]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).split("#")[-1]
        results.setdefault(severity, []).append(
            f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
            f"{report.value(result, SH.resultMessage)}"
        )
    return results


# --- Validity ----------------------------------------------------------------------------


def test_the_demo_catalogue_is_valid_dcat_ap_de_2_with_govdatas_conventions(admin):
    # Beside the demo's CSV files: an external address, a licence of its own, no English.
    add_dataset(admin, "haltestellen", licence=Licence.CC_BY_SA, frequency=Frequency.MONTHLY)
    graph = fetch("/catalog.ttl")
    assert len(datasets_in(graph)) == 4
    # Not a violation, and not even a warning or a note.
    assert shacl_results(graph, "2.0") == {}


def test_the_demo_catalogue_is_valid_dcat_ap_de_3(admin):
    add_dataset(admin, "haltestellen", licence=Licence.DL_ZERO)
    graph = fetch("/catalog.ttl?profile=3.0")
    assert len(datasets_in(graph)) == 4
    assert shacl_results(graph, "3.0") == {}


def test_the_profiles_differ_where_the_versions_contradict_each_other(db):
    two, three = fetch("/catalog.ttl"), fetch("/catalog.ttl?profile=3.0")
    sizes = {version: byte_sizes(g) for version, g in (("2", two), ("3", three))}
    assert {size.datatype for size in sizes["2"]} == {XSD.decimal}
    assert {size.datatype for size in sizes["3"]} == {XSD.nonNegativeInteger}
    assert {int(float(size)) for size in sizes["2"]} == {int(float(size)) for size in sizes["3"]}
    assert set(three.objects(None, SPDX.algorithm)) == {SPDX.checksumAlgorithm_sha256}
    assert not set(three.subjects(DCATDE.maintainer, None))
    assert set(two.subjects(DCATDE.maintainer, None))


def test_a_dataset_says_what_govdata_reads(db):
    dataset = Dataset.objects.get(name="bodenfeuchte-parks")
    distribution = dataset.distributions.get()
    graph = fetch("/catalog.ttl")
    node = iri(dataset)
    assert graph.value(node, DCTERMS.identifier) == Literal(str(dataset.identifier))
    assert set(graph.objects(node, DCTERMS.title)) == {
        Literal(dataset.title, lang="de"),
        Literal(dataset.title_en, lang="en"),
    }
    assert graph.value(node, DCAT.landingPage) == node
    assert graph.value(node, DCATDE.contributorID) == URIRef(
        django_settings.OPENDATA_CONTRIBUTOR_ID
    )
    assert graph.value(node, DCATDE.politicalGeocodingURI) == URIRef(
        f"{POLITICAL_GEOCODING}municipalityKey/{django_settings.OPENDATA_MUNICIPALITY_KEY}"
    )
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(Frequency.DAILY.uri)
    period = graph.value(node, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2026-06-01", datatype=XSD.date)
    publisher = graph.value(node, DCTERMS.publisher)
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == (
        dataset.publisher.name
    )
    contact = graph.value(node, DCAT.contactPoint)
    assert graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == URIRef(
        f"mailto:{dataset.contact_email}"
    )
    (file,) = graph.objects(node, DCAT.distribution)
    download = URIRef(f"http://testserver/daten/{dataset.name}/dateien/{distribution.identifier}/")
    assert graph.value(file, DCAT.downloadURL) == download
    assert graph.value(file, DCAT.accessURL) == download
    assert graph.value(file, DCTERMS.format) == URIRef(f"{EU_AUTHORITY}file-type/CSV")
    assert graph.value(file, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert int(float(str(graph.value(file, DCAT.byteSize)))) == distribution.byte_size
    checksum = graph.value(file, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == distribution.checksum_sha256
    assert graph.value(file, DCTERMS.license) == URIRef(Licence.DL_BY.uri)
    assert dataset.publisher.name in str(graph.value(file, DCATDE.licenseAttributionByText))


# --- What is in the catalogue ---------------------------------------------------------------


# --- One dataset's record, where ckanext-dcat serves it ------------------------------------


def without_blank_nodes(graph: Graph) -> set[tuple[object, object, object]]:
    return {triple for triple in graph if not any(isinstance(term, BNode) for term in triple)}


@pytest.mark.parametrize("extension", ["ttl", "rdf", "jsonld"])
def test_each_dataset_has_its_record_in_every_format(db, extension):
    dataset = Dataset.objects.get(name="bodenfeuchte-parks")
    graph = fetch(f"/dataset/{dataset.name}.{extension}")
    assert datasets_in(graph) == [iri(dataset)]
    catalogue = fetch("/catalog.ttl")
    # What the catalogue says of the dataset, its files and its publisher; nothing else.
    assert without_blank_nodes(graph) <= without_blank_nodes(catalogue)
    assert graph.value(predicate=DCAT.dataset, object=iri(dataset)) == URIRef(
        "http://testserver/catalog"
    )
    assert len(list(graph.objects(iri(dataset), DCAT.distribution))) == 1
    assert graph.value(iri(dataset), DCAT.contactPoint) is not None
    # The dataset's page links to its record, for people and (in its head) for programs.
    page = Client().get(dataset.get_absolute_url()).content.decode()
    assert page.count(f'href="/dataset/{dataset.name}.{extension}"') == 2


@pytest.mark.parametrize("profile", ["2.0", "3.0"])
def test_a_datasets_record_is_valid_dcat_ap_de(admin, profile):
    dataset = add_dataset(admin, "haltestellen", licence=Licence.CC_BY_SA)
    graph = fetch(f"/dataset/{dataset.name}.ttl?profile={profile}")
    assert datasets_in(graph) == [iri(dataset)]
    assert shacl_results(graph, profile) == {}


def test_only_datasets_of_the_catalogue_have_records(admin):
    draft = add_dataset(admin, "entwurf", publish=False)
    for path in (f"/dataset/{draft.name}.ttl", "/dataset/gibt-es-nicht.rdf"):
        response = Client().get(path)
        assert response.status_code == 404
        assert "no dataset named" in response.content.decode()
    response = Client().get("/dataset/bodenfeuchte-parks.jsonld?profile=9")
    assert response.status_code == 400
    assert "profile must be one of" in response.content.decode()


def test_drafts_and_withdrawn_datasets_are_not_in_the_catalogue(admin):
    draft = add_dataset(admin, "entwurf", publish=False)
    withdrawn = Dataset.objects.get(name="wlan-standorte")
    services.dataset_withdraw(actor=admin, dataset=withdrawn, reason="Standorte veraltet")
    graph = fetch("/catalog.ttl")
    kept = Dataset.objects.filter(name__in=["bodenfeuchte-parks", "infrastrukturregister"])
    assert datasets_in(graph) == sorted(iri(dataset) for dataset in kept)
    assert iri(draft) not in set(graph.all_nodes())
    assert iri(withdrawn) not in set(graph.all_nodes())
    assert graph.value(paging_node(graph), HYDRA.totalItems) == Literal(2)


def test_modified_since_lists_what_changed_at_or_after(admin):
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Dataset.objects.update(modified_at=long_ago, published_at=long_ago)
    fresh = add_dataset(admin, "neu")
    assert fresh.modified_at is not None
    # The last one as clients send it when they forget to encode the '+' of the offset.
    for since in ("2025-01-01", "2025-01-01T00:00:00Z", "2025-01-01T01:00:00+01:00"):
        graph = fetch(f"/catalog.ttl?modified_since={since}")
        assert datasets_in(graph) == [iri(fresh)], since
        assert graph.value(paging_node(graph), HYDRA.totalItems) == Literal(1)
    exact = fresh.modified_at.isoformat().replace("+", "%2B")
    assert datasets_in(fetch(f"/catalog.ttl?modified_since={exact}")) == [iri(fresh)]
    assert len(datasets_in(fetch("/catalog.ttl?modified_since=2019-12-31"))) == 4
    later = (fresh.modified_at + timedelta(seconds=1)).isoformat().replace("+", "%2B")
    assert datasets_in(fetch(f"/catalog.ttl?modified_since={later}")) == []


# --- Formats -----------------------------------------------------------------------------


def _without_page_addresses(graph: Graph) -> Graph:
    """The graph without the paging node, whose address names the format."""
    node = paging_node(graph)
    kept = Graph()
    for triple in graph:
        if node not in (triple[0], triple[2]):
            kept.add(triple)
    return kept


def test_the_three_formats_hold_the_same_graph(db):
    graphs = {
        "/catalog.ttl": ("text/turtle", fetch("/catalog.ttl")),
        "/catalog.rdf": ("application/rdf+xml", fetch("/catalog.rdf")),
        "/catalog.jsonld": ("application/ld+json", fetch("/catalog.jsonld")),
    }
    for path, (media_type, _) in graphs.items():
        assert Client().get(path)["Content-Type"] == f"{media_type}; charset=utf-8"
    turtle = graphs["/catalog.ttl"][1]
    for _, graph in graphs.values():
        assert isomorphic(_without_page_addresses(graph), _without_page_addresses(turtle))
        assert len(datasets_in(graph)) == 3


@pytest.mark.parametrize("rdf_format", ["turtle", "rdfxml", "jsonld"])
@pytest.mark.parametrize("query", ["", "?profile=3.0", "?page=2", "?since=1"])
def test_a_page_parses_back_to_the_graph_rdflib_would_write(admin, settings, rdf_format, query):
    """The documents are written without rdflib: each must read as rdflib's own output."""
    settings.OPENDATA_DCAT_PAGE_SIZE = 2
    add_dataset(admin, "sonderzeichen", title='Zeichen: "<&>" \\ \n\t ä', licence=Licence.CC_BY)
    chosen = dcat.FORMATS[rdf_format]
    response = Client().get(f"/catalog.{chosen.extension}{query}")
    assert response.status_code == 200
    served = Graph().parse(data=response.content, format=chosen.media_type)
    request = RequestFactory().get(f"/catalog.{chosen.extension}{query}")
    page = pages.catalogue_page(pages.parse_query(request.GET))

    def page_link(target: pages.CatalogueQuery) -> str:
        return request.build_absolute_uri(f"{request.path}?{urlencode(target.params())}")

    reference = dcat.catalogue_graph(
        page, absolute_uri=request.build_absolute_uri, page_link=page_link
    )
    written = Graph().parse(data=dcat.serialize(reference, chosen), format=chosen.media_type)
    assert len(served) == len(written) > 50
    assert isomorphic(served, written)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/rdf+xml"),
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
        ("image/png", "text/turtle"),
    ],
)
def test_catalog_negotiates_the_format(db, accept, media_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = Client().get("/catalog", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response["Vary"]


def test_negotiated_formats_are_the_same_graph_with_the_same_page_addresses(db):
    graphs = [
        fetch("/catalog", HTTP_ACCEPT=media_type)
        for media_type in ("text/turtle", "application/rdf+xml", "application/ld+json")
    ]
    assert all(isomorphic(graph, graphs[0]) for graph in graphs)
    assert paging_node(graphs[0]) == URIRef("http://testserver/catalog?page=1")


def test_harvesters_may_ask_with_head_first(db):
    response = Client().head("/catalog.ttl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    assert Client().post("/catalog.ttl").status_code == 405


# --- Stable addresses ---------------------------------------------------------------------


def test_a_dataset_keeps_its_iri_across_pages_formats_languages_and_changes(admin, settings):
    dataset = Dataset.objects.get(name="wlan-standorte")
    expected = iri(dataset)
    assert str(expected) == "http://testserver/daten/wlan-standorte/"
    assert expected in datasets_in(fetch("/catalog.ttl"))
    assert expected in datasets_in(fetch("/catalog.jsonld", HTTP_ACCEPT_LANGUAGE="en"))
    english = Client()
    english.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert expected in datasets_in(fetch("/catalog.rdf", english))
    settings.OPENDATA_DCAT_PAGE_SIZE = 1
    assert expected in datasets_in(fetch("/catalog.ttl?page=1"))
    dataset.title = "Offenes WLAN: Standorte (Demo)"
    services.dataset_save(
        actor=admin, dataset=dataset, projects=[], themes=[Theme.TECH], keywords=["WLAN"]
    )
    graph = fetch("/catalog.ttl?page=1")
    assert datasets_in(graph) == [expected]
    assert graph.value(expected, DCTERMS.identifier) == Literal(str(dataset.identifier))


def test_the_catalogue_links_its_pages_and_the_dataset_files(db):
    graph = fetch("/catalog.ttl")
    catalogue = URIRef("http://testserver/catalog")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert graph.value(catalogue, HYDRA.view) == paging_node(graph)
    assert set(graph.objects(catalogue, DCAT.dataset)) == set(datasets_in(graph))
    for file in graph.objects(None, DCAT.downloadURL):
        assert Client().get(local(str(file))).status_code == 200, file


def test_a_csv_upload_is_described_with_its_size_and_checksum(admin):
    dataset = add_dataset(admin, "mit-datei", publish=False)
    services.distribution_save(
        actor=admin,
        distribution=Distribution(dataset=dataset, title="Tabelle", format="CSV"),
        upload=SimpleUploadedFile("t.csv", b"a,b\n1,2\n", content_type="text/csv"),
    )
    check_files()
    services.dataset_publish(actor=admin, dataset=dataset)
    graph = fetch("/catalog.ttl")
    assert 8 in {int(float(size)) for size in byte_sizes(graph)}
