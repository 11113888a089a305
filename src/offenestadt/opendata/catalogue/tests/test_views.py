"""The catalogue's pages: search with facets, dataset pages, downloads and the Atom feed."""

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.test.utils import CaptureQueriesContext

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.catalogue.tests.support import TREES, ClientFor, make_dataset, titles
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    """Each test its own files, so a file keeps the name it was uploaded with."""
    return temporary_storage


@pytest.fixture
def project(office: Office) -> Project:
    return ProjectFactory.create(office=office, title="Stadtgrün (Test)")


@pytest.fixture
def other_project(other_office: Office) -> Project:
    return ProjectFactory.create(office=other_office, title="Umweltmessnetz (Test)")


def _body(response: HttpResponseBase) -> bytes:
    # Reading to the end lets the test client close the file.
    assert isinstance(response, FileResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def _facet(response: HttpResponseBase, name: str) -> dict[str, int]:
    for facet in response.context["facets"]:  # type: ignore[attr-defined]
        if facet.field.name == name:
            return {value.value: value.count for value in facet.values}
    return {}


def _facet_link(response: HttpResponseBase, name: str, value: str) -> str:
    for facet in response.context["facets"]:  # type: ignore[attr-defined]
        if facet.field.name == name:
            for item in facet.values:
                if item.value == value:
                    return f"/daten/{item.toggle_url}"
    raise AssertionError(f"no facet value {name}={value}")


# --- The catalogue ---------------------------------------------------------------------


@pytest.fixture
def catalogue(
    editor: User, other_editor: User, project: Project, other_project: Project
) -> dict[str, Dataset]:
    return {
        "baeume": make_dataset(
            editor,
            project,
            name="baumkataster",
            title="Baumkataster der Parks",
            themes=("ENVI",),
            keywords=("Bäume", "Parks"),
        ),
        "wlan": make_dataset(
            editor,
            project,
            name="wlan-standorte",
            title="Standorte des offenen WLANs",
            description="Wo es in Stadtteilzentren offenes WLAN gibt.",
            themes=("TECH", "REGI"),
            keywords=("WLAN",),
            licence=Licence.DL_ZERO,
        ),
        "luft": make_dataset(
            other_editor,
            other_project,
            name="luftqualitaet",
            title="Luftqualität an Messstationen",
            themes=("ENVI", "HEAL"),
            keywords=("Parks", "Sensoren"),
            licence=Licence.CC_BY,
        ),
        "entwurf": make_dataset(
            editor, project, name="entwurf-parks", title="Entwurf Parks", publish=False
        ),
    }


def test_the_catalogue_lists_what_is_published_with_facet_counts(
    catalogue: dict[str, Dataset], client_for: ClientFor
) -> None:
    response = client_for(None).get("/daten/")

    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Baumkataster der Parks",
        "Luftqualität an Messstationen",
        "Standorte des offenen WLANs",
    ]
    assert response.context["count"] == 3
    assert _facet(response, "groups") == {"envi": 2, "tech": 1, "regi": 1, "heal": 1}
    assert _facet(response, "organization") == {"digitalisierung": 2, "umwelt": 1}
    assert _facet(response, "tags") == {"Parks": 2, "Bäume": 1, "Sensoren": 1, "WLAN": 1}
    assert _facet(response, "res_format") == {"CSV": 3}
    assert _facet(response, "license_id") == {
        "dl-by-de/2.0": 1,
        "dl-zero-de/2.0": 1,
        "cc-by/4.0": 1,
    }
    text = response.content.decode()
    # Each facet value is a link with its count; crawlers leave the combinations alone.
    assert re.search(r'<a href="\?groups=envi" rel="nofollow">Umwelt \(2\)</a>', text)
    assert "Entwurf Parks" not in text
    for address in (
        "/catalog.ttl",
        "/catalog.rdf",
        "/catalog.jsonld",
        "/api/3/action/package_search",
    ):
        assert f'href="{address}"' in text
    assert 'href="/daten/feed.atom"' in text


def test_facet_links_narrow_the_results_and_toggle_back(
    catalogue: dict[str, Dataset], client_for: ClientFor
) -> None:
    client = client_for(None)
    environment = client.get(_facet_link(client.get("/daten/"), "groups", "envi"))
    assert sorted(titles(environment)) == [
        "Baumkataster der Parks",
        "Luftqualität an Messstationen",
    ]
    # The counts now describe the narrowed results.
    assert _facet(environment, "organization") == {"digitalisierung": 1, "umwelt": 1}

    both = client.get(_facet_link(environment, "organization", "umwelt"))
    assert titles(both) == ["Luftqualität an Messstationen"]
    assert [(f.heading, f.label) for f in both.context["active_filters"]] == [
        ("Themen", "Umwelt"),
        ("Veröffentlichende Stelle", "Umweltamt"),
    ]

    # The chosen value's link takes the filter away again.
    again = client.get(_facet_link(both, "groups", "envi"))
    assert again.context["filters"] == {"organization": ["umwelt"]}
    assert titles(again) == ["Luftqualität an Messstationen"]

    # Two keywords must both hold, as in CKAN's fq.
    assert titles(client.get("/daten/?tags=Parks&tags=Sensoren")) == [
        "Luftqualität an Messstationen"
    ]
    assert client.get("/daten/?tags=Parks&tags=WLAN").context["count"] == 0
    assert titles(client.get("/daten/?license_id=dl-zero-de/2.0")) == [
        "Standorte des offenen WLANs"
    ]


def test_full_text_search_and_sorting(catalogue: dict[str, Dataset], client_for: ClientFor) -> None:
    client = client_for(None)
    assert titles(client.get("/daten/?q=WLAN")) == ["Standorte des offenen WLANs"]
    # Keywords are searched, too.
    assert titles(client.get("/daten/?q=Sensoren")) == ["Luftqualität an Messstationen"]
    assert client.get("/daten/?q=Raumfahrt").context["count"] == 0
    assert "Keine Datensätze gefunden." in client.get("/daten/?q=Raumfahrt").content.decode()

    assert titles(client.get("/daten/?sort=titel")) == [
        "Baumkataster der Parks",
        "Luftqualität an Messstationen",
        "Standorte des offenen WLANs",
    ]
    services.dataset_save(
        actor=User.objects.get(username="editor"),
        dataset=catalogue["baeume"],
        projects=list(catalogue["baeume"].projects.all()),
        themes=["ENVI"],
        keywords=["Bäume", "Parks", "Stadtgrün"],
    )
    assert titles(client.get("/daten/?sort=geaendert"))[0] == "Baumkataster der Parks"
    # A search keeps the chosen filters and order.
    text = client.get("/daten/?groups=envi&sort=titel").content.decode()
    assert '<input type="hidden" name="groups" value="envi">' in text
    assert '<input type="hidden" name="sort" value="titel">' in text


def test_the_catalogue_pages_its_results(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    for number in range(23):
        make_dataset(editor, project, name=f"messreihe-{number:02d}", content=None, publish=False)
        dataset = Dataset.objects.get(name=f"messreihe-{number:02d}")
        services.distribution_save(
            actor=editor,
            distribution=Distribution(
                dataset=dataset, title="Extern", access_url="https://example.org/d", format="JSON"
            ),
        )
        services.dataset_publish(actor=editor, dataset=dataset)
    client = client_for(None)
    first = client.get("/daten/?sort=titel")
    assert len(titles(first)) == 20
    assert 'href="?sort=titel&amp;seite=2"' in first.content.decode()
    second = client.get("/daten/?sort=titel&seite=2")
    assert titles(second) == ["Messreihe 20", "Messreihe 21", "Messreihe 22"]
    # A page past the end shows the last one.
    assert titles(client.get("/daten/?sort=titel&seite=9")) == titles(second)
    assert len(titles(client.get("/daten/?seite=kaputt"))) == 20


def test_staff_find_drafts_and_withdrawn_datasets_on_the_catalogue_page(
    catalogue: dict[str, Dataset], editor: User, client_for: ClientFor
) -> None:
    services.dataset_withdraw(actor=editor, dataset=catalogue["wlan"], reason="Veraltet.")
    staff = client_for(editor).get("/daten/")
    assert [d.name for d in staff.context["drafts"]] == ["entwurf-parks", "wlan-standorte"]
    assert client_for(None).get("/daten/").context["drafts"] == []


def test_the_catalogue_page_costs_a_bounded_number_of_queries(
    editor: User,
    project: Project,
    client_for: ClientFor,
    django_assert_max_num_queries: Callable[[int], CaptureQueriesContext],
) -> None:
    for number in range(20):
        make_dataset(
            editor,
            project,
            name=f"datensatz-{number:02d}",
            themes=("ENVI", "TECH"),
            keywords=(f"Wort {number}", "Stadt"),
        )
    client = client_for(None)
    assert len(titles(client.get("/daten/"))) == 20
    # One page of results with its relations, the count, and one query per facet.
    with django_assert_max_num_queries(10):
        client.get("/daten/?groups=envi&sort=titel")
    staff = client_for(editor)
    staff.get("/daten/")
    # The same, with session, account, second factor and the list of drafts, and the
    # count of tasks beside "Meine Aufgaben" (the charter in force, then all counts).
    with django_assert_max_num_queries(16):
        staff.get("/daten/")


# --- A dataset's page --------------------------------------------------------------------


def test_the_dataset_page_shows_the_description_preview_and_schema(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    rows = ["art,anzahl,gepflanzt"] + [f"Baum {n},{n},2020-01-{n + 1:02d}" for n in range(15)]
    rows[3] = '"<script>alert(1)</script>",2,2020-01-03'
    dataset = make_dataset(
        editor,
        project,
        name="baumkataster",
        title="Baumkataster",
        keywords=("Bäume",),
        content=("\n".join(rows) + "\n").encode(),
        licence=Licence.CC_BY,
    )
    response = client_for(None).get("/daten/baumkataster/")
    assert response.status_code == 200
    text = response.content.decode()

    assert "<h1>Baumkataster</h1>" in text
    assert "Grünflächenamt" in text and "mailto:gruen@example.org" in text
    assert 'href="http://dcat-ap.de/def/licenses/cc-by/4.0"' in text
    assert 'href="/daten/?tags=B%C3%A4ume"' in text
    assert project.get_absolute_url() in text
    distribution = dataset.distributions.get()
    assert f"/daten/baumkataster/dateien/{distribution.identifier}/" in text
    assert distribution.checksum_sha256 in text

    (shown,) = response.context["distributions"]
    assert shown.preview.header == ["art", "anzahl", "gepflanzt"]
    assert len(shown.preview.rows) == 10
    assert shown.preview.rows[0] == ["Baum 0", "0", "2020-01-01"]
    assert "Vorschau: die ersten 10 Zeilen" in text
    assert "<td>Baum 9</td>" in text and "<td>Baum 10</td>" not in text
    # Whatever the file holds is text on the page, never markup.
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    assert shown.schema_fields == [("art", "string"), ("anzahl", "integer"), ("gepflanzt", "date")]
    assert '<th scope="row">gepflanzt</th><td>date</td>' in text
    assert "gültig" in text


def test_the_dataset_page_lists_validation_errors(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    dataset = make_dataset(editor, project, name="zaehlung", publish=False)
    distribution = dataset.distributions.get()
    distribution.validation_report = {
        "valid": False,
        "error_count": 7,
        "errors": [
            {"row": n, "field": 2, "type": "type-error", "message": f"Fehler {n}"}
            for n in range(2, 9)
        ],
    }
    distribution.save()
    text = client_for(editor).get("/daten/zaehlung/").content.decode()
    assert "7 Fehler" in text
    assert "Zeile 2, Spalte 2: Fehler 2" in text
    assert "Fehler 6" in text and "Fehler 7" not in text


def test_the_preview_reads_only_the_head_of_a_large_file(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    rows = ["messung;wert"] + [f"{n};{'x' * 50}" for n in range(5000)]
    make_dataset(editor, project, name="gross", content=("\n".join(rows)).encode())
    response = client_for(None).get("/daten/gross/")
    (shown,) = response.context["distributions"]
    assert shown.preview.header == ["messung", "wert"]
    assert [row[0] for row in shown.preview.rows] == [str(n) for n in range(10)]
    assert shown.preview.truncated


def test_the_page_speaks_english_when_the_dataset_does(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    make_dataset(
        editor,
        project,
        name="wlan",
        title="Offenes WLAN",
        title_en="Public Wi-Fi",
        description="Wo es WLAN gibt.",
        description_en="Where there is Wi-Fi.",
    )
    make_dataset(editor, project, name="nur-deutsch", title="Nur auf Deutsch")
    client = client_for(None)
    english = client.get("/en/daten/wlan/").content.decode()
    assert "<h1>Public Wi-Fi</h1>" in english and "Where there is Wi-Fi." in english
    assert "<h1>Offenes WLAN</h1>" in client.get("/daten/wlan/").content.decode()
    assert sorted(titles(client.get("/en/daten/"))) == ["Nur auf Deutsch", "Public Wi-Fi"]


def test_a_draft_exists_only_for_the_administration(
    people: dict[str, User | None], editor: User, project: Project, client_for: ClientFor
) -> None:
    make_dataset(editor, project, name="entwurf")
    Dataset.objects.filter(name="entwurf").update(published_at=None)
    statuses = {
        role: client_for(user).get("/daten/entwurf/").status_code for role, user in people.items()
    }
    assert statuses == {
        "anonymous": 404,
        "resident": 404,
        "council": 404,
        "other_editor": 200,
        "dpo": 200,
        "editor": 200,
        "admin": 200,
    }
    assert "Entwurf – nur für die Verwaltung sichtbar" in (
        client_for(editor).get("/daten/entwurf/").content.decode()
    )


def test_a_withdrawn_dataset_leaves_the_search_but_its_page_says_why(
    catalogue: dict[str, Dataset], editor: User, client_for: ClientFor
) -> None:
    dataset = services.dataset_withdraw(
        actor=editor, dataset=catalogue["wlan"], reason="Die Standorte haben sich geändert."
    )
    client = client_for(None)
    assert "Standorte des offenen WLANs" not in titles(client.get("/daten/"))
    assert client.get("/daten/?q=WLAN").context["count"] == 0

    response = client.get("/daten/wlan-standorte/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Zurückgezogen am" in text
    assert "Grund: Die Standorte haben sich geändert." in text
    # Its files are no longer handed out, and not offered.
    distribution = dataset.distributions.get()
    download = f"/daten/wlan-standorte/dateien/{distribution.identifier}/"
    assert download not in text
    assert client.get(download).status_code == 404
    assert client_for(editor).get(download).status_code == 200


# --- Downloads --------------------------------------------------------------------------


def test_a_download_is_the_exact_file_with_its_media_type(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    dataset = make_dataset(editor, project, name="baumkataster", content=TREES)
    distribution = dataset.distributions.get()
    response = client_for(None).get(f"/daten/baumkataster/dateien/{distribution.identifier}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="baumkataster.csv"'
    assert response["ETag"] == f'"{distribution.checksum_sha256}"'
    assert _body(response) == TREES


def test_a_drafts_file_is_for_the_administration_only(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    dataset = make_dataset(editor, project, name="entwurf", publish=False)
    download = f"/daten/entwurf/dateien/{dataset.distributions.get().identifier}/"
    assert client_for(None).get(download).status_code == 404
    served = client_for(editor).get(download)
    assert served.status_code == 200
    assert "no-store" in served["Cache-Control"]
    assert _body(served) == TREES
    # An identifier of another dataset's file does not work under this one's name.
    other = make_dataset(editor, project, name="anderer")
    foreign = f"/daten/anderer/dateien/{dataset.distributions.get().identifier}/"
    assert client_for(editor).get(foreign).status_code == 404
    assert other.in_catalogue


def test_an_external_address_redirects(
    editor: User, project: Project, client_for: ClientFor
) -> None:
    dataset = make_dataset(editor, project, name="extern", content=None, publish=False)
    distribution = services.distribution_save(
        actor=editor,
        distribution=Distribution(
            dataset=dataset,
            title="Messwerte (API)",
            access_url="https://daten.example.org/messwerte.json",
            format="json",
        ),
    )
    services.dataset_publish(actor=editor, dataset=dataset)
    response = client_for(None).get(f"/daten/extern/dateien/{distribution.identifier}/")
    assert (response.status_code, response["Location"]) == (
        302,
        "https://daten.example.org/messwerte.json",
    )


# --- The Atom feed ----------------------------------------------------------------------


def test_the_feed_lists_published_datasets_newest_first(
    catalogue: dict[str, Dataset], editor: User, other_editor: User, client_for: ClientFor
) -> None:
    services.dataset_withdraw(
        actor=other_editor, dataset=catalogue["luft"], reason="Messnetz ersetzt."
    )
    services.dataset_save(
        actor=editor,
        dataset=catalogue["baeume"],
        projects=list(catalogue["baeume"].projects.all()),
        themes=["ENVI"],
        keywords=["Bäume"],
    )
    response = client_for(None).get("/daten/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")

    # Our own feed, from the test client: nothing untrusted to defuse.
    feed = ElementTree.fromstring(response.content)  # noqa: S314
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Baumkataster der Parks",
        "Standorte des offenen WLANs",
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == f"urn:uuid:{catalogue['baeume'].identifier}"
    link = first.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == "http://testserver/daten/baumkataster/"
    assert first.findtext(f"{ATOM}updated")
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {
        "Umwelt",
        "Bäume",
    }
