"""Which datasets a catalogue page holds, and the addresses of the pages around it.

A harvest walks the catalogue by the ``hydra:next`` links. Each next link carries a keyset
cursor (``since``: the last dataset of the page just read, in the catalogue's fixed order by
creation), so a dataset withdrawn or published while a harvest runs cannot shift another
onto a page already fetched: each dataset still in the catalogue is read exactly once. The
numbered pages (``?page=N``, counted from the start) stay for links already handed out and
for the first and last page; a number past the last page is a 404, a cursor past the last
dataset an empty page (a harvest that follows a stale link ends rather than fails).
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from offenestadt.core.request_input import MAX_OFFSET, InputError, bounded_int
from offenestadt.opendata.catalogue.models import Dataset, public_distributions
from offenestadt.registry.models import Project


class Profile(StrEnum):
    """The DCAT-AP.de version a catalogue follows (see the module's docstring)."""

    V2 = "2.0"
    V3 = "3.0"


class CatalogueRequestError(ValueError):
    """A page request the catalogue cannot answer: a bad page number or date (HTTP 400)."""


class PageNotFoundError(LookupError):
    """A page after the last one (HTTP 404)."""


@dataclass(frozen=True)
class CatalogueQuery:
    """What a harvester asked for: a page (from 1) or the page after a dataset (``since``,
    its id, which wins over a page number), datasets changed since, a profile."""

    page: int = 1
    since: int | None = None
    modified_since: datetime | None = None
    profile: Profile = Profile.V2

    def params(self) -> dict[str, str]:
        """The query string of this page."""
        params = {"page": str(self.page)} if self.since is None else {"since": str(self.since)}
        if self.modified_since is not None:
            params["modified_since"] = self.modified_since.isoformat()
        if self.profile != Profile.V2:
            params["profile"] = self.profile.value
        return params

    def numbered(self, page: int) -> "CatalogueQuery":
        return replace(self, page=page, since=None)

    def after(self, dataset_id: int) -> "CatalogueQuery":
        return replace(self, page=1, since=dataset_id)


# A '+' of a time zone offset arrives as a space when the client did not encode it.
_UNENCODED_OFFSET = re.compile(r" (\d\d(:?\d\d)?)$")


def _parse_modified_since(value: str) -> datetime:
    value = _UNENCODED_OFFSET.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(value)
        day = None if moment is not None else parse_date(value)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise CatalogueRequestError(
            "modified_since must be an ISO 8601 date or date and time, for example "
            "2026-01-31 or 2026-01-31T12:00:00Z (encode '+' as %2B)."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_profile(params: Mapping[str, str]) -> Profile:
    """Read ``profile`` (the DCAT-AP.de version, 2.0 unless asked) from a query string."""
    try:
        return Profile(params.get("profile", Profile.V2.value).strip())
    except ValueError:
        choices = ", ".join(p.value for p in Profile)
        raise CatalogueRequestError(f"profile must be one of {choices}.") from None


def _whole_number(params: Mapping[str, str], name: str, default: str, minimum: int) -> int:
    raw = params.get(name, default).strip() or default
    try:
        return bounded_int(raw, name=name, minimum=minimum)
    except InputError:
        raise CatalogueRequestError(
            f"{name} must be a whole number from {minimum} to {MAX_OFFSET}."
        ) from None


def parse_query(params: Mapping[str, str]) -> CatalogueQuery:
    """Read ``page``, ``since``, ``modified_since`` and ``profile`` from a query string."""
    raw_since = params.get("modified_since", "").strip()
    return CatalogueQuery(
        page=_whole_number(params, "page", "1", 1),
        since=_whole_number(params, "since", "0", 0) if "since" in params else None,
        modified_since=_parse_modified_since(raw_since) if raw_since else None,
        profile=parse_profile(params),
    )


def page_size() -> int:
    return settings.OPENDATA_DCAT_PAGE_SIZE


def _last_change() -> Coalesce:
    """When a catalogue entry last changed (its publication, if nothing changed since)."""
    return Coalesce("modified_at", "published_at")


def catalogue_datasets() -> QuerySet[Dataset]:
    """The datasets of the catalogue in a fixed order, with what their RDF reads.

    Five queries whatever the number of datasets: the datasets with their offices,
    themes, keywords, distributions and published projects.
    """
    return (
        Dataset.objects.in_catalogue()
        .select_related("publisher")
        .prefetch_related(
            "themes",
            "keywords",
            public_distributions(),
            Prefetch(
                "projects",
                queryset=Project.objects.published().only("pk", "slug").order_by("pk"),
            ),
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class CataloguePage:
    query: CatalogueQuery
    size: int
    total: int
    datasets: list[Dataset]
    # When anything in the whole catalogue last changed (None: it is empty).
    modified: datetime | None
    next: CatalogueQuery | None = None
    previous: CatalogueQuery | None = None

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def ids(self) -> list[int]:
        return [dataset.pk for dataset in self.datasets]

    @property
    def links(self) -> dict[str, CatalogueQuery | None]:
        return {
            "first": self.query.numbered(1),
            "last": self.query.numbered(self.last),
            "next": self.next,
            "previous": self.previous,
        }


def _previous(
    query: CatalogueQuery, datasets: QuerySet[Dataset], size: int
) -> CatalogueQuery | None:
    """The page before one that starts after ``query.since``: the ``size`` datasets up to
    and including that one, so after the one before them (or the first page)."""
    if query.since is None:
        return query.numbered(query.page - 1) if query.page > 1 else None
    before = list(
        datasets.filter(pk__lte=query.since)
        .order_by("-pk")
        .values_list("pk", flat=True)[: size + 1]
    )
    if not before:
        return None
    return query.after(before[size]) if len(before) > size else query.numbered(1)


def _listed() -> QuerySet[Dataset]:
    """The catalogue's datasets with no more than their offices, for a page written from
    stored parts (fragments)."""
    return (
        Dataset.objects.in_catalogue()
        .select_related("publisher")
        .only("pk", "publisher__slug", "publisher__name", "publisher__email")
        .order_by("pk")
    )


def catalogue_page(
    query: CatalogueQuery, *, size: int | None = None, records: bool = True
) -> CataloguePage:
    """One page of the catalogue in at most seven queries; PageNotFoundError after the last
    numbered page.

    ``modified_since`` keeps the datasets changed at or after that moment (a change
    of a file counts: it touches its dataset). Without ``records`` the datasets come
    with their offices only (what a page from stored parts needs).
    """
    size = max(1, size or page_size())
    listed = (
        Q()
        if query.modified_since is None
        else Q(GreaterThanOrEqual(_last_change(), query.modified_since))
    )
    figures = Dataset.objects.in_catalogue().aggregate(
        total=Count("pk", filter=listed), modified=Max(_last_change())
    )
    page = CataloguePage(
        query=query, size=size, total=figures["total"], datasets=[], modified=figures["modified"]
    )
    datasets = (catalogue_datasets() if records else _listed()).filter(listed)
    if query.since is not None:
        rows = list(datasets.filter(pk__gt=query.since)[: size + 1])
    elif query.page > page.last:
        raise PageNotFoundError(
            f"There is no page {query.page}: the catalogue has {page.last} page(s) "
            f"of {size} datasets."
        )
    else:
        start = (query.page - 1) * size
        rows = list(datasets[start : start + size + 1])
    return replace(
        page,
        datasets=rows[:size],
        next=query.after(rows[size - 1].pk) if len(rows) > size else None,
        previous=_previous(query, datasets.prefetch_related(None), size),
    )
