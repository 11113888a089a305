"""The catalogue through the CKAN Action API (v3): the read-only actions harvesters call.

Each action takes the request's parameters (a dict, as CKAN hands them over) and returns
what CKAN's action of the same name returns, in CKAN's shapes: package dicts with
resources, tags, groups (the EU data themes, named by their lower-case code, as GovData
names them) and extras carrying the DCAT-AP.de fields. Only the catalogue is visible:
drafts and withdrawn datasets do not exist here. Errors are raised as ``ActionError``;
the HTTP layer (ckan_views) wraps results and errors in CKAN's envelope.
"""

import functools
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.core.request_input import MAX_OFFSET, InputError, bounded_int
from offenestadt.opendata import search
from offenestadt.opendata.models import (
    Dataset,
    Distribution,
    Frequency,
    Keyword,
    Licence,
    Theme,
    public_distributions,
)

# The CKAN release whose Action API these answers follow.
CKAN_VERSION = "2.10.0"
MAX_ROWS = 1000  # CKAN's ckan.search.rows_max
DEFAULT_ROWS = 10
GROUP_DATASETS_LIMIT = 1000  # organization_show/group_show list at most this many
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
LANGUAGE_GERMAN = "http://publications.europa.eu/resource/authority/language/DEU"

JSON = dict[str, Any]


# --- Errors, as CKAN reports them -------------------------------------------------------


class ActionError(Exception):
    """An action that cannot answer; ``error`` is the envelope's error object."""

    status = 500
    error_type = "Internal Server Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": self.message}


class NotFoundError(ActionError):
    status = 404
    error_type = "Not Found Error"

    @property
    def error(self) -> JSON:
        message = f"Not found: {self.message}" if self.message else "Not found"
        return {"__type": self.error_type, "message": message}


class ParameterError(ActionError):
    """Bad parameters: CKAN lists the messages per field."""

    status = 409
    error_type = "Validation Error"

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(str(dict(errors)))
        self.errors = dict(errors)

    @property
    def error(self) -> JSON:
        return {**self.errors, "__type": self.error_type}


class SearchQueryError(ActionError):
    status = 400
    error_type = "Search Query Error"

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": f"Search Query is invalid: {self.args!r}"}


class SearchEngineError(ActionError):
    status = 409
    error_type = "Search Error"

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": f"Search error: {self.args!r}"}


MISSING = "Missing value"


def _required(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        raise ParameterError({key: [MISSING]})
    return str(value)


def _natural(data: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = bounded_int(value, name=key, minimum=-MAX_OFFSET)
    except InputError:
        raise ParameterError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ParameterError({key: ["Must be a natural number"]})
    return number


def _integer(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        return bounded_int(value, name=key, minimum=-MAX_OFFSET)
    except InputError:
        raise ParameterError({key: ["Invalid integer"]}) from None


TRUE = frozenset({"true", "yes", "on", "y", "t", "1"})
FALSE = frozenset({"false", "no", "off", "n", "f", "0", ""})


def _boolean(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ParameterError({key: ["Parameter is not an bool"]})


def _string_list(data: Mapping[str, Any], key: str) -> list[str]:
    """A list parameter: a JSON list in a string (GET) or a list (POST or repeated)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ParameterError({key: ["Not a list"]})
    return value


def _texts(data: Mapping[str, Any], key: str) -> list[str]:
    """A text parameter; given more than once (a repeated GET parameter), each of them."""
    value = data.get(key)
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


# --- Identifiers and addresses -----------------------------------------------------------


def municipality_uri() -> str:
    return f"{POLITICAL_GEOCODING}municipalityKey/{settings.OPENDATA_MUNICIPALITY_KEY}"


@functools.lru_cache(maxsize=4096)
def _name_based_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def organization_id(office: Office) -> str:
    """A stable UUID for an office: the same while its slug or name change, and
    different from every other city's offices (GovData harvests many cities)."""
    return _name_based_id(f"{municipality_uri()}/office/{office.pk}")


def group_id(theme: Theme) -> str:
    return _name_based_id(theme.uri)


def tag_id(name: str) -> str:
    return _name_based_id(f"{municipality_uri()}/tag/{name}")


def _path(route: str, args: Sequence[str], fallback: str) -> str:
    try:
        return reverse(route, args=args)
    except NoReverseMatch:
        return fallback


def dataset_path(dataset: Dataset) -> str:
    """The dataset page, which is also the dataset's IRI in the DCAT catalogue."""
    return _path("opendata:dataset_detail", [dataset.name], f"/daten/{dataset.name}/")


def download_path(dataset: Dataset, distribution: Distribution) -> str:
    identifier = str(distribution.identifier)
    return _path(
        "opendata:distribution_download",
        [dataset.name, identifier],
        f"/daten/{dataset.name}/dateien/{identifier}/",
    )


def _timestamp(moment: datetime | None) -> str | None:
    """CKAN's timestamps: UTC without an offset, as Python's isoformat writes them."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


@dataclass(frozen=True)
class Site:
    """What an action needs to know about the request: how to make an address absolute."""

    absolute_uri: Callable[[str], str]

    @property
    def url(self) -> str:
        return self.absolute_uri("/").rstrip("/")


# --- Dictization ----------------------------------------------------------------------------


def licence_id(value: str) -> str:
    """CKAN's license_id: the DCAT-AP.de licence URI (as GovData's CKAN has it)."""
    return Licence(value).uri


def licence_from_id(value: str) -> str:
    """A licence of the model from a license_id: its URI or its short form."""
    for licence in Licence:
        if value in (licence.value, licence.uri, licence.uri.replace("http:", "https:", 1)):
            return licence.value
    return value


def organization_dict(office: Office, *, package_count: int | None = None) -> JSON:
    result: JSON = {
        "id": organization_id(office),
        "name": office.slug,
        "title": office.name,
        "display_name": office.name,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(theme: Theme, *, package_count: int | None = None) -> JSON:
    result: JSON = {
        "id": group_id(theme),
        "name": theme.value.lower(),
        "title": str(theme.label),
        "display_name": str(theme.label),
        "type": "group",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def _package_group(theme: Theme) -> JSON:
    """A group as a package dict lists it (CKAN's shorter form)."""
    return {
        "id": group_id(theme),
        "name": theme.value.lower(),
        "title": str(theme.label),
        "display_name": str(theme.label),
        "description": "",
        "image_display_url": "",
    }


def tag_dict(name: str) -> JSON:
    return {
        "id": tag_id(name),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": None,
    }


def resource_dict(distribution: Distribution, dataset: Dataset, position: int, site: Site) -> JSON:
    if distribution.file:
        url = site.absolute_uri(download_path(dataset, distribution))
    else:
        url = distribution.access_url
    result: JSON = {
        "id": str(distribution.identifier),
        "package_id": str(dataset.identifier),
        "position": position,
        "name": distribution.title,
        "description": distribution.description,
        "url": url,
        "url_type": "upload" if distribution.file else None,
        # A link elsewhere is fetched and checked by nobody here.
        "external": distribution.is_external,
        "access_url": url,
        "format": distribution.format,
        "mimetype": distribution.media_type or None,
        "mimetype_inner": None,
        "size": distribution.byte_size,
        "hash": f"sha256:{distribution.checksum_sha256}" if distribution.checksum_sha256 else "",
        "license": licence_id(distribution.licence or dataset.licence),
        "created": _timestamp(distribution.created_at),
        "last_modified": _timestamp(distribution.modified_at),
        "metadata_modified": _timestamp(distribution.modified_at),
        "state": "active",
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
    }
    if distribution.file:
        result["download_url"] = url
    if distribution.table_schema:
        result["schema"] = distribution.table_schema
    if distribution.provenance:
        result["provenance"] = distribution.provenance
    return result


def _extras(dataset: Dataset, themes: list[Theme], site: Site) -> list[JSON]:
    """The DCAT-AP.de fields as GovData's CKAN (ckanext-dcatde and ckanext-dcat) keys them."""
    modified = dataset.modified_at or dataset.published_at
    values: dict[str, str | None] = {
        "uri": site.absolute_uri(dataset_path(dataset)),
        "identifier": str(dataset.identifier),
        "contributorID": json.dumps([settings.OPENDATA_CONTRIBUTOR_ID]),
        "politicalGeocodingURI": json.dumps([municipality_uri()]),
        "politicalGeocodingLevelURI": f"{POLITICAL_GEOCODING}Level/municipality",
        "geocodingText": json.dumps([dataset.spatial_note]) if dataset.spatial_note else None,
        "spatial_uri": municipality_uri(),
        "spatial_text": dataset.spatial_note or None,
        "theme": json.dumps([theme.uri for theme in themes]),
        "language": json.dumps([LANGUAGE_GERMAN]),
        "frequency": Frequency(dataset.frequency).uri,
        "issued": _timestamp(dataset.published_at),
        "modified": _timestamp(modified),
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "publisher_name": dataset.publisher.name,
        "publisher_email": dataset.publisher.email or None,
        "title_en": dataset.title_en or None,
        "notes_en": dataset.description_en or None,
    }
    return [
        {"key": key, "value": value} for key, value in sorted(values.items()) if value is not None
    ]


def package_dict(dataset: Dataset, site: Site) -> JSON:
    """A dataset as CKAN's package_show shows it.

    ``dataset`` comes with its publisher, themes, keywords and distributions loaded
    (``catalogue()`` does that), so a page of them costs no query per dataset.
    """
    themes = sorted((Theme(row.theme) for row in dataset.themes.all()), key=lambda t: t.value)
    keywords = sorted(keyword.name for keyword in dataset.keywords.all())
    distributions = sorted(dataset.distributions.all(), key=lambda d: d.pk)
    licence = Licence(dataset.licence)
    return {
        "id": str(dataset.identifier),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "url": site.absolute_uri(dataset_path(dataset)),
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "owner_org": organization_id(dataset.publisher),
        "organization": organization_dict(dataset.publisher),
        "license_id": licence.uri,
        "license_title": str(licence.label),
        "license_url": licence.uri,
        "author": None,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "version": None,
        "creator_user_id": None,
        "metadata_created": _timestamp(dataset.published_at),
        "metadata_modified": _timestamp(dataset.modified_at or dataset.published_at),
        "num_resources": len(distributions),
        "num_tags": len(keywords),
        "tags": [tag_dict(name) for name in keywords],
        "groups": [_package_group(theme) for theme in themes],
        "extras": _extras(dataset, themes, site),
        "resources": [
            resource_dict(distribution, dataset, position, site)
            for position, distribution in enumerate(distributions)
        ],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def catalogue() -> QuerySet[Dataset]:
    """The datasets the API shows, with what their package dicts need loaded."""
    return (
        Dataset.objects.in_catalogue()
        .select_related("publisher")
        .prefetch_related("themes", "keywords", public_distributions())
    )


# --- fq and fielded q: the part of Solr's query syntax clients send -------------------------

TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\()|(?P<close>\))
        |(?P<quoted>"(?:[^"\\]|\\.)*")
        |(?P<range>[\[{][^\]}]*[\]}])
        |(?P<word>(?:[^\s()"\\\[{]|\\.)+)
    )""",
    re.VERBOSE,
)
OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
# A query is a few clauses; these bounds keep a hostile one from exhausting the parser's
# recursion or the database's expression depth (Solr, too, limits its boolean clauses).
MAX_QUERY_TOKENS = 200
MAX_QUERY_DEPTH = 20
RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")
# Fields that always hold for what the API shows (CKAN adds some of them itself).
CONSTANT_FIELDS = {
    "state": "active",
    "capacity": "public",
    "dataset_type": "dataset",
    "type": "dataset",
    "private": "false",
    "site_id": "*",
}


QUERY_FIELDS = (
    *search.FILTERS,
    *CONSTANT_FIELDS,
    "text",
    "_text_",
    "title",
    "title_string",
    "notes",
    "owner_org",
    "metadata_modified",
    "metadata_created",
)
# A q that names one of the fields (tags:Parks) is a query; other text with a colon
# ("Entwurf: Spielplätze") is just text.
FIELDED = re.compile(rf"(?:^|[\s(+-])(?:{'|'.join(map(re.escape, QUERY_FIELDS))}):|^\*:\*$")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SearchEngineError(f"Cannot parse query at: {text[position:]}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def _moment(text: str, *, field: str) -> datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return timezone.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SearchEngineError(f"Invalid date in {field}: {text}") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def _range_condition(field: str, text: str) -> Q:
    match = RANGE.match(text)
    column = {"metadata_modified": "metadata_modified", "metadata_created": "published_at"}.get(
        field
    )
    if match is None or column is None:
        raise SearchEngineError(f"Unsupported range query: {field}:{text}")
    opening, low, high, closing = match.groups()
    condition = Q()
    start, end = _moment(low, field=field), _moment(high, field=field)
    if start is not None:
        condition &= Q(**{f"{column}__{'gte' if opening == '[' else 'gt'}": start})
    if end is not None:
        condition &= Q(**{f"{column}__{'lte' if closing == ']' else 'lt'}": end})
    return condition


def _owner_org_condition(value: str) -> Q:
    slugs = [office.slug for office in Office.objects.all() if organization_id(office) == value]
    return Q(publisher__slug__in=slugs or [value])


def _field_condition(field: str, value: str) -> Q:
    """One ``field:value`` of a query, as a condition on the catalogue's datasets."""
    if field in CONSTANT_FIELDS:
        expected = CONSTANT_FIELDS[field]
        return Q() if expected == "*" or value in ("*", expected) else Q(pk__in=[])
    if value == "*":
        return Q()
    if field in ("text", "_text_"):
        return search.text_condition(value)
    if field in ("title", "title_string"):
        return Q(title__icontains=value)
    if field == "notes":
        return Q(description__icontains=value)
    if field == "owner_org":
        return _owner_org_condition(value)
    if field == "license_id":
        return search.FILTERS["license_id"](licence_from_id(value))
    if field == "groups":
        return search.FILTERS["groups"](value)
    if field in search.FILTERS:
        return search.FILTERS[field](value)
    if field in ("metadata_modified", "metadata_created"):
        raise SearchEngineError(f"Use a range for {field}: {field}:[from TO to]")
    raise SearchEngineError(f"undefined field {field}")


class _QueryParser:
    """Solr's standard query syntax, as far as CKAN clients use it: ``field:value``,
    quoted values, ``field:(a OR b)``, ranges ``[a TO b]``, AND / OR / NOT, ``+`` and
    ``-`` prefixes, parentheses. Clauses without an operator must all hold, as CKAN's
    filters do; OR binds tighter than that. Words without a field search the text
    (``default_field``)."""

    def __init__(self, text: str, default_field: str) -> None:
        self.tokens = _tokens(text)
        if len(self.tokens) > MAX_QUERY_TOKENS:
            raise SearchEngineError(f"Too many clauses: at most {MAX_QUERY_TOKENS}")
        self.position = 0
        self.depth = 0
        self.default_field = default_field

    def parse(self) -> Q:
        if not self.tokens:
            return Q()
        condition = self._or(self.default_field)
        if self.position < len(self.tokens):
            raise SearchEngineError(f"Cannot parse query at: {self.tokens[self.position][1]}")
        return condition

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _operator(self) -> str | None:
        token = self._peek()
        if token and token[0] == "word" and token[1] in OPERATORS:
            return OPERATORS[token[1]]
        return None

    def _or(self, field: str) -> Q:
        """Clauses side by side (or joined by AND) must all hold; OR binds tighter, so
        ``organization:a OR organization:b metadata_modified:[… TO *]`` (what CKAN's
        harvester sends) reads as (a OR b) AND modified since."""
        condition = self._either(field)
        while True:
            token = self._peek()
            if token is None or token[0] == "close":
                return condition
            if self._operator() == "AND":
                self.position += 1
            condition &= self._either(field)

    def _either(self, field: str) -> Q:
        condition = self._unary(field)
        while self._operator() == "OR":
            self.position += 1
            condition |= self._unary(field)
        return condition

    def _unary(self, field: str) -> Q:
        self.depth += 1
        try:
            if self.depth > MAX_QUERY_DEPTH:
                raise SearchEngineError(f"Query nested too deeply: at most {MAX_QUERY_DEPTH}")
            return self._prefixed(field)
        finally:
            self.depth -= 1

    def _prefixed(self, field: str) -> Q:
        token = self._peek()
        if token is None:
            raise SearchEngineError("Query ends too early")
        if self._operator() == "NOT":
            self.position += 1
            return ~self._unary(field)
        kind, text = token
        if kind == "word" and text[0] in "+-" and len(text) > 1:
            self.tokens[self.position] = (kind, text[1:])
            inner = self._unary(field)
            return ~inner if text[0] == "-" else inner
        return self._atom(field)

    def _atom(self, field: str) -> Q:
        token = self._peek()
        if token is None:  # "title:" with nothing after it
            raise SearchEngineError("Query ends too early")
        kind, text = token
        self.position += 1
        if kind == "open":
            condition = self._or(field)
            if self._peek() != ("close", ")"):
                raise SearchEngineError("Missing closing parenthesis")
            self.position += 1
            return condition
        if kind == "close":
            raise SearchEngineError("Unexpected closing parenthesis")
        if kind == "quoted":
            return _field_condition(field, _unescape(text[1:-1]))
        if kind == "range":
            return _range_condition(field, text)
        if text == "*:*":
            return Q()
        name, colon, value = text.partition(":")
        if colon and name and not name.startswith("\\"):
            if value:
                return _field_condition(name, _unescape(value))
            # field:"quoted", field:(a OR b) or field:[a TO b] follows as its own token
            return self._atom(name)
        return _field_condition(field, _unescape(text))


def parse_query(text: str, *, default_field: str = "text") -> Q:
    """A condition for Solr-style query text (fq, or q when it names fields)."""
    return _QueryParser(text, default_field).parse()


# --- The actions -----------------------------------------------------------------------------

Action = Callable[[Site, Mapping[str, Any]], Any]


def _dataset(reference: str) -> Dataset:
    condition = Q(name=reference)
    if _is_uuid(reference):
        condition |= Q(identifier=reference)
    dataset = catalogue().filter(condition).first()
    if dataset is None:
        raise NotFoundError
    return dataset


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def site_read(site: Site, data: Mapping[str, Any]) -> bool:
    """Return ``True``."""
    return True


def package_list(site: Site, data: Mapping[str, Any]) -> list[str]:
    """Return the names of the catalogue's datasets, in alphabetical order.

    :param limit: at most this many (optional)
    :param offset: skip this many first (optional)
    """
    limit = _natural(data, "limit", None)
    offset = _natural(data, "offset", 0) or 0
    names = Dataset.objects.in_catalogue().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def package_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    reference = data.get("id") or _required(data, "name_or_id")
    return package_dict(_dataset(str(reference)), site)


def resource_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return one resource (a file or link of a dataset).

    :param id: the id of the resource
    """
    reference = _required(data, "id")
    if not _is_uuid(reference):
        raise NotFoundError
    dataset = catalogue().filter(distributions__identifier=reference).first()
    if dataset is None:
        raise NotFoundError
    for resource in package_dict(dataset, site)["resources"]:
        if resource["id"] == str(uuid.UUID(reference)):
            return dict(resource)
    raise NotFoundError("Resource was not found.")


FACET_LIMIT = search.FACET_LIMIT


def _facets_for(facets: dict[str, list[tuple[str, str, int]]], mincount: int) -> tuple[JSON, JSON]:
    """CKAN's two facet shapes: facets ({value: count}) and search_facets."""
    plain: JSON = {}
    structured: JSON = {}
    for field, rows in facets.items():
        items = []
        for value, label, count in rows:
            if count < mincount:
                continue
            name = licence_id(value) if field == "license_id" else value
            items.append({"name": name, "display_name": label, "count": count})
        plain[field] = {item["name"]: item["count"] for item in items}
        structured[field] = {"title": field, "items": items}
    return plain, structured


PACKAGE_SEARCH_PARAMETERS = frozenset(
    {
        "q",
        "fq",
        "fq_list",
        "rows",
        "start",
        "sort",
        "facet",
        "facet.field",
        "facet.limit",
        "facet.mincount",
        "fl",
        "include_private",
        "include_drafts",
        "include_deleted",
        "use_default_schema",
        "defType",
        "qf",
        "mm",
        "tie",
        "bf",
        "boost",
        "wt",
    }
)


def package_search(site: Site, data: Mapping[str, Any]) -> JSON:
    """Search the catalogue's datasets.

    :param q: the search text, or a query in Solr syntax naming fields
        (``tags:Parks``); default: every dataset
    :param fq: filters in Solr syntax on organization, groups, tags, res_format,
        license_id, name, id, metadata_modified ([from TO to]), combined with AND, OR,
        NOT and parentheses; clauses side by side must all hold
    :param sort: "score desc, metadata_modified desc" (default), "metadata_modified
        desc", "title_string asc", "name asc", "id asc", ...
    :param rows: how many datasets (default 10, at most 1000)
    :param start: skip this many first
    :param facet.field: a JSON list of fields to count values of
    :param facet.limit: values per facet (default 50, negative: all)
    """
    unknown = sorted(key for key in data if key not in PACKAGE_SEARCH_PARAMETERS)
    unknown = [key for key in unknown if not key.startswith("ext_")]
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    rows = min(_natural(data, "rows", DEFAULT_ROWS) or 0, MAX_ROWS)
    start = _natural(data, "start", 0) or 0
    facet_fields = _string_list(data, "facet.field") if _boolean(data, "facet", True) else []
    for field in facet_fields:
        if field not in search.FACETS:
            raise SearchEngineError(f"undefined field {field}")
    facet_limit = _integer(data, "facet.limit", FACET_LIMIT)
    mincount = _integer(data, "facet.mincount", 1)
    sort = str(data.get("sort") or "")
    if sort in ("", "rank"):
        sort = search.DEFAULT_SORT

    q = " ".join(_texts(data, "q")).strip()
    if q in ("*:*", '""', "''"):
        q = ""
    condition = Q()
    for text in [*_texts(data, "fq"), *_string_list(data, "fq_list")]:
        condition &= parse_query(text)
    if FIELDED.search(q):  # Solr's standard query syntax, as CKAN passes it on
        condition &= parse_query(q)
        q = ""
    try:
        result = search.search_datasets(
            q=q,
            sort=sort,
            start=start,
            rows=rows,
            facet_fields=facet_fields,
            facet_limit=facet_limit,
            condition=condition,
        )
    except search.SearchError:
        raise SearchQueryError('Invalid "sort" parameter') from None
    facets, search_facets = _facets_for(result.facets, mincount)
    results = [package_dict(dataset, site) for dataset in result.datasets]
    fields = _string_list(data, "fl")
    if len(fields) == 1 and not fields[0].startswith("["):
        fields = fields[0].replace(",", " ").split()
    if fields:
        results = [{key: package[key] for key in fields if key in package} for package in results]
    return {
        "count": result.count,
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
        "results": results,
    }


def current_package_list_with_resources(site: Site, data: Mapping[str, Any]) -> list[JSON]:
    """Return datasets with their resources, most recently modified first.

    :param limit: at most this many (default 10, at most 1000)
    :param offset: skip this many first
    :param page: instead of offset, which page of ``limit`` datasets (deprecated)
    """
    limit = min(_natural(data, "limit", DEFAULT_ROWS) or DEFAULT_ROWS, MAX_ROWS)
    offset = _natural(data, "offset", None)
    if offset is None:
        page = _natural(data, "page", None)
        offset = (page - 1) * limit if page else 0
    result = search.search_datasets(
        sort="metadata_modified desc", start=offset, rows=limit, facet_fields=()
    )
    return [package_dict(dataset, site) for dataset in result.datasets]


def _offices() -> dict[int, tuple[Office, int]]:
    """The offices that publish datasets, with how many each has in the catalogue."""
    counted = (
        Office.objects.filter(datasets__in=Dataset.objects.in_catalogue())
        .annotate(package_count=Count("datasets", distinct=True))
        .order_by("name")
    )
    return {office.pk: (office, office.package_count) for office in counted}


def _theme_counts() -> dict[Theme, int]:
    counted = (
        Dataset.objects.in_catalogue()
        .values("themes__theme")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    counts = {Theme(row["themes__theme"]): row["n"] for row in counted if row["themes__theme"]}
    return {theme: counts.get(theme, 0) for theme in Theme}


def _sorted_groups(
    entries: list[tuple[JSON, int]], data: Mapping[str, Any], *, default: str = "title"
) -> list[tuple[JSON, int]]:
    sort = str(data.get("sort") or data.get("order_by") or default).strip()
    if sort in ("packages", "package_count"):
        sort = "package_count desc"
    parts = sort.split()
    field = parts[0] if parts else default
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if field == "packages":
        field = "package_count"
    if field not in ("name", "title", "package_count") or direction not in ("asc", "desc"):
        raise ParameterError({"sort": [f"Cannot sort by field `{field}`"]})
    if field == "package_count":
        return sorted(entries, key=lambda entry: entry[1], reverse=direction == "desc")
    return sorted(
        entries, key=lambda entry: str(entry[0][field]).lower(), reverse=direction == "desc"
    )


def _group_listing(
    entries: list[tuple[JSON, int]], data: Mapping[str, Any], names_key: str
) -> list[Any]:
    wanted = set(_string_list(data, names_key))
    if wanted:
        entries = [entry for entry in entries if entry[0]["name"] in wanted]
    text = str(data.get("q") or "").strip().lower()
    if text:
        entries = [
            entry
            for entry in entries
            if text in entry[0]["name"].lower() or text in entry[0]["title"].lower()
        ]
    entries = _sorted_groups(entries, data)
    offset = _natural(data, "offset", 0) or 0
    limit = _natural(data, "limit", None)
    entries = entries[offset : offset + limit] if limit else entries[offset:]
    if _boolean(data, "all_fields", False):
        return [{**group, "package_count": count} for group, count in entries]
    return [group["name"] for group, _ in entries]


def organization_list(site: Site, data: Mapping[str, Any]) -> list[Any]:
    """Return the offices that publish datasets: their names, or dicts with all_fields.

    :param all_fields: dicts instead of names (default false)
    :param sort: "title asc" (default), "name", "package_count desc"
    :param organizations: only these names
    :param q: names or titles containing this text
    :param limit: at most this many
    :param offset: skip this many first
    """
    entries = [(organization_dict(office), count) for office, count in _offices().values()]
    return _group_listing(entries, data, "organizations")


def group_list(site: Site, data: Mapping[str, Any]) -> list[Any]:
    """Return the groups: the EU data themes, named by their lower-case code.

    :param all_fields: dicts instead of names (default false)
    :param sort: "title asc" (default), "name", "package_count desc"
    :param groups: only these names
    :param q: names or titles containing this text
    :param limit: at most this many
    :param offset: skip this many first
    """
    entries = [(group_dict(theme), count) for theme, count in _theme_counts().items()]
    return _group_listing(entries, data, "groups")


def _with_datasets(
    group: JSON, condition: str, count: int, data: Mapping[str, Any], site: Site
) -> JSON:
    result = dict(group, package_count=count, num_followers=0, users=[], tags=[], groups=[])
    if _boolean(data, "include_datasets", False):
        found = search.search_datasets(
            sort="name asc",
            rows=GROUP_DATASETS_LIMIT,
            facet_fields=(),
            condition=parse_query(condition),
        )
        result["packages"] = [package_dict(dataset, site) for dataset in found.datasets]
    return result


def organization_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return an office that publishes datasets.

    :param id: the id or name of the organization
    :param include_datasets: include its datasets, at most 1000 (default false)
    """
    reference = _required(data, "id")
    for office, count in _offices().values():
        if reference in (office.slug, organization_id(office)):
            group = organization_dict(office)
            extras = [{"key": "email", "value": office.email}] if office.email else []
            if _boolean(data, "include_extras", True):
                group["extras"] = extras
            return _with_datasets(group, f'organization:"{office.slug}"', count, data, site)
    raise NotFoundError


def group_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return a group: an EU data theme.

    :param id: the id or name (lower-case theme code) of the group
    :param include_datasets: include its datasets, at most 1000 (default false)
    """
    reference = _required(data, "id")
    for theme, count in _theme_counts().items():
        if reference.lower() == theme.value.lower() or reference == group_id(theme):
            group = group_dict(theme)
            if _boolean(data, "include_extras", True):
                group["extras"] = [{"key": "uri", "value": theme.uri}]
            return _with_datasets(group, f"groups:{theme.value.lower()}", count, data, site)
    raise NotFoundError


def tag_list(site: Site, data: Mapping[str, Any]) -> list[Any]:
    """Return the keywords of the catalogue's datasets, in alphabetical order.

    :param query: only tags whose names contain this text (optional)
    :param all_fields: tag dicts instead of names (default false)
    """
    names = Keyword.objects.filter(dataset__in=Dataset.objects.in_catalogue())
    text = str(data.get("query") or data.get("q") or "").strip()
    if text:
        names = names.filter(name__icontains=text)
    distinct = list(names.order_by("name").values_list("name", flat=True).distinct())
    if _boolean(data, "all_fields", False):
        return [
            {key: value for key, value in tag_dict(name).items() if key != "state"}
            for name in distinct
        ]
    return distinct


def status_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return facts about this site and the API it offers."""
    return {
        "site_title": settings.SITE_NAME,
        "site_description": "",
        "site_url": site.url,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": [],
    }


def help_show(site: Site, data: Mapping[str, Any]) -> str:
    """Return the help text of an action.

    :param name: the action's name
    """
    name = _required(data, "name")
    action = ACTIONS.get(name)
    if action is None:
        raise NotFoundError("Action function not found")
    return action.__doc__ or ""


ACTIONS: dict[str, Action] = {
    action.__name__: action
    for action in (
        site_read,
        package_list,
        package_show,
        package_search,
        current_package_list_with_resources,
        resource_show,
        organization_list,
        organization_show,
        group_list,
        group_show,
        tag_list,
        status_show,
        help_show,
    )
}


def run(name: str, data: Mapping[str, Any], site: Site) -> Any:
    """Call an action by name (KeyError if there is none)."""
    return ACTIONS[name](site, data)
