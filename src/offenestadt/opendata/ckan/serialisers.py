"""Datasets, offices, themes and keywords in CKAN's shapes: package, resource, organization,
group and tag dicts with the DCAT-AP.de fields in extras, and the identifiers they carry."""

import functools
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue.models import (
    Dataset,
    Distribution,
    Frequency,
    Licence,
    Theme,
    public_distributions,
)
from offenestadt.opendata.ckan.parameters import JSON

POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
LANGUAGE_GERMAN = "http://publications.europa.eu/resource/authority/language/DEU"


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


# Licences for content besides data (texts, images): CKAN's domain_content.
CONTENT_LICENCES = frozenset({Licence.CC_BY, Licence.CC_BY_SA, Licence.CC_ZERO})


def licence_dict(licence: Licence) -> JSON:
    """A licence as CKAN's license_list shows an entry of its licence register (GovData's
    lists the DCAT-AP.de licences by their URIs, which packages name in license_id)."""
    return {
        "id": licence.uri,
        "title": str(licence.label),
        "url": licence.uri,
        "status": "active",
        "family": "",
        "maintainer": "",
        "is_generic": False,
        "domain_content": licence in CONTENT_LICENCES,
        "domain_data": True,
        "domain_software": False,
        # Every licence of the catalogue is open (Open Definition); none is a software one.
        "od_conformance": "approved",
        "osd_conformance": "not reviewed",
        "is_okd_compliant": True,
        "is_osi_compliant": False,
    }


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
