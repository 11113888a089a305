"""The catalogue of checks: every check the apps register, with what it reads and asks, its
parameters and whether it can gate; on the command line and on a public page."""

import inspect
import json
import types
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from offenestadt.charter.catalogue import catalogue
from offenestadt.charter.engine import registered_rules, rule
from offenestadt.charter.parameters import DECLARED, ParameterDeclaration
from offenestadt.registry.models import Project

# Checks of today's apps, by id: a check must not disappear or be renamed unnoticed, since
# charters and stored findings name checks by these ids.
KNOWN_IDS = {
    *("access-listed", "anonymized-before-publication", "category-has-legal-basis"),
    *("category-has-purpose", "contracts-keep-data-with-city", "contracts-open"),
    *("data-owned-by-city", "data-stays-in-eu", "datasets-anonymized", "datasets-licensed"),
    *("distributions-licensed", "free-training", "infrastructure-in-public-hands"),
    *("necessity-argued", "non-digital-channels-kept", "open-source-licence"),
    *("operated-under-city-control", "participation-before-decision", "personal-data-declared"),
    *("plain-language-summary", "processing-minimised", "public-before-decision"),
    *("redactions-justified", "retention-limited", "retention-within-charter"),
    *("reviewed-by-dpo", "special-categories-assessed", "third-country-safeguarded"),
}


def _parameters_read(function: Any, seen: set[Any]) -> set[str]:
    """The charter parameters ``function`` reads: declarations it names, directly or in a
    mapping, or through the platform's functions it calls. A check over a project that takes
    the findings of linked records through the engine reads no parameter of theirs itself:
    those are the linked records' checks' own."""
    if not isinstance(function, types.FunctionType) or function in seen:
        return set()
    seen.add(function)
    module = function.__module__
    if not module.startswith("offenestadt.") or module == "offenestadt.charter.engine":
        return set()
    names = inspect.getclosurevars(function)
    found: set[str] = set()
    for value in [*names.globals.values(), *names.nonlocals.values()]:
        values = value.values() if isinstance(value, dict) else [value]
        found |= {item.key for item in values if isinstance(item, ParameterDeclaration)}
        found |= _parameters_read(value, seen)
    return found


def test_every_registered_check_is_in_the_catalogue_in_german_and_english() -> None:
    entries = {entry.id: entry for entry in catalogue()}
    assert set(entries) == {registered.id for registered in registered_rules()} == KNOWN_IDS
    for entry in entries.values():
        data = entry.as_data()
        german, english = data["description"]["de"], data["description"]["en"]
        assert german.strip() and english.strip(), entry.id
        assert german != english, f"{entry.id}: no English description in the .po"
        assert data["records"] == [entry.record] and "." in entry.record


def test_a_checks_parameters_are_the_charter_parameters_its_code_reads() -> None:
    for entry in catalogue():
        declared = {parameter.key for parameter in entry.parameters}
        assert declared <= set(DECLARED), entry.id
        assert declared == _parameters_read(entry.rule.check, set()), entry.id


def test_a_parameters_type_unit_and_default_are_its_declarations() -> None:
    by_id = {entry.id: entry for entry in catalogue()}
    (retention,) = by_id["retention-within-charter"].as_data()["parameters"]
    assert retention == {
        "key": "max_retention_months_without_justification",
        "name": {
            "de": "Längste Speicherdauer ohne schriftliche Begründung",
            "en": retention["name"]["en"],
        },
        "type": "integer",
        "unit": "months",
        "default": None,
    }
    assert retention["name"]["en"] != retention["name"]["de"]
    (training,) = by_id["free-training"].parameters
    assert (training.type, training.default) == ("boolean", False)
    # A processing has no gate of its own: its findings count through the project's check.
    assert not by_id["reviewed-by-dpo"].gates and by_id["processing-minimised"].gates


def test_a_check_id_is_registered_once() -> None:
    text = "Noch einmal"  # not a message of the platform's, so not extracted
    with pytest.raises(ValueError, match="free-training"):
        rule(Project, "free-training", description=translation.gettext_lazy(text))(
            lambda record, charter: None  # type: ignore[arg-type,return-value]
        )


def test_the_command_lists_the_catalogue_as_text_and_as_json() -> None:
    text = StringIO()
    call_command("charter", "checks", stdout=text)
    listing = text.getvalue()
    for entry in catalogue():
        assert f"{entry.id}  [{entry.record};" in listing
    assert "contract_min_public_days" not in listing  # read by the gate, not by a check
    assert "redaction_justification_min_characters (integer, characters)" in listing
    assert "max_retention_months_without_justification (integer, months): Vorgabe null" in listing

    data = StringIO()
    call_command("charter", "checks", "--format", "json", stdout=data)
    entries = json.loads(data.getvalue())
    assert [entry["id"] for entry in entries] == sorted(KNOWN_IDS)
    training = next(entry for entry in entries if entry["id"] == "free-training")
    assert training["records"] == ["registry.project"]
    assert training["gates"] is True
    assert [(p["key"], p["default"]) for p in training["parameters"]] == [
        ("free_training_required", False)
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("charter")
def test_the_public_page_lists_every_check_and_the_charter_links_to_it(client: Client) -> None:
    assert 'href="/charta/pruefungen/"' in client.get("/charta/").content.decode()
    page = client.get("/charta/pruefungen/").content.decode()
    for entry in catalogue():
        assert f'id="pruefung-{entry.id}"' in page
        with translation.override("de"):
            assert str(entry.description) in page
    assert "<code>contract_effective_after_days</code>" not in page
    assert "<code>redaction_justification_min_characters</code>: 40 Zeichen" in page
    english = client.get("/en/charta/pruefungen/").content.decode()
    with translation.override("en"):
        description = str(next(e for e in catalogue() if e.id == "free-training").description)
    assert description in english
    assert "40 characters" in english


@pytest.mark.django_db
@pytest.mark.usefixtures("charter")
def test_the_page_names_the_principles_binding_each_check_and_what_a_check_counts(
    client: Client,
) -> None:
    page = " ".join(client.get("/charta/pruefungen/").content.decode().split())
    row = page[page.index('id="pruefung-third-country-safeguarded"') :]
    row = row[: row.index("</tr>")]
    assert '<td><a href="/charta/version/2/#prinzip-P1">P1</a></td>' in row
    project_check = page[page.index('id="pruefung-contracts-open"') :]
    assert 'Zählt die Befunde von: <a href="#pruefung-redactions-justified">' in project_check
    data = {entry["id"]: entry for entry in json.loads(_command_json())}
    assert data["processing-minimised"]["counts"][0] == "reviewed-by-dpo"
    assert data["free-training"]["counts"] == []


def _command_json() -> str:
    output = StringIO()
    call_command("charter", "checks", "--format", "json", stdout=output)
    return output.getvalue()
