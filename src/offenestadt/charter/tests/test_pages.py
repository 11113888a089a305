"""The public charter pages: the version in force, its history, and what changed."""

from collections.abc import Callable

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.document import parse_charter
from offenestadt.charter.models import CharterVersion

ClientFor = Callable[[User | None], Client]


@pytest.mark.usefixtures("charter")
def test_the_charter_in_force_is_shown_with_its_history(client_for: ClientFor) -> None:
    page = client_for(None).get("/charta/").content.decode()
    assert "Diese Fassung gilt." in page
    assert "P5: Der analoge Weg wird nicht schlechter" in page
    assert "<td>28 Tage</td>" in page
    assert 'href="/charta/version/1/"' in page
    assert "?von=1&amp;zu=2" in page


@pytest.mark.usefixtures("charter")
def test_each_principle_names_the_checks_it_binds(client_for: ClientFor) -> None:
    page = " ".join(client_for(None).get("/charta/").content.decode().split())
    p5 = page[page.index('id="prinzip-P5"') : page.index('id="prinzip-P6"')]
    assert "<summary>Geprüft mit einer Prüfung</summary>" in p5
    assert '<a href="/charta/pruefungen/#pruefung-non-digital-channels-kept">Jeder nicht' in p5
    p1 = page[page.index('id="prinzip-P1"') : page.index('id="prinzip-P2"')]
    assert "<summary>Geprüft mit 12 Prüfungen</summary>" in p1


@pytest.mark.usefixtures("charter")
def test_the_english_page_shows_the_english_texts(client_for: ClientFor) -> None:
    page = client_for(None).get("/en/charta/").content.decode()
    assert "P5: The non-digital way does not get worse" in page
    assert "Der analoge Weg" not in page


@pytest.mark.usefixtures("charter")
def test_an_old_version_stays_readable_and_says_so(client_for: ClientFor) -> None:
    page = client_for(None).get("/charta/version/1/").content.decode()
    assert "Diese Fassung gilt nicht mehr oder noch nicht." in page
    assert "<td>14 Tage</td>" in page


@pytest.mark.usefixtures("charter")
def test_the_comparison_shows_each_changed_field(client_for: ClientFor) -> None:
    page = client_for(None).get("/charta/vergleich/?von=1&zu=2").content.decode()
    rows = " ".join(page.split())
    # Parameters by their names, dates as people write them.
    assert (
        "<td>Verfahren</td>"
        "<td>Parameter Mindestdauer der Veröffentlichung eines Vertrags vor der Beratung</td>"
    ) in rows
    assert "contract_min_public_days" not in rows
    assert "<del>14</del>" in rows and "<ins>28</ins>" in rows
    assert "<del>25. März 2021</del>" in rows
    assert "Prinzip P1" not in rows
    assert client_for(None).get("/charta/vergleich/?von=eins&zu=2").status_code == 404


@pytest.mark.usefixtures("charter")
def test_each_version_downloads_as_the_document_it_was_adopted_as(
    client_for: ClientFor,
) -> None:
    response = client_for(None).get("/charta/version/2/charta.toml")
    assert response["Content-Type"] == "application/toml"
    content = parse_charter(response.content.decode())
    assert content == CharterVersion.objects.get(number=2).content


def test_without_a_charter_the_page_says_so(client_for: ClientFor) -> None:
    response = client_for(None).get("/charta/")
    assert response.status_code == 404
    assert "Es ist noch keine Charta beschlossen." in response.content.decode()
