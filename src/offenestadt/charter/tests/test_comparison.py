"""Comparing two versions shows how the charter is built differently: principles added,
removed, renamed (under their id or, continued, under a new one) and merged, checks bound to
other principles, newly bound or no longer bound; besides every changed field."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.document import write_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_load
from offenestadt.charter.tests.test_bindings import _format_1_content

ClientFor = Callable[[User | None], Client]
Content = dict[str, Any]


def _amend(change: Callable[[Content], None]) -> CharterVersion:
    """Load the next version: the newest with ``change`` made to its content."""
    base = CharterVersion.objects.order_by("-number")[0]
    content = copy.deepcopy(base.document)
    content["charter"] |= {"version": base.number + 1, "adopted_on": "2025-01-15"}
    change(content)
    version, _ = charter_load(text=write_charter(content), actor=None)
    return version


def _principle(content: Content, identifier: str) -> Content:
    principles: list[Content] = content["principles"]
    (principle,) = [item for item in principles if item["id"] == identifier]
    return principle


def _move(content: Content, check: str, source: str, target: str) -> None:
    """Move ``check`` with its parameters from principle ``source`` to ``target``."""
    old, new = _principle(content, source), _principle(content, target)
    old["checks"].remove(check)
    new["checks"].append(check)
    for key in list(old["parameters"]):
        new["parameters"][key] = old["parameters"].pop(key)


def _page(client: Client, old: int, new: int, language: str = "") -> str:
    response = client.get(f"{language}/charta/vergleich/?von={old}&zu={new}")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.mark.usefixtures("charter")
def test_an_added_principle(client_for: ClientFor) -> None:
    def add(content: Content) -> None:
        texts = {"de": "Nachhaltigkeit", "en": "Sustainability"}
        content["principles"].append(
            {"id": "L8", "gate": True, "title": texts, "description": texts, "plain": texts}
            | {"checks": [], "parameters": {}}
        )

    _amend(add)
    page = _page(client_for(None), 2, 3)
    assert "<h2>Prinzipien</h2>" in page
    assert "<li>Neues Prinzip L8 „Nachhaltigkeit“.</li>" in page
    assert "<td>Prinzip L8</td><td>Titel (deutsch)</td> <td><em>neu</em></td>" in page
    assert "anders gebunden" not in page


@pytest.mark.usefixtures("charter")
def test_a_removed_principle_and_its_check_no_longer_bound(client_for: ClientFor) -> None:
    _amend(lambda content: content["principles"].remove(_principle(content, "P7")))
    page = _page(client_for(None), 2, 3)
    assert "<li>Prinzip P7 „Offene Standards und freie Software“ ist gestrichen.</li>" in page
    assert (
        '<a href="/charta/pruefungen/#pruefung-open-source-licence">Öffentlich bezahlte '
        "Software des Projekts steht unter einer von der OSI anerkannten Lizenz und in einem "
        "öffentlichen Repository.</a> <code>open-source-licence</code>: an kein Prinzip mehr "
        "gebunden, also nicht mehr geprüft; bisher unter P7 „Offene Standards und freie "
        "Software“."
    ) in page
    assert "<td>Prinzip P7</td><td>Titel (deutsch)</td>" in page


@pytest.mark.usefixtures("charter")
def test_a_principle_renamed_under_its_id(client_for: ClientFor) -> None:
    def rename(content: Content) -> None:
        _principle(content, "P5")["title"] = {"de": "Analog bleibt", "en": "Analogue stays"}

    _amend(rename)
    page = _page(client_for(None), 2, 3)
    assert (
        "<li>Prinzip P5 heißt jetzt „Analog bleibt“, bisher „Der analoge Weg wird nicht "
        "schlechter“.</li>"
    ) in page
    assert "<td>Prinzip P5</td><td>Titel (deutsch)</td>" in page
    english = _page(client_for(None), 2, 3, "/en")
    assert (
        "<li>Principle P5 is now called “Analogue stays”, formerly “The non-digital way does "
        "not get worse”.</li>"
    ) in english


@pytest.mark.usefixtures("charter")
def test_a_title_changed_in_english_only_is_a_renaming_for_english_readers(
    client_for: ClientFor,
) -> None:
    def rename(content: Content) -> None:
        _principle(content, "P5")["title"]["en"] = "Analogue stays"

    _amend(rename)
    assert "<h2>Prinzipien</h2>" not in _page(client_for(None), 2, 3)
    assert "<li>Principle P5 is now called “Analogue stays”" in _page(client_for(None), 2, 3, "/en")


@pytest.mark.usefixtures("charter")
def test_a_principle_continued_under_a_new_id(client_for: ClientFor) -> None:
    # Same checks, the description kept word for word: the same principle, renamed.
    def rename(content: Content) -> None:
        principle = _principle(content, "P5")
        principle["id"] = "analog"
        principle["title"] = {"de": "Analog bleibt", "en": "Analogue stays"}

    _amend(rename)
    page = _page(client_for(None), 2, 3)
    assert (
        "<li>Prinzip P5 „Der analoge Weg wird nicht schlechter“ heißt jetzt analog „Analog "
        "bleibt“; es bindet dieselben Prüfungen.</li>"
    ) in page
    assert "<td>Prinzip analog (bisher P5)</td><td>Kennung</td> <td><del>P5</del></td>" in page
    assert "<td>Prinzip analog (bisher P5)</td><td>Titel (deutsch)</td>" in page
    # Not a removal and an addition, no check moved, no field of P5 struck out.
    assert "gestrichen.</li>" not in page and "Neues Prinzip" not in page
    assert "anders gebunden" not in page and "<em>gestrichen</em>" not in page


@pytest.mark.usefixtures("charter")
def test_a_principle_merged_into_one_that_was_there(client_for: ClientFor) -> None:
    def merge(content: Content) -> None:
        _move(content, "non-digital-channels-kept", "P5", "P4")
        content["principles"].remove(_principle(content, "P5"))

    _amend(merge)
    page = _page(client_for(None), 2, 3)
    assert (
        "<li>Prinzip P5 „Der analoge Weg wird nicht schlechter“ ist in Prinzip P4 „Digitale "
        "Teilhabe für alle“ aufgegangen, das jetzt alle seine Prüfungen bindet.</li>"
    ) in page
    # Its check's move is the merge, not said again.
    assert "anders gebunden" not in page
    assert "<td>Prinzip P4</td><td>Prüfungen</td>" in page


@pytest.mark.usefixtures("charter")
def test_principles_merged_into_a_new_one(client_for: ClientFor) -> None:
    def merge(content: Content) -> None:
        texts = {"de": "Infrastruktur und Software", "en": "Infrastructure and software"}
        p6, p7 = _principle(content, "P6"), _principle(content, "P7")
        content["principles"][5:] = [
            {"id": "infra", "gate": True, "title": texts, "description": texts, "plain": texts}
            | {
                "checks": p6["checks"] + p7["checks"],
                "parameters": p6["parameters"] | p7["parameters"],
            }
        ]

    _amend(merge)
    page = _page(client_for(None), 2, 3)
    assert "<li>Neues Prinzip infra „Infrastruktur und Software“.</li>" in page
    for old in ("P6 „Digitale Infrastruktur in öffentlicher Hand“", "P7 „Offene Standards"):
        assert f"<li>Prinzip {old}" in page
    assert page.count("in Prinzip infra „Infrastruktur und Software“ aufgegangen") == 2
    assert "anders gebunden" not in page


@pytest.mark.usefixtures("charter")
def test_a_check_moved_to_another_principle(client_for: ClientFor) -> None:
    _amend(lambda content: _move(content, "free-training", "P4", "P3"))
    page = _page(client_for(None), 2, 3)
    assert "<h2>Prüfungen, die anders gebunden sind</h2>" in page
    assert (
        "<code>free-training</code>: jetzt unter P3 „Beteiligung und Transparenz vor jeder "
        "Entscheidung“, bisher unter P4 „Digitale Teilhabe für alle“.</li>"
    ) in page
    # Nothing happened to the principles themselves.
    assert "<h2>Prinzipien</h2>" not in page
    english = _page(client_for(None), 2, 3, "/en")
    assert (
        "<code>free-training</code>: now under P3 “Participation and transparency before "
        "every decision”, formerly under P4 “Digital inclusion for everyone”.</li>"
    ) in english


@pytest.mark.usefixtures("charter")
def test_a_check_bound_by_a_second_principle(client_for: ClientFor) -> None:
    def bind(content: Content) -> None:
        _principle(content, "P3")["checks"].append("plain-language-summary")

    _amend(bind)
    page = _page(client_for(None), 2, 3)
    assert (
        "<code>plain-language-summary</code>: jetzt unter P3 „Beteiligung und Transparenz vor "
        "jeder Entscheidung“, P4 „Digitale Teilhabe für alle“, bisher unter P4 „Digitale "
        "Teilhabe für alle“.</li>"
    ) in page


@pytest.mark.usefixtures("charter")
def test_a_check_newly_bound(client_for: ClientFor) -> None:
    _amend(lambda content: _principle(content, "P4")["checks"].remove("plain-language-summary"))
    _amend(lambda content: _principle(content, "P2")["checks"].append("plain-language-summary"))
    page = _page(client_for(None), 3, 4)
    assert (
        "<code>plain-language-summary</code>: neu gebunden, geprüft unter P2 „Die Daten "
        "gehören der Stadt“; vorher band sie kein Prinzip.</li>"
    ) in page
    assert "<code>plain-language-summary</code>: an kein Prinzip mehr gebunden" in _page(
        client_for(None), 2, 3
    )


@pytest.mark.django_db
def test_the_format_change_is_said_besides_the_changes(client_for: ClientFor) -> None:
    stored = json.loads(json.dumps(_format_1_content()))
    CharterVersion.objects.create(
        number=1, title="Alt", city="Musterstadt", adopted_on="2021-03-25",
        council_decision="Alt", content=stored,
    )  # fmt: skip
    text = DEFAULT_CHARTER.read_text(encoding="utf-8").replace("version = 1", "version = 2")
    charter_load(text=text.replace('"plain-language-summary",\n', ""), actor=None)
    page = _page(client_for(None), 1, 2)
    assert "hat sich das Format der Charta geändert" in page
    # Read as it was then, in today's format: only the check that went is a change.
    assert "<code>plain-language-summary</code>: an kein Prinzip mehr gebunden" in page
    assert "<h2>Prinzipien</h2>" not in page
    assert "hat sich das Format" not in _page(client_for(None), 1, 1)
