"""Catalogue search: full text, each filter field, sort orders, paging and facet counts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.catalogue.search import (
    FACET_FIELDS,
    FACETS,
    SearchError,
    SearchResult,
    search_datasets,
)
from offenestadt.opendata.tests.pipeline_support import check_files

CSV = b"art,anzahl\nLinde,12\nEiche,7\n"


def make_dataset(
    actor: User,
    *,
    name: str,
    title: str,
    publisher: Office,
    themes: list[str],
    keywords: list[str],
    licence: str = Licence.DL_BY,
    description: str = "Daten der Stadt.",
    files: tuple[str, ...] = ("CSV",),
    publish: bool = True,
) -> Dataset:
    """A dataset through the services, with one distribution per format in ``files``
    (CSV as an uploaded file, others as external addresses)."""
    dataset = Dataset(
        name=name,
        title=title,
        description=description,
        publisher=publisher,
        contact_name=publisher.name,
        contact_email="amt@example.org",
        licence=licence,
    )
    services.dataset_save(
        actor=actor, dataset=dataset, projects=[], themes=themes, keywords=keywords
    )
    for number, file_format in enumerate(files):
        distribution = Distribution(dataset=dataset, title=f"{title} ({file_format})")
        if file_format == "CSV":
            distribution.format = "CSV"
            upload = SimpleUploadedFile(f"{name}-{number}.csv", CSV, content_type="text/csv")
            services.distribution_save(actor=actor, distribution=distribution, upload=upload)
        else:
            distribution.format = file_format
            distribution.access_url = f"https://example.org/{name}/{number}.{file_format.lower()}"
            services.distribution_save(actor=actor, distribution=distribution)
    check_files()
    if publish:
        services.dataset_publish(actor=actor, dataset=dataset)
    return dataset


def make_catalogue(actor: User, office: Office, other_office: Office) -> dict[str, Dataset]:
    """Three datasets in the catalogue, a draft and a withdrawn one."""
    datasets = {
        "baeume": make_dataset(
            actor,
            name="baumkataster",
            title="Baumkataster der Parks",
            description="Alle Bäume in städtischen Parks mit Art und Pflanzjahr.",
            publisher=other_office,
            themes=["ENVI"],
            keywords=["Bäume", "Parks"],
        ),
        "luft": make_dataset(
            actor,
            name="luftqualitaet",
            title="Luftqualität an Messstationen",
            description="Stündliche Messwerte von Stickstoffdioxid und Feinstaub.",
            publisher=other_office,
            themes=["ENVI", "HEAL"],
            keywords=["Luft", "Sensoren"],
            licence=Licence.CC_BY,
            files=("CSV", "JSON"),
        ),
        "wlan": make_dataset(
            actor,
            name="wlan-punkte",
            title="Standorte des offenen WLANs",
            description="Zugangspunkte in Stadtteilzentren und Parks.",
            publisher=office,
            themes=["TECH"],
            keywords=["WLAN", "Sensoren"],
            licence=Licence.DL_ZERO,
            files=("JSON",),
        ),
        "draft": make_dataset(
            actor,
            name="entwurf-parks",
            title="Entwurf: Spielplätze in Parks",
            publisher=other_office,
            themes=["ENVI"],
            keywords=["Parks"],
            publish=False,
        ),
        "withdrawn": make_dataset(
            actor,
            name="alte-parks",
            title="Alte Parkflächen",
            description="Parks, wie sie früher gezählt wurden.",
            publisher=other_office,
            themes=["ENVI"],
            keywords=["Parks"],
        ),
    }
    services.dataset_withdraw(actor=actor, dataset=datasets["withdrawn"], reason="Veraltet.")
    # Distinct modification times, oldest first: Bäume, Luft, WLAN.
    now = timezone.now()
    for age, key in enumerate(("wlan", "luft", "baeume")):
        Dataset.objects.filter(pk=datasets[key].pk).update(modified_at=now - timedelta(days=age))
    return datasets


@pytest.fixture
def catalogue(administrator: User, office: Office, other_office: Office) -> dict[str, Dataset]:
    return make_catalogue(administrator, office, other_office)


def names(result: SearchResult) -> list[str]:
    return [dataset.name for dataset in result.datasets]


def test_only_the_catalogue_is_searched(catalogue: dict[str, Dataset]) -> None:
    result = search_datasets(sort="name asc")
    assert result.count == 3
    assert names(result) == ["baumkataster", "luftqualitaet", "wlan-punkte"]
    assert "entwurf-parks" not in names(search_datasets(q="Parks", rows=100))
    assert "alte-parks" not in names(search_datasets(q="Parks", rows=100))


def test_text_search_reads_title_description_and_keywords(
    catalogue: dict[str, Dataset],
) -> None:
    assert names(search_datasets(q="Baumkataster")) == ["baumkataster"]
    assert names(search_datasets(q="Feinstaub")) == ["luftqualitaet"]
    assert set(names(search_datasets(q="Sensoren"))) == {"luftqualitaet", "wlan-punkte"}
    # "Parks" is a keyword of one and in the description of the other.
    assert set(names(search_datasets(q="Parks"))) == {"baumkataster", "wlan-punkte"}
    assert names(search_datasets(q="Parks Bäume")) == ["baumkataster"]
    assert search_datasets(q="Haushaltsplan").count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="German stemming on PostgreSQL")
def test_postgres_search_stems_german_and_ranks_titles_first(
    catalogue: dict[str, Dataset],
) -> None:
    # "Messstation" finds "Messstationen"; a title hit outranks a description hit.
    assert names(search_datasets(q="Messstation")) == ["luftqualitaet"]
    assert names(search_datasets(q="Parks", sort="score desc"))[0] == "baumkataster"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"organization": ["umwelt"]}, {"baumkataster", "luftqualitaet"}),
        ({"organization": ["digitalisierung"]}, {"wlan-punkte"}),
        ({"groups": ["envi"]}, {"baumkataster", "luftqualitaet"}),
        ({"groups": ["heal"]}, {"luftqualitaet"}),
        ({"groups": ["envi", "heal"]}, {"luftqualitaet"}),
        ({"tags": ["Sensoren"]}, {"luftqualitaet", "wlan-punkte"}),
        ({"tags": ["Sensoren", "Luft"]}, {"luftqualitaet"}),
        ({"license_id": ["cc-by/4.0"]}, {"luftqualitaet"}),
        ({"res_format": ["JSON"]}, {"luftqualitaet", "wlan-punkte"}),
        ({"res_format": ["csv"]}, {"baumkataster", "luftqualitaet"}),
        ({"organization": ["umwelt"], "res_format": ["JSON"]}, {"luftqualitaet"}),
        ({"name": ["wlan-punkte"]}, {"wlan-punkte"}),
        ({"tags": ["Parks"], "organization": ["digitalisierung"]}, set()),
    ],
)
def test_filters(
    catalogue: dict[str, Dataset], filters: dict[str, list[str]], expected: set[str]
) -> None:
    result = search_datasets(filters=filters, rows=100)
    assert set(names(result)) == expected
    assert result.count == len(expected)


def test_filter_by_id(catalogue: dict[str, Dataset]) -> None:
    identifier = str(catalogue["luft"].identifier)
    assert names(search_datasets(filters={"id": [identifier]})) == ["luftqualitaet"]
    assert search_datasets(filters={"id": ["not-a-uuid"]}).count == 0


def test_unknown_fields_and_sorts_are_errors(catalogue: dict[str, Dataset]) -> None:
    with pytest.raises(SearchError):
        search_datasets(filters={"colour": ["blue"]})
    with pytest.raises(SearchError):
        search_datasets(sort="colour asc")
    with pytest.raises(SearchError):
        search_datasets(sort="name sideways")
    with pytest.raises(SearchError):
        search_datasets(facet_fields=["colour"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
        ("name desc", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
        ("title_string asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
        ("metadata_modified desc", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
        ("metadata_modified asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
        ("", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
        ("score desc, name asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
    ],
)
def test_sort(catalogue: dict[str, Dataset], sort: str, expected: list[str]) -> None:
    assert names(search_datasets(sort=sort)) == expected


def test_paging(catalogue: dict[str, Dataset]) -> None:
    pages = [names(search_datasets(sort="name asc", start=s, rows=2)) for s in (0, 2, 4)]
    assert pages == [["baumkataster", "luftqualitaet"], ["wlan-punkte"], []]
    result = search_datasets(start=1, rows=0)
    assert (result.count, result.datasets) == (3, [])


def test_modified_since(catalogue: dict[str, Dataset]) -> None:
    since = timezone.now() - timedelta(hours=36)
    assert set(names(search_datasets(modified_since=since))) == {
        "wlan-punkte",
        "luftqualitaet",
    }


def test_facets_count_the_matching_datasets(catalogue: dict[str, Dataset]) -> None:
    facets = search_datasets().facets
    assert facets["organization"] == [
        ("umwelt", "Umweltamt", 2),
        ("digitalisierung", "Stabsstelle Digitalisierung", 1),
    ]
    assert facets["groups"] == [
        ("envi", "Umwelt", 2),
        ("heal", "Gesundheit", 1),
        ("tech", "Wissenschaft und Technologie", 1),
    ]
    assert facets["tags"] == [
        ("Sensoren", "Sensoren", 2),
        ("Bäume", "Bäume", 1),
        ("Luft", "Luft", 1),
        ("Parks", "Parks", 1),
        ("WLAN", "WLAN", 1),
    ]
    assert [(v, n) for v, _, n in facets["license_id"]] == [
        ("cc-by/4.0", 1),
        ("dl-by-de/2.0", 1),
        ("dl-zero-de/2.0", 1),
    ]
    # Luftqualität has two files but counts once per format.
    assert facets["res_format"] == [("CSV", "CSV", 2), ("JSON", "JSON", 2)]


def test_facets_follow_the_filters_and_limit(catalogue: dict[str, Dataset]) -> None:
    result = search_datasets(
        filters={"organization": ["umwelt"]}, facet_fields=["tags"], facet_limit=2
    )
    assert result.facets == {"tags": [("Bäume", "Bäume", 1), ("Luft", "Luft", 1)]}
    assert len(search_datasets(facet_fields=["tags"], facet_limit=-1).facets["tags"]) == 5
    assert search_datasets(facet_fields=[]).facets == {}


def test_facets_follow_changed_keywords_themes_files_and_withdrawals(
    administrator: User, catalogue: dict[str, Dataset]
) -> None:
    wlan, luft = catalogue["wlan"], catalogue["luft"]
    services.dataset_save(
        actor=administrator,
        dataset=wlan,
        projects=[],
        themes=["TECH", "ENVI"],
        keywords=["WLAN", "Funk"],
    )
    geojson = Distribution(
        dataset=wlan,
        title="Standorte (GeoJSON)",
        format="GEOJSON",
        access_url="https://example.org/wlan.geojson",
    )
    services.distribution_save(actor=administrator, distribution=geojson)
    services.distribution_delete(
        actor=administrator, distribution=wlan.distributions.get(format="JSON")
    )
    json_file = luft.distributions.get(format="JSON")
    json_file.format = "XML"
    services.distribution_save(actor=administrator, distribution=json_file)
    services.dataset_withdraw(actor=administrator, dataset=catalogue["baeume"], reason="Alt.")
    facets = search_datasets().facets
    assert facets["tags"] == [
        ("Funk", "Funk", 1),
        ("Luft", "Luft", 1),
        ("Sensoren", "Sensoren", 1),
        ("WLAN", "WLAN", 1),
    ]
    assert [(v, n) for v, _, n in facets["groups"]] == [("envi", 2), ("heal", 1), ("tech", 1)]
    assert facets["res_format"] == [("CSV", "CSV", 1), ("GEOJSON", "GEOJSON", 1), ("XML", "XML", 1)]
    ids = Dataset.objects.in_catalogue().values("pk")
    assert facets == {name: FACETS[name](ids) for name in FACET_FIELDS}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one query on PostgreSQL only")
@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"q": "Bäume"},
        {"filters": {"groups": ["envi"]}},
        {"q": "Luft", "filters": {"tags": ["Luft"]}},
    ],
)
def test_the_one_query_counts_as_a_query_per_facet_does(catalogue, arguments) -> None:
    found = search_datasets(**arguments, facet_limit=-1)
    matching = Dataset.objects.in_catalogue().filter(
        pk__in=[d.pk for d in search_datasets(**arguments, rows=1000).datasets]
    )
    ids = matching.order_by().values("pk")
    assert found.count == matching.count()
    assert found.facets == {name: FACETS[name](ids) for name in FACET_FIELDS}


def test_results_come_prefetched(
    catalogue: dict[str, Dataset], django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        result = search_datasets(q="Parks", rows=100)
        for dataset in result.datasets:
            _ = dataset.publisher.name
            _ = [t.theme for t in dataset.themes.all()]
            _ = [k.name for k in dataset.keywords.all()]
            _ = [d.format for d in dataset.distributions.all()]


@pytest.mark.django_db
def test_postgresql_searches_the_catalogue_through_its_indexes() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the full-text indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"dataset_search", "keyword_search"} <= names
