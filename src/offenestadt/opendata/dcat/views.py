"""The DCAT-AP.de catalogue for harvesters: /catalog (by Accept) and one address per format;
each dataset's record at /dataset/<name>.ttl, .rdf and .jsonld, as ckanext-dcat serves it."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from offenestadt.core.errors import answers_input_errors
from offenestadt.opendata.dcat import fragments, pages
from offenestadt.opendata.dcat import graph as dcat

# What /catalog answers to an Accept header, by preference when the client has none:
# Turtle first (the DCAT-AP.de reference examples' format). Other names of the same
# formats are understood too; a client that accepts none of them still gets Turtle, as
# harvesters read the Content-Type rather than insist on their Accept header.
NEGOTIATED = {
    "text/turtle": "turtle",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/x-turtle": "turtle",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "application/json": "jsonld",
}


def _error(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _unreadable(request: HttpRequest, message: str) -> HttpResponse:
    return _error(400, message)


def _catalogue(request: HttpRequest, rdf_format: dcat.RdfFormat) -> HttpResponse:
    try:
        query = pages.parse_query(request.GET)
        page = pages.catalogue_page(query, records=False)
    except pages.CatalogueRequestError as error:
        return _error(400, str(error))
    except pages.PageNotFoundError as error:
        return _error(404, str(error))

    def page_link(target: pages.CatalogueQuery) -> str:
        return request.build_absolute_uri(f"{request.path}?{urlencode(target.params())}")

    root = request.build_absolute_uri("/").removesuffix("/")
    return HttpResponse(
        fragments.catalogue_document(page, rdf_format, root=root, page_link=page_link),
        content_type=f"{rdf_format.media_type}; charset=utf-8",
    )


@answers_input_errors(_unreadable)
@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    """The catalogue in the format the Accept header prefers (Turtle by default)."""
    preferred = request.get_preferred_type(list(NEGOTIATED))
    response = _catalogue(request, dcat.FORMATS[NEGOTIATED.get(preferred or "", "turtle")])
    patch_vary_headers(response, ["Accept"])
    return response


@answers_input_errors(_unreadable)
@require_safe
def catalog_turtle(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, dcat.FORMATS["turtle"])


@answers_input_errors(_unreadable)
@require_safe
def catalog_rdfxml(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, dcat.FORMATS["rdfxml"])


@answers_input_errors(_unreadable)
@require_safe
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, dcat.FORMATS["jsonld"])


def _dataset(request: HttpRequest, name: str, rdf_format: dcat.RdfFormat) -> HttpResponse:
    try:
        profile = pages.parse_profile(request.GET)
    except pages.CatalogueRequestError as error:
        return _error(400, str(error))
    dataset = dcat.catalogue_dataset(name)
    if dataset is None:
        return _error(404, f"There is no dataset named {name!r} in the catalogue.")
    triples = dcat.dataset_triples(
        dataset, absolute_uri=request.build_absolute_uri, profile=profile
    )
    return HttpResponse(
        dcat.document(triples, rdf_format),
        content_type=f"{rdf_format.media_type}; charset=utf-8",
    )


@answers_input_errors(_unreadable)
@require_safe
def dataset_turtle(request: HttpRequest, name: str) -> HttpResponse:
    return _dataset(request, name, dcat.FORMATS["turtle"])


@answers_input_errors(_unreadable)
@require_safe
def dataset_rdfxml(request: HttpRequest, name: str) -> HttpResponse:
    return _dataset(request, name, dcat.FORMATS["rdfxml"])


@answers_input_errors(_unreadable)
@require_safe
def dataset_jsonld(request: HttpRequest, name: str) -> HttpResponse:
    return _dataset(request, name, dcat.FORMATS["jsonld"])
