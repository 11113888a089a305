"""Catalogue pages from each dataset's stored part (see models.CatalogueFragment).

Writing a dataset's triples (some fifty) and their text costs more than reading them: a
page of 100 datasets took ~75 ms of it. So each dataset's part is written once per format
and profile and stored with a fingerprint of what it was written from; a page reads the
datasets as before (the fingerprint needs them), takes the parts whose fingerprint still
matches, writes the others and stores them. The fingerprint covers every field the part
shows of the dataset and of its files, themes, keywords, office and published projects, so
publishing, editing, withdrawing, a file's change or an office's new name is never served
stale, whether it came through the services or an update in bulk.
"""

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Model

from offenestadt.accounts.models import Office
from offenestadt.opendata.catalogue.models import (
    Dataset,
    DatasetTheme,
    Distribution,
    Keyword,
)
from offenestadt.opendata.dcat import graph as dcat
from offenestadt.opendata.dcat import writers
from offenestadt.opendata.dcat.models import CatalogueFragment
from offenestadt.opendata.dcat.pages import CataloguePage, Profile, catalogue_datasets
from offenestadt.registry.models import Project

# Addresses of this site in a stored part: replaced by the request's root when served
# (a reserved name, RFC 2606, that no dataset links to).
ROOT = "https://site-root.invalid"
# The code that writes the parts: a new release writes them anew.
_CODE = hashlib.blake2b(
    b"".join(Path(module.__file__ or "").read_bytes() for module in (dcat, writers)),
    digest_size=8,
).hexdigest()


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def variant(rdf_format: dcat.RdfFormat, profile: Profile) -> str:
    """What a part depends on beside its dataset: format, profile, code, settings, paths."""
    return _digest(
        (
            rdf_format.rdflib_format,
            profile.value,
            _CODE,
            str(settings.OPERATOR_NAME),
            settings.OPENDATA_CONTRIBUTOR_ID,
            settings.OPENDATA_MUNICIPALITY_KEY,
            settings.LANGUAGE_CODE,
            dcat.catalogue_path(),
            dcat.dataset_path(Dataset(name="x")),
        )
    )


def _columns(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _by_dataset(rows: Any) -> dict[int, list[tuple[Any, ...]]]:
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for dataset_id, *rest in rows:
        grouped.setdefault(dataset_id, []).append(tuple(rest))
    return {key: sorted(values, key=repr) for key, values in grouped.items()}


def fingerprints(ids: list[int]) -> dict[int, str]:
    """For each dataset, a hash of everything its part reads: its fields and those of its
    office, public files, themes, keywords and published projects. Read as plain rows (six
    queries), which costs a fraction of loading the records."""
    datasets = {
        row[0]: row for row in Dataset.objects.filter(pk__in=ids).values_list(*_columns(Dataset))
    }
    publishers = {dataset[_columns(Dataset).index("publisher_id")] for dataset in datasets.values()}
    offices = {
        row[0]: row
        for row in Office.objects.filter(pk__in=publishers).values_list(*_columns(Office))
    }
    themes = _by_dataset(
        DatasetTheme.objects.filter(dataset__in=ids).values_list("dataset_id", "theme")
    )
    keywords = _by_dataset(
        Keyword.objects.filter(dataset__in=ids).values_list("dataset_id", "name")
    )
    files = Distribution.objects.public().filter(dataset__in=ids)
    columns = [c for c in _columns(Distribution) if c != "dataset_id"]
    distributions = _by_dataset(files.values_list("dataset_id", *columns))
    links = Dataset.projects.through.objects.filter(
        dataset__in=ids, project__in=Project.objects.published()
    )
    projects = _by_dataset(links.values_list("dataset_id", "project__slug"))
    office_at = _columns(Dataset).index("publisher_id")
    return {
        pk: _digest(
            (
                row,
                offices.get(row[office_at]),
                themes.get(pk),
                keywords.get(pk),
                distributions.get(pk),
                projects.get(pk),
            )
        )
        for pk, row in datasets.items()
    }


def _parts(ids: list[int], rdf_format: dcat.RdfFormat, profile: Profile) -> list[str]:
    """The parts of these datasets, in their order: as stored while they match, else
    written from the records (loaded for that) and stored."""
    kind = dcat.KINDS[rdf_format.rdflib_format]
    name = variant(rdf_format, profile)
    current = fingerprints(ids)
    stored = {
        fragment.dataset_id: fragment
        for fragment in CatalogueFragment.objects.filter(variant=name, dataset__in=ids).only(
            "dataset_id", "fingerprint", "body"
        )
    }
    stale = [pk for pk in ids if pk not in stored or stored[pk].fingerprint != current.get(pk)]
    if stale:
        written = [
            CatalogueFragment(
                dataset=dataset,
                variant=name,
                fingerprint=current[dataset.pk],
                body=writers.body(
                    kind,
                    dcat.dataset_part_triples(
                        dataset, absolute_uri=lambda path: ROOT + path, profile=profile
                    ),
                    dcat.PREFIXES,
                ),
            )
            for dataset in catalogue_datasets().filter(pk__in=stale)
        ]
        stored.update({fragment.dataset_id: fragment for fragment in written})
        _store(written)
    return [stored[pk].body for pk in ids if pk in stored]


def _store(fragments: list[CatalogueFragment]) -> None:
    """Keep the parts for the next page; a page is served all the same if that fails."""
    try:
        with transaction.atomic():
            # unaudited: a stored rendering of audited records, written anew when they change
            CatalogueFragment.objects.bulk_create(
                fragments,
                update_conflicts=True,
                unique_fields=["dataset", "variant"],
                update_fields=["fingerprint", "body"],
            )
    except DatabaseError:
        pass


def catalogue_document(
    page: CataloguePage,
    rdf_format: dcat.RdfFormat,
    *,
    root: str,
    page_link: dcat.PageLink,
) -> bytes:
    """The page in a format: its frame written now, its datasets' parts as stored.

    ``root`` is this site's address without a trailing slash (``https://example.org``).
    """

    def absolute_uri(path: str) -> str:
        return root + path

    kind = dcat.KINDS[rdf_format.rdflib_format]
    frame = dcat.page_frame_triples(page, absolute_uri=absolute_uri, page_link=page_link)
    parts = [part.replace(ROOT, root) for part in _parts(page.ids, rdf_format, page.query.profile)]
    return writers.document(kind, [writers.body(kind, frame, dcat.PREFIXES), *parts], dcat.PREFIXES)
