"""The open data catalogue for people: search with facets, dataset pages with a preview of
the data, and downloads."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal
from offenestadt.audit.selectors import history_for
from offenestadt.core.request_input import page_number
from offenestadt.opendata.catalogue import rules
from offenestadt.opendata.catalogue.forms import WithdrawForm
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.catalogue.search import SearchResult, search_datasets
from offenestadt.opendata.filescan import findings
from offenestadt.opendata.filescan import services as filescan_services
from offenestadt.opendata.filescan.models import FileScan
from offenestadt.opendata.pipeline.models import sendable_to_pipeline

PAGE_SIZE = 20
# Values shown per facet; a chosen value always shows among the active filters.
FACET_DISPLAY_LIMIT = 20
# The preview reads at most this much of a CSV file, and shows this many rows.
PREVIEW_BYTES = 16 * 1024
PREVIEW_ROWS = 10
# Validation errors listed on the dataset page (the report keeps more).
SHOWN_VALIDATION_ERRORS = 5


@dataclass(frozen=True)
class FacetField:
    """A filter of the catalogue, under CKAN's name (the GET parameter) and a heading."""

    name: str
    heading: str | Promise


FACETS = (
    FacetField("groups", _("Themen")),
    FacetField("organization", _("Veröffentlichende Stelle")),
    FacetField("tags", _("Schlagwörter")),
    FacetField("res_format", _("Format")),
    FacetField("license_id", _("Lizenz")),
)


@dataclass(frozen=True)
class SortOrder:
    """An order of the results: its word in the address, the search's sort and a label."""

    key: str
    search_sort: str
    label: str | Promise


SORT_ORDERS = (
    SortOrder("", "", _("Relevanz")),
    SortOrder("titel", "title_string asc", _("Titel")),
    SortOrder("geaendert", "metadata_modified desc", _("zuletzt geändert")),
)

# The machine interfaces of the catalogue, outside the language prefix: the DCAT-AP.de
# catalogue by route name, with label and media type, and CKAN's fixed addresses.
DCAT_FORMATS = (
    ("dcat_catalog_ttl", "Turtle", "text/turtle"),
    ("dcat_catalog_rdf", "RDF/XML", "application/rdf+xml"),
    ("dcat_catalog_jsonld", "JSON-LD", "application/ld+json"),
)
CKAN_SEARCH_PATH = "/api/3/action/package_search"
CKAN_SHOW_PATH = "/api/3/action/package_show"


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    # The catalogue with this value added to the filters, or taken out of them.
    toggle_url: str


@dataclass(frozen=True)
class Facet:
    field: FacetField
    values: list[FacetValue]


@dataclass(frozen=True)
class ActiveFilter:
    heading: str | Promise
    label: str
    remove_url: str


@dataclass(frozen=True)
class DatasetCard:
    """A dataset as the catalogue lists it, in the language of the page."""

    dataset: Dataset
    title: str
    description: str
    formats: list[str]


def _in_english() -> bool:
    return (get_language() or "").split("-")[0] == "en"


def _title(dataset: Dataset) -> str:
    return dataset.title_en if _in_english() and dataset.title_en else dataset.title


def _description(dataset: Dataset) -> str:
    if _in_english() and dataset.description_en:
        return dataset.description_en
    return dataset.description


def _url_with(params: QueryDict) -> str:
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _toggled(params: QueryDict, name: str, value: str) -> str:
    """The catalogue's address with ``value`` of filter ``name`` switched, on page one."""
    changed = params.copy()
    changed.pop("seite", None)
    values = changed.getlist(name)
    changed.setlist(
        name, [v for v in values if v != value] if value in values else [*values, value]
    )
    return _url_with(changed)


def _facets(params: QueryDict, result: SearchResult) -> tuple[list[Facet], list[ActiveFilter]]:
    facets = []
    active = []
    for facet_field in FACETS:
        chosen = [value for value in params.getlist(facet_field.name) if value]
        labels = {value: label for value, label, _count in result.facets.get(facet_field.name, [])}
        values = [
            FacetValue(
                value=value,
                label=label,
                count=count,
                selected=value in chosen,
                toggle_url=_toggled(params, facet_field.name, value),
            )
            for value, label, count in result.facets.get(facet_field.name, [])
        ]
        shown = [v for i, v in enumerate(values) if i < FACET_DISPLAY_LIMIT or v.selected]
        if shown:
            facets.append(Facet(field=facet_field, values=shown))
        active += [
            ActiveFilter(
                heading=facet_field.heading,
                label=labels.get(value, value),
                remove_url=_toggled(params, facet_field.name, value),
            )
            for value in dict.fromkeys(chosen)
        ]
    return facets, active


def _search_page(
    *, q: str, filters: dict[str, list[str]], sort: str, requested: str | None
) -> tuple[SearchResult, Page[Dataset]]:
    """One page of results; a page number past the end shows the last page."""
    number = page_number(requested)

    def run(page_number: int) -> SearchResult:
        return search_datasets(
            q=q,
            filters=filters,
            sort=sort,
            start=(page_number - 1) * PAGE_SIZE,
            rows=PAGE_SIZE,
            facet_fields=[facet.name for facet in FACETS],
        )

    result = run(number)
    paginator: Paginator[int] = Paginator(range(result.count), PAGE_SIZE)
    if number > paginator.num_pages:
        number = paginator.num_pages
        result = run(number)
    return result, Page(result.datasets, number, paginator)  # type: ignore[arg-type]


def dataset_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: full-text search, facets that narrow it, sorting and pages."""
    params = request.GET
    q = params.get("q", "").strip()
    sort_key = params.get("sort", "")
    sort = next((order for order in SORT_ORDERS if order.key == sort_key), SORT_ORDERS[0])
    filters = {
        facet.name: list(dict.fromkeys(v for v in params.getlist(facet.name) if v))
        for facet in FACETS
    }
    filters = {name: values for name, values in filters.items() if values}
    result, page = _search_page(
        q=q, filters=filters, sort=sort.search_sort, requested=params.get("seite")
    )
    facets, active = _facets(params, result)
    sort_links = []
    for order in SORT_ORDERS:
        changed = params.copy()
        changed.pop("seite", None)
        if order.key:
            changed["sort"] = order.key
        else:
            changed.pop("sort", None)
        sort_links.append((order, _url_with(changed), order == sort))
    cleared = QueryDict(mutable=True)
    if q:
        cleared["q"] = q
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "page": page,
            "cards": [
                DatasetCard(
                    dataset=dataset,
                    title=_title(dataset),
                    description=_description(dataset),
                    formats=sorted({d.format for d in dataset.distributions.all() if d.format}),
                )
                for dataset in page.object_list
            ],
            "count": result.count,
            "q": q,
            "sort": sort,
            "facets": facets,
            "active_filters": active,
            "clear_filters_url": _url_with(cleared),
            "sort_links": sort_links,
            "filters": filters,
            "dcat_links": [
                (reverse(route), label, media_type) for route, label, media_type in DCAT_FORMATS
            ],
            "ckan_search_path": CKAN_SEARCH_PATH,
            "can_create": rules.can_create_dataset(request.user),
            # Staff find their drafts and withdrawn datasets here; the search lists neither.
            "drafts": list(
                Dataset.objects.visible_to(request.user)
                .filter(Q(published_at__isnull=True) | Q(withdrawn_at__isnull=False))
                .order_by("title")
            )
            if reads_internal(request.user)
            else [],
        },
    )


def dataset_for(request: HttpRequest, name: str) -> Dataset:
    """The dataset, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        Dataset.objects.visible_to(request.user).select_related("publisher"), name=name
    )


def _may_download(user: Actor, dataset: Dataset) -> bool:
    """Files are public while the dataset is in the catalogue; staff also see the others'."""
    return dataset.in_catalogue or reads_internal(user)


@dataclass
class Preview:
    """The first rows of a CSV file, read as text and never interpreted."""

    header: list[str]
    rows: list[list[str]]
    truncated: bool


def _csv_preview(distribution: Distribution) -> Preview | None:
    """The head of a CSV distribution: at most PREVIEW_BYTES, at most PREVIEW_ROWS rows."""
    if not distribution.file or distribution.format.upper() != "CSV":
        return None
    try:
        with distribution.file.open("rb") as opened:
            head = opened.read(PREVIEW_BYTES + 1)
    except OSError:
        return None
    truncated = len(head) > PREVIEW_BYTES
    text = head[:PREVIEW_BYTES].decode("utf-8-sig", errors="replace")
    if truncated and "\n" in text:
        # Only whole lines: the last one was cut off by the byte limit.
        text = text[: text.rindex("\n") + 1]
    try:
        dialect: type[csv.Dialect] | str = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = "excel"
    try:
        lines = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        return None
    lines = [line for line in lines if line]
    if not lines:
        return None
    rows = lines[1 : PREVIEW_ROWS + 1]
    return Preview(header=lines[0], rows=rows, truncated=truncated or len(lines) > PREVIEW_ROWS + 1)


@dataclass
class DistributionView:
    """A distribution as its dataset's page shows it."""

    distribution: Distribution
    licence_label: str
    licence_uri: str
    filename: str
    preview: Preview | None = None
    schema_fields: list[tuple[str, str]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    shown_errors: list[dict[str, Any]] = field(default_factory=list)
    # For staff: the check for personal data and what keeps the file from the public.
    scan: FileScan | None = None
    scan_rows: list[findings.ScanRow] = field(default_factory=list)
    scan_problem: str | None = None
    can_send_to_pipeline: bool = False


def _distribution_views(
    dataset: Dataset, *, downloadable: bool, internal: bool
) -> list[DistributionView]:
    """The dataset's files and links; visitors see only links and files cleared for them."""
    distributions = dataset.distributions.all() if internal else dataset.distributions.public()
    shown = []
    for distribution in distributions.order_by("pk"):
        distribution.dataset = dataset
        licence = Licence(distribution.effective_licence)
        schema = distribution.table_schema or {}
        report = distribution.validation_report or None
        shown.append(
            DistributionView(
                distribution=distribution,
                licence_label=str(licence.label),
                licence_uri=licence.uri,
                filename=PurePosixPath(distribution.file.name or "").name
                if distribution.file
                else "",
                preview=_csv_preview(distribution) if downloadable else None,
                schema_fields=[
                    (str(column.get("name", "")), str(column.get("type", "")))
                    for column in schema.get("fields", [])
                ],
                report=report,
                shown_errors=list((report or {}).get("errors", []))[:SHOWN_VALIDATION_ERRORS],
            )
        )
        if internal and distribution.file:
            view = shown[-1]
            view.scan = filescan_services.current_scan(distribution, "file")
            view.scan_rows = findings.scan_rows(view.scan.findings if view.scan else [])
            view.scan_problem = filescan_services.scan_problem(view.scan, f"„{distribution.title}“")
            view.can_send_to_pipeline = sendable_to_pipeline(distribution, view.scan)
    return shown


def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    return render_detail(request, dataset_for(request, name))


def render_detail(
    request: HttpRequest,
    dataset: Dataset,
    *,
    withdraw_form: WithdrawForm | None = None,
    publish_errors: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    internal = reads_internal(request.user)
    distributions = _distribution_views(
        dataset, downloadable=_may_download(request.user, dataset), internal=internal
    )
    # The dataset's history holds that of the distributions shown with it.
    history = history_for(
        dataset, request.user, parts=[shown.distribution for shown in distributions]
    )
    can_edit = rules.can_edit_dataset(request.user, dataset)
    return render(
        request,
        "opendata/dataset_detail.html",
        {
            "dataset": dataset,
            "title": _title(dataset),
            "description": _description(dataset),
            "themes": list(dataset.themes.order_by("theme")),
            "keywords": list(dataset.keywords.all()),
            "licence": Licence(dataset.licence),
            "projects": dataset.projects.visible_to(request.user).order_by("title"),
            "distributions": distributions,
            "downloadable": _may_download(request.user, dataset),
            "history": history,
            "can_edit": can_edit,
            "withdraw_form": (withdraw_form or WithdrawForm())
            if can_edit and dataset.in_catalogue
            else None,
            "publish_errors": publish_errors,
            "ckan_show_path": CKAN_SHOW_PATH,
        },
        status=status,
    )


def distribution_download(request: HttpRequest, name: str, identifier: UUID) -> HttpResponseBase:
    """A distribution's file, as it was uploaded; a link elsewhere redirects there."""
    dataset = dataset_for(request, name)
    if not _may_download(request.user, dataset):
        raise Http404
    # Visitors get a file only once the check for personal data cleared it.
    distributions = (
        dataset.distributions.all()
        if reads_internal(request.user)
        else dataset.distributions.public()
    )
    distribution = get_object_or_404(distributions, identifier=identifier)
    if not distribution.file:
        if distribution.access_url:
            return HttpResponseRedirect(distribution.access_url)
        raise Http404
    try:
        opened = distribution.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=PurePosixPath(distribution.file.name or "").name,
        content_type=distribution.media_type or "application/octet-stream",
    )
    if distribution.checksum_sha256:
        response["ETag"] = f'"{distribution.checksum_sha256}"'
    if not dataset.in_catalogue or not filescan_services.file_is_public(distribution, "file"):
        patch_cache_control(response, private=True, no_store=True)
    return response
