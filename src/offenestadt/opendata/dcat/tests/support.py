"""What the DCAT tests do as a harvester does: fetch a page, read it, follow its links."""

from urllib.parse import urlsplit

from django.test import Client
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Theme
from offenestadt.opendata.dcat.graph import HYDRA

# Open namespace: pytest probes the module's names, and rdflib's closed ones warn then.
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def add_dataset(admin: User, name: str, *, publish: bool = True, **fields) -> Dataset:
    """A dataset with an external address, published unless told otherwise."""
    office = fields.pop("publisher", None) or Office.objects.earliest("pk")
    dataset = Dataset(
        name=name,
        title=fields.pop("title", f"Datensatz {name}"),
        description=fields.pop("description", f"Beschreibung von {name}."),
        publisher=office,
        contact_name=office.name,
        contact_email=office.email or "daten@example.org",
        **fields,
    )
    services.dataset_save(
        actor=admin, dataset=dataset, projects=[], themes=[Theme.GOVE], keywords=["Test"]
    )
    services.distribution_save(
        actor=admin,
        distribution=Distribution(
            dataset=dataset,
            title=f"{name} als JSON",
            access_url=f"https://example.org/api/{name}.json",
            format="JSON",
        ),
    )
    if publish:
        services.dataset_publish(actor=admin, dataset=dataset)
    return dataset


def fetch(path: str, client: Client | None = None, **headers) -> Graph:
    response = (client or Client()).get(path, **headers)
    assert response.status_code == 200, response.content
    media_type = response["Content-Type"].split(";")[0]
    return Graph().parse(data=response.content, format=media_type)


def paging_node(graph: Graph) -> URIRef:
    (node,) = graph.subjects(RDF.type, HYDRA.PagedCollection)
    assert isinstance(node, URIRef)
    return node


def next_page(graph: Graph) -> str | None:
    """What ckanext-dcat's RDFParser.next_page (GovData's harvester) reads."""
    for node in graph.subjects(RDF.type, HYDRA.PagedCollection):
        for value in graph.objects(node, HYDRA.next):
            return str(value)
        for value in graph.objects(node, HYDRA.nextPage):
            return str(value)
    return None


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def datasets_in(graph: Graph) -> list[URIRef]:
    return sorted(
        node for node in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(node, URIRef)
    )


def byte_sizes(graph: Graph) -> set[Literal]:
    return {size for size in graph.objects(None, DCAT.byteSize) if isinstance(size, Literal)}


def iri(dataset: Dataset) -> URIRef:
    return URIRef(f"http://testserver{dataset.get_absolute_url()}")
