"""The catalogue through the CKAN Action API (v3): the read-only actions harvesters call.

Each action takes the request's parameters (a dict, as CKAN hands them over) and returns
what CKAN's action of the same name returns, in CKAN's shapes: package dicts with
resources, tags, groups (the EU data themes, named by their lower-case code, as GovData
names them) and extras carrying the DCAT-AP.de fields. Only the catalogue is visible:
drafts and withdrawn datasets do not exist here. Errors are raised as ``ActionError``;
the HTTP layer (ckan.views) wraps results and errors in CKAN's envelope.
"""

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue import search
from offenestadt.opendata.catalogue.models import Dataset, Keyword, Licence, Theme
from offenestadt.opendata.ckan.parameters import (
    JSON,
    NotFoundError,
    ParameterError,
    SearchEngineError,
    SearchQueryError,
    boolean,
    integer,
    natural,
    required,
    string_list,
    texts,
)
from offenestadt.opendata.ckan.query import FIELDED, parse_query
from offenestadt.opendata.ckan.serialisers import (
    Site,
    catalogue,
    group_dict,
    group_id,
    licence_dict,
    licence_id,
    organization_dict,
    organization_id,
    package_dict,
    tag_dict,
)

# The CKAN release whose Action API these answers follow.
CKAN_VERSION = "2.10.0"
MAX_ROWS = 1000  # CKAN's ckan.search.rows_max
DEFAULT_ROWS = 10
GROUP_DATASETS_LIMIT = 1000  # organization_show/group_show list at most this many


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
    limit = natural(data, "limit", None)
    offset = natural(data, "offset", 0) or 0
    names = Dataset.objects.in_catalogue().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def package_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    reference = data.get("id") or required(data, "name_or_id")
    return package_dict(_dataset(str(reference)), site)


def resource_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return one resource (a file or link of a dataset).

    :param id: the id of the resource
    """
    reference = required(data, "id")
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
    rows = min(natural(data, "rows", DEFAULT_ROWS) or 0, MAX_ROWS)
    start = natural(data, "start", 0) or 0
    facet_fields = string_list(data, "facet.field") if boolean(data, "facet", True) else []
    for field in facet_fields:
        if field not in search.FACETS:
            raise SearchEngineError(f"undefined field {field}")
    facet_limit = integer(data, "facet.limit", FACET_LIMIT)
    mincount = integer(data, "facet.mincount", 1)
    sort = str(data.get("sort") or "")
    if sort in ("", "rank"):
        sort = search.DEFAULT_SORT

    q = " ".join(texts(data, "q")).strip()
    if q in ("*:*", '""', "''"):
        q = ""
    condition = Q()
    for text in [*texts(data, "fq"), *string_list(data, "fq_list")]:
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
    fields = string_list(data, "fl")
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
    limit = min(natural(data, "limit", DEFAULT_ROWS) or DEFAULT_ROWS, MAX_ROWS)
    offset = natural(data, "offset", None)
    if offset is None:
        page = natural(data, "page", None)
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
    wanted = set(string_list(data, names_key))
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
    offset = natural(data, "offset", 0) or 0
    limit = natural(data, "limit", None)
    entries = entries[offset : offset + limit] if limit else entries[offset:]
    if boolean(data, "all_fields", False):
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
    if boolean(data, "include_datasets", False):
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
    reference = required(data, "id")
    for office, count in _offices().values():
        if reference in (office.slug, organization_id(office)):
            group = organization_dict(office)
            extras = [{"key": "email", "value": office.email}] if office.email else []
            if boolean(data, "include_extras", True):
                group["extras"] = extras
            return _with_datasets(group, f'organization:"{office.slug}"', count, data, site)
    raise NotFoundError


def _theme(reference: str) -> tuple[Theme, int]:
    """A group by its id or name (lower-case theme code), with its number of datasets."""
    for theme, count in _theme_counts().items():
        if reference.lower() == theme.value.lower() or reference == group_id(theme):
            return theme, count
    raise NotFoundError


def group_show(site: Site, data: Mapping[str, Any]) -> JSON:
    """Return a group: an EU data theme.

    :param id: the id or name (lower-case theme code) of the group
    :param include_datasets: include its datasets, at most 1000 (default false)
    """
    theme, count = _theme(required(data, "id"))
    group = group_dict(theme)
    if boolean(data, "include_extras", True):
        group["extras"] = [{"key": "uri", "value": theme.uri}]
    return _with_datasets(group, f"groups:{theme.value.lower()}", count, data, site)


def group_package_show(site: Site, data: Mapping[str, Any]) -> list[JSON]:
    """Return the datasets (packages) of a group, most recently modified first.

    :param id: the id or name (lower-case theme code) of the group
    :param limit: the maximum number of datasets to return (default 10, at most 1000)
    """
    theme, _count = _theme(required(data, "id"))
    limit = natural(data, "limit", None)
    found = search.search_datasets(
        sort="metadata_modified desc",
        rows=min(limit or DEFAULT_ROWS, MAX_ROWS),
        facet_fields=(),
        condition=parse_query(f"groups:{theme.value.lower()}"),
    )
    return [package_dict(dataset, site) for dataset in found.datasets]


def license_list(site: Site, data: Mapping[str, Any]) -> list[JSON]:
    """Return the licences the catalogue's datasets may have."""
    return [licence_dict(licence) for licence in Licence]


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
    if boolean(data, "all_fields", False):
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
    name = required(data, "name")
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
        group_package_show,
        license_list,
        tag_list,
        status_show,
        help_show,
    )
}


def run(name: str, data: Mapping[str, Any], site: Site) -> Any:
    """Call an action by name (KeyError if there is none)."""
    return ACTIONS[name](site, data)
