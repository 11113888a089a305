"""The catalogue as DCAT-AP.de RDF, one page at a time, as GovData's harvester reads it.

GovData harvests with ckanext-dcat's RDF harvester: it reads every ``dcat:Dataset`` of a
page, follows ``hydra:next`` (or the older ``hydra:nextPage``) of the page's
``hydra:PagedCollection`` until there is none, and deletes whatever it harvested before
and did not find this time. So every page links the next, each dataset in the catalogue
is on exactly one page (a fixed order by creation), and a dataset leaves the dump only
when it is withdrawn. A dataset's IRI is its page on this site (German, unprefixed), so
it is the same on every page, in every format and whatever language a harvester asks
for; ``dct:identifier`` is its UUID, which never changes.

The catalogue follows DCAT-AP.de 2.0 with GovData's conventions (what GovData validates
today); ``?profile=3.0`` serves DCAT-AP.de 3.0, which contradicts 2.0 in two places: the
datatype of ``dcat:byteSize`` (2.0 ``xsd:decimal``, 3.0 ``xsd:nonNegativeInteger``) and
the checksum algorithm's vocabulary (2.0 DCAT-AP.de's own list, 3.0 SPDX's). 3.0 also
leaves out the properties it deprecates (maintainer, geocoding URI and description; the
municipality stays in ``dct:spatial``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue.models import (
    EU_AUTHORITY,
    Dataset,
    Distribution,
    Licence,
    Theme,
)
from offenestadt.opendata.dcat import writers
from offenestadt.opendata.dcat.pages import (
    CataloguePage,
    CatalogueQuery,
    Profile,
    catalogue_datasets,
)
from offenestadt.registry.models import Project

# Said of a link elsewhere: harvesters pass it on as the city's description.
EXTERNAL_NOTE = (
    "Externe Adresse: die Stadt ruft sie nicht ab und prüft nicht, was dort veröffentlicht ist."
)
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


# Licences whose terms ask for the licensor's name: DCAT-AP.de convention 35 wants that
# text in dcatde:licenseAttributionByText.
ATTRIBUTION_LICENCES = frozenset({Licence.DL_BY, Licence.CC_BY, Licence.CC_BY_SA, Licence.ODBL})

CATALOGUE_TITLE = {"de": "Offene Daten: {operator}", "en": "Open data: {operator}"}
CATALOGUE_DESCRIPTION = {
    "de": "Die offenen Daten von {operator} aus dem Smart-City-Programm: nur Daten "
    "ohne Personenbezug oder anonymisiert, frei nutzbar.",
    "en": "The open data of {operator} from its smart city programme: only data without "
    "personal references or anonymized, free to use.",
}


# SHA-256 in the checksum algorithm list each version asks for.
SHA256 = {
    Profile.V2: URIRef("http://dcat-ap.de/def/hashAlgorithms/sha/256"),
    Profile.V3: SPDX.checksumAlgorithm_sha256,
}


# --- Addresses ----------------------------------------------------------------------------


def _path(name: str, args: list[str], fallback: str) -> str:
    """A German page's path; the fallback until the pages are mounted under that name."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def catalogue_path() -> str:
    return _path("dcat_catalog", [], "/catalog")


def dataset_path(dataset: Dataset) -> str:
    return _path("opendata:dataset_detail", [dataset.name], f"/daten/{dataset.name}/")


def download_path(distribution: Distribution, dataset: Dataset) -> str:
    identifier = str(distribution.identifier)
    return _path(
        "opendata:distribution_download",
        [dataset.name, identifier],
        f"/daten/{dataset.name}/dateien/{identifier}/",
    )


def _project_path(project: Project) -> str:
    return _path("registry:project_detail", [project.slug], f"/projekte/{project.slug}/")


def _catalogue_home_path() -> str:
    return _path("opendata:dataset_list", [], "/daten/")


# --- The graph ----------------------------------------------------------------------------


def _datetime(moment: datetime) -> Literal:
    return Literal(moment.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _date(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


# The prefixes the catalogue uses (JSON-LD's context).
PREFIXES = {
    "rdf": str(RDF),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "dcatde": str(DCATDE),
    "vcard": str(VCARD),
    "spdx": str(SPDX),
    "hydra": str(HYDRA),
    "xsd": str(XSD),
}


def new_graph() -> Graph:
    """An empty graph that knows only the prefixes the catalogue uses."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), replace=True)
    return graph


# The absolute address of another page of the same listing.
PageLink = Callable[[CatalogueQuery], str]


class _CatalogueBuilder:
    """Writes one page's triples; IRIs are absolute addresses of this site."""

    def __init__(
        self, graph: writers.Triples, absolute_uri: Callable[[str], str], profile: Profile
    ):
        self.graph = graph
        self.absolute_uri = absolute_uri
        self.profile = profile
        self.catalogue = URIRef(absolute_uri(catalogue_path()))
        self.offices: dict[int, URIRef] = {}
        self.municipality = URIRef(
            f"{POLITICAL_GEOCODING}municipalityKey/{settings.OPENDATA_MUNICIPALITY_KEY}"
        )
        if profile == Profile.V3:
            # The municipality's key stands for the place: 3.0 wants a dct:Location in
            # dct:spatial (2.0 would then ask for its geometry, which a key has not).
            self.add(self.municipality, RDF.type, DCTERMS.Location)

    def add(self, subject: URIRef | BNode, predicate: URIRef, value: object) -> None:
        if isinstance(value, URIRef | BNode | Literal):
            self.graph.add((subject, predicate, value))
        else:
            self.graph.add((subject, predicate, Literal(value)))

    def texts(self, subject: URIRef | BNode, predicate: URIRef, de: str, en: str) -> None:
        self.add(subject, predicate, Literal(de, lang="de"))
        if en.strip():
            self.add(subject, predicate, Literal(en, lang="en"))

    def agent(self, iri: URIRef, name: str, email: str = "") -> URIRef:
        self.add(iri, RDF.type, FOAF.Organization)
        self.add(iri, FOAF.name, name)
        # A city office: the EU publisher type "local authority".
        self.add(iri, DCTERMS.type, URIRef(f"{ADMS_PUBLISHER_TYPE}LocalAuthority"))
        if email:
            self.add(iri, FOAF.mbox, URIRef(f"mailto:{email}"))
        return iri

    def office(self, office: Office) -> URIRef:
        if office.pk not in self.offices:
            iri = URIRef(f"{self.catalogue}#office-{office.slug}")
            self.offices[office.pk] = self.agent(iri, office.name, office.email)
        return self.offices[office.pk]

    def catalogue_node(self, page: CataloguePage) -> None:
        catalogue, operator = self.catalogue, str(settings.OPERATOR_NAME)
        self.add(catalogue, RDF.type, DCAT.Catalog)
        self.texts(
            catalogue,
            DCTERMS.title,
            CATALOGUE_TITLE["de"].format(operator=operator),
            CATALOGUE_TITLE["en"].format(operator=operator),
        )
        self.texts(
            catalogue,
            DCTERMS.description,
            CATALOGUE_DESCRIPTION["de"].format(operator=operator),
            CATALOGUE_DESCRIPTION["en"].format(operator=operator),
        )
        publisher = self.agent(
            URIRef(f"{catalogue}#publisher"), operator, str(settings.OPERATOR_EMAIL)
        )
        self.add(catalogue, DCTERMS.publisher, publisher)
        self.add(catalogue, FOAF.homepage, URIRef(self.absolute_uri(_catalogue_home_path())))
        for language in ("DEU", "ENG"):
            self.add(catalogue, DCTERMS.language, URIRef(f"{EU_AUTHORITY}language/{language}"))
        self.add(catalogue, DCAT.themeTaxonomy, URIRef(f"{EU_AUTHORITY}data-theme"))
        self.add(catalogue, DCTERMS.spatial, self.municipality)
        if page.modified is not None:
            self.add(catalogue, DCTERMS.modified, _datetime(page.modified))

    def dataset(self, dataset: Dataset) -> URIRef:
        page = self.absolute_uri(dataset_path(dataset))
        node = URIRef(page)
        self.add(self.catalogue, DCAT.dataset, node)
        self.add(node, RDF.type, DCAT.Dataset)
        self.add(node, DCTERMS.identifier, str(dataset.identifier))
        self.texts(node, DCTERMS.title, dataset.title, dataset.title_en)
        self.texts(node, DCTERMS.description, dataset.description, dataset.description_en)
        for keyword in dataset.keywords.all():
            self.add(node, DCAT.keyword, Literal(keyword.name, lang="de"))
        for theme in dataset.themes.all():
            self.add(node, DCAT.theme, URIRef(Theme(theme.theme).uri))
        office = self.office(dataset.publisher)
        self.add(node, DCTERMS.publisher, office)
        self.add(node, DCAT.contactPoint, self.contact_point(dataset))
        self.add(node, DCATDE.contributorID, URIRef(settings.OPENDATA_CONTRIBUTOR_ID))
        self.add(
            node,
            DCATDE.politicalGeocodingLevelURI,
            URIRef(f"{POLITICAL_GEOCODING}Level/municipality"),
        )
        if self.profile == Profile.V2:
            self.add(node, DCATDE.maintainer, office)
            self.add(node, DCATDE.politicalGeocodingURI, self.municipality)
            self.add(
                node,
                DCATDE.geocodingDescription,
                Literal(dataset.spatial_note or str(settings.OPERATOR_NAME)),
            )
        # Convention 11: the political geocoding again as dct:spatial, for Europe.
        self.add(node, DCTERMS.spatial, self.municipality)
        if dataset.temporal_start or dataset.temporal_end:
            self.add(node, DCTERMS.temporal, self.period(dataset))
        self.add(node, DCTERMS.accrualPeriodicity, URIRef(dataset.frequency_uri))
        self.add(node, DCTERMS.language, URIRef(f"{EU_AUTHORITY}language/DEU"))
        if dataset.published_at is not None:
            self.add(node, DCTERMS.issued, _datetime(dataset.published_at))
        modified = dataset.modified_at or dataset.published_at
        if modified is not None:
            self.add(node, DCTERMS.modified, _datetime(modified))
        self.add(node, DCAT.landingPage, URIRef(page))
        for project in dataset.projects.all():
            self.add(node, DCTERMS.relation, URIRef(self.absolute_uri(_project_path(project))))
        for distribution in dataset.distributions.all():
            self.add(node, DCAT.distribution, self.distribution(distribution, dataset, page))
        return node

    def contact_point(self, dataset: Dataset) -> BNode:
        contact = BNode()
        self.add(contact, RDF.type, VCARD.Organization)
        self.add(contact, VCARD.fn, dataset.contact_name or dataset.publisher.name)
        email = dataset.contact_email or dataset.publisher.email
        if email:
            self.add(contact, VCARD.hasEmail, URIRef(f"mailto:{email}"))
        return contact

    def period(self, dataset: Dataset) -> BNode:
        period = BNode()
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        if dataset.temporal_start:
            self.add(period, DCAT.startDate, _date(dataset.temporal_start))
        if dataset.temporal_end:
            self.add(period, DCAT.endDate, _date(dataset.temporal_end))
        return period

    def distribution(self, distribution: Distribution, dataset: Dataset, page: str) -> URIRef:
        node = URIRef(f"{page}#distribution-{distribution.identifier}")
        self.add(node, RDF.type, DCAT.Distribution)
        if distribution.file:
            download = URIRef(self.absolute_uri(download_path(distribution, dataset)))
            # DCAT-AP.de convention 39: a file's access address is its download address.
            self.add(node, DCAT.accessURL, download)
            self.add(node, DCAT.downloadURL, download)
        else:
            self.add(node, DCAT.accessURL, URIRef(distribution.access_url))
        self.add(node, DCTERMS.title, Literal(distribution.title, lang="de"))
        external = EXTERNAL_NOTE if distribution.is_external else ""
        description = "\n\n".join(
            text for text in (distribution.description, distribution.provenance, external) if text
        )
        if description:
            self.add(node, DCTERMS.description, Literal(description, lang="de"))
        if distribution.format:
            code = distribution.format.strip().upper()
            self.add(node, DCTERMS.format, URIRef(f"{EU_AUTHORITY}file-type/{code}"))
        media_type = distribution.media_type.split(";")[0].strip().lower()
        if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media_type):
            self.add(node, DCAT.mediaType, URIRef(f"{IANA_MEDIA_TYPES}{media_type}"))
        if distribution.byte_size is not None:
            self.add(node, DCAT.byteSize, self.byte_size(distribution.byte_size))
        if distribution.checksum_sha256:
            checksum = BNode()
            self.add(checksum, RDF.type, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, SHA256[self.profile])
            self.add(
                checksum,
                SPDX.checksumValue,
                Literal(distribution.checksum_sha256.lower(), datatype=XSD.hexBinary),
            )
            self.add(node, SPDX.checksum, checksum)
        licence = Licence(distribution.effective_licence)
        self.add(node, DCTERMS.license, URIRef(licence.uri))
        if licence in ATTRIBUTION_LICENCES:
            self.add(
                node,
                DCATDE.licenseAttributionByText,
                Literal(f"{settings.OPERATOR_NAME}, {dataset.publisher.name}"),
            )
        self.add(node, DCTERMS.issued, _datetime(distribution.created_at))
        self.add(node, DCTERMS.modified, _datetime(distribution.modified_at))
        return node

    def byte_size(self, size: int) -> Literal:
        if self.profile == Profile.V2:
            # The canonical form, which Turtle writes anyway: the same in every format.
            return Literal(f"{size}.0", datatype=XSD.decimal)
        return Literal(str(size), datatype=XSD.nonNegativeInteger)

    def paging(self, page: CataloguePage, page_link: PageLink) -> None:
        """Hydra paging as ckanext-dcat writes and reads it, and as Hydra now names it.

        ckanext-dcat (GovData) follows ``hydra:next`` or ``hydra:nextPage`` of the
        ``hydra:PagedCollection``; piveau (data.europa.eu) reads ``hydra:nextPage`` of a
        PagedCollection as a string and ``hydra:next`` of a PartialCollectionView as an
        IRI. One node serves them all: the deprecated ``…Page`` properties as strings
        (as ckanext-dcat writes them), their successors as IRIs.
        """
        view = URIRef(page_link(page.query))
        self.add(view, RDF.type, HYDRA.PagedCollection)
        self.add(view, RDF.type, HYDRA.PartialCollectionView)
        self.add(self.catalogue, HYDRA.view, view)
        self.add(view, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer))
        self.add(view, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer))
        properties = {
            "first": (HYDRA.first, HYDRA.firstPage),
            "last": (HYDRA.last, HYDRA.lastPage),
            "next": (HYDRA.next, HYDRA.nextPage),
            "previous": (HYDRA.previous, HYDRA.previousPage),
        }
        for name, target in page.links.items():
            if target is not None:
                current, deprecated = properties[name]
                self.add(view, current, URIRef(page_link(target)))
                self.add(view, deprecated, Literal(page_link(target)))


def catalogue_triples(
    page: CataloguePage, *, absolute_uri: Callable[[str], str], page_link: PageLink
) -> writers.Triples:
    """The page's triples.

    ``absolute_uri`` turns a path of this site into an absolute address;
    ``page_link`` gives the absolute address of another page of the same listing.
    """
    triples = writers.Triples()
    # Addresses of the German pages, whatever language the harvester asked for.
    with translation.override(settings.LANGUAGE_CODE):
        builder = _CatalogueBuilder(triples, absolute_uri, page.query.profile)
        builder.catalogue_node(page)
        for dataset in page.datasets:
            builder.dataset(dataset)
        builder.paging(page, page_link)
    return triples


def page_frame_triples(
    page: CataloguePage, *, absolute_uri: Callable[[str], str], page_link: PageLink
) -> writers.Triples:
    """What a page says beside its datasets' own parts: the catalogue, the offices that
    publish the page's datasets, and the paging."""
    triples = writers.Triples()
    with translation.override(settings.LANGUAGE_CODE):
        builder = _CatalogueBuilder(triples, absolute_uri, page.query.profile)
        builder.catalogue_node(page)
        for dataset in page.datasets:
            builder.office(dataset.publisher)
        builder.paging(page, page_link)
    return triples


def dataset_part_triples(
    dataset: Dataset, *, absolute_uri: Callable[[str], str], profile: Profile
) -> list[writers.Triple]:
    """A dataset's part of a catalogue page (its publisher named, not described: the page
    describes each office once)."""
    with translation.override(settings.LANGUAGE_CODE):
        builder = _CatalogueBuilder(writers.Triples(), absolute_uri, profile)
        builder.graph = part = writers.Triples()
        builder.dataset(dataset)
    offices = set(builder.offices.values())
    return [triple for triple in part if triple[0] not in offices]


def catalogue_graph(
    page: CataloguePage, *, absolute_uri: Callable[[str], str], page_link: PageLink
) -> Graph:
    """The page as an rdflib graph (what the documents are tested against)."""
    graph = new_graph()
    for triple in catalogue_triples(page, absolute_uri=absolute_uri, page_link=page_link):
        graph.add(triple)
    return graph


def catalogue_dataset(name: str) -> Dataset | None:
    """A dataset of the catalogue by its name, with what its graph needs loaded."""
    return catalogue_datasets().filter(name=name).first()


def dataset_triples(
    dataset: Dataset, *, absolute_uri: Callable[[str], str], profile: Profile
) -> writers.Triples:
    """One dataset's record, as CKAN's DCAT extension serves it at /dataset/<name>.<format>:
    the dataset with its distributions, publisher and contact point, linked from the
    catalogue it belongs to."""
    triples = writers.Triples()
    with translation.override(settings.LANGUAGE_CODE):
        _CatalogueBuilder(triples, absolute_uri, profile).dataset(dataset)
    return triples


@dataclass(frozen=True)
class RdfFormat:
    media_type: str
    rdflib_format: str
    extension: str


FORMATS = {
    "turtle": RdfFormat("text/turtle", "turtle", "ttl"),
    "rdfxml": RdfFormat("application/rdf+xml", "pretty-xml", "rdf"),
    "jsonld": RdfFormat("application/ld+json", "json-ld", "jsonld"),
}
# The writer of each format (writers.BODIES).
KINDS = {"turtle": "turtle", "pretty-xml": "rdfxml", "json-ld": "jsonld"}


def serialize(graph: Graph, rdf_format: RdfFormat) -> bytes:
    """rdflib's serialisation of a graph (the reference the fast documents are tested against)."""
    if rdf_format.rdflib_format == "json-ld":
        return graph.serialize(format="json-ld", auto_compact=True, encoding="utf-8")
    return graph.serialize(format=rdf_format.rdflib_format, encoding="utf-8")


def document(triples: writers.Triples, rdf_format: RdfFormat) -> bytes:
    """The triples in a format, written without building a graph."""
    kind = KINDS[rdf_format.rdflib_format]
    return writers.document(kind, [writers.body(kind, triples, PREFIXES)], PREFIXES)
