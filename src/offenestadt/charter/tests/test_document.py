"""Charter documents: read, checked with line-exact messages, and written back unchanged.

SMALL is a document of format 1 (parameters in ``[[parameters]]``, each check's principle
fixed in code), which still loads; test_bindings checks today's format."""

import pytest

from offenestadt.charter.demo import DEFAULT_CHARTER
from offenestadt.charter.document import CharterFileError, parse_charter, write_charter
from offenestadt.charter.parameters import DECLARED

DEFAULT = DEFAULT_CHARTER.read_text(encoding="utf-8")

SMALL = """\
[charter]
title = "Charta"
city = "Teststadt"
version = 1
adopted_on = 2025-01-31
council_decision = "Ratsbeschluss 1/2025"

[[principles]]
id = "P1"
title.de = "Datensparsamkeit"
title.en = "Data minimisation"
description.de = "So wenig wie möglich."
description.en = "As little as possible."
plain.de = "Wenig Daten."
plain.en = "Little data."

[[parameters]]
key = "free_training_required"
value = true
principle = "P1"
description.de = "Schulung nötig"
description.en = "Training needed"
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(CharterFileError) as error:
        parse_charter(text)
    return [str(problem) for problem in error.value.problems]


def test_the_default_charter_has_seven_principles_in_two_languages() -> None:
    content = parse_charter(DEFAULT)
    assert [p["id"] for p in content["principles"]] == [f"P{n}" for n in range(1, 8)]
    assert all(p["plain"]["de"] and p["plain"]["en"] for p in content["principles"])
    assert all(p["checks"] and p["parameters"] for p in content["principles"])


@pytest.mark.parametrize("text", [DEFAULT, SMALL])
def test_export_reads_back_to_the_same_charter(text: str) -> None:
    content = parse_charter(text)
    written = write_charter(content)
    assert parse_charter(written) == content
    assert write_charter(parse_charter(written)) == written


@pytest.mark.parametrize(
    "awkward",
    [
        'Zwei Absätze.\n\nMit "Anführungszeichen" und \\ Backslash.',
        'Endet mit Anführungszeichen"',
        'Drei """ in Folge\nund eine zweite Zeile',
        "Tab\tund Umlaute äöüß – und ein Emoji 🌳",
    ],
)
def test_texts_of_any_shape_survive_the_round_trip(awkward: str) -> None:
    content = parse_charter(SMALL)
    content["principles"][0]["description"]["de"] = awkward
    assert parse_charter(write_charter(content)) == content


def test_broken_toml_names_its_line() -> None:
    text = SMALL.replace('city = "Teststadt"', 'city = "Teststadt')
    assert _problems(text) == ["Zeile 3, Datei: kein gültiges TOML: Illegal character '\\n'"]


def test_every_mistake_is_reported_with_line_field_and_expectation() -> None:
    text = (
        SMALL.replace("version = 1", 'version = "eins"')
        .replace('title.en = "Data minimisation"\n', "")
        .replace('plain.de = "Wenig Daten."', 'plian.de = "Wenig Daten."')
        .replace('principle = "P1"', 'principle = "P9"')
    )
    assert _problems(text) == [
        "Zeile 4, charter.version: erwartet wird eine ganze Zahl ab 1",
        "Zeile 10, principles[1].title.en: fehlt; erwartet wird ein Text",
        "Zeile 13, principles[1].plian: unbekanntes Feld; erlaubt sind: description, gate, id, "
        "plain, title",
        "Zeile 14, principles[1].plain.de: fehlt; erwartet wird ein Text",
        "Zeile 19, parameters[1].principle: erwartet wird die Kennung eines Prinzips "
        "dieser Charta (P1)",
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("adopted_on = 2025-01-31", 'adopted_on = "31.01.2025"'),
            "Zeile 5, charter.adopted_on: erwartet wird ein Datum wie 2021-03-25 "
            "(ohne Anführungszeichen)",
        ),
        (
            ('id = "P1"', 'id = "Prinzip 1"'),
            "Zeile 9, principles[1].id: erwartet wird eine Kennung aus Buchstaben, Ziffern, - "
            'und _ wie "P1"',
        ),
        (
            ("value = true", "value = [1, 2]"),
            "Zeile 19, parameters[1].value: erwartet wird eine Zahl, ja/nein (true/false) "
            "oder ein Text",
        ),
        (
            ('key = "free_training_required"', 'key = "Free Training"'),
            "Zeile 18, parameters[1].key: erwartet wird ein Name aus Kleinbuchstaben und _",
        ),
        (
            ('title = "Charta"', 'title = ""'),
            "Zeile 2, charter.title: erwartet wird ein nicht leerer Text",
        ),
    ],
)
def test_single_mistakes(change: tuple[str, str], problem: str) -> None:
    assert _problems(SMALL.replace(*change)) == [problem]


def test_a_principle_twice_and_a_missing_charter_table() -> None:
    duplicated = SMALL.replace(
        "[[parameters]]",
        SMALL[SMALL.index("[[principles]]") : SMALL.index("[[parameters]]")] + "[[parameters]]",
    )
    assert _problems(duplicated) == ["Zeile 18, principles[2].id: die Kennung P1 kommt doppelt vor"]
    headless = SMALL[SMALL.index("[[principles]]") :]
    assert _problems(headless)[0] == "Zeile 1, charter: der Abschnitt [charter] fehlt"


def test_an_unknown_parameter_is_named_with_the_known_ones() -> None:
    text = SMALL.replace('key = "free_training_required"', 'key = "free_trainings_required"')
    (problem,) = _problems(text)
    assert problem.startswith(
        "Zeile 18, parameters[1].key: die Regeln kennen keinen Parameter "
        "free_trainings_required; bekannt sind: contract_effective_after_days, "
    )
    assert "free_training_required" in problem


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("value = true", "value = 1"),
            "Zeile 19, parameters[1].value: der Parameter free_training_required erwartet "
            "ja/nein (true/false)",
        ),
        (
            ("value = true", 'value = "ja"'),
            "Zeile 19, parameters[1].value: der Parameter free_training_required erwartet "
            "ja/nein (true/false)",
        ),
    ],
)
def test_a_parameter_of_the_wrong_type_is_named(change: tuple[str, str], problem: str) -> None:
    assert _problems(SMALL.replace(*change)) == [problem]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("contract_min_public_days", "14.5", "eine ganze Zahl"),
        ("contract_min_public_days", "true", "eine ganze Zahl"),
        ("contract_min_public_days", '"14"', "eine ganze Zahl"),
        ("information_freedom_law", "8", "einen Text"),
    ],
)
def test_numbers_and_texts_are_checked_against_their_declaration(
    key: str, value: str, expected: str
) -> None:
    text = SMALL.replace('key = "free_training_required"', f'key = "{key}"').replace(
        "value = true", f"value = {value}"
    )
    assert _problems(text) == [
        f"Zeile 19, parameters[1].value: der Parameter {key} erwartet {expected}"
    ]


def test_the_default_charter_sets_every_declared_parameter_with_its_type() -> None:
    content = parse_charter(DEFAULT)
    settings = [content["procedures"], *(p["parameters"] for p in content["principles"])]
    values = [(key, value) for setting in settings for key, value in setting.items()]
    assert {key for key, _value in values} == set(DECLARED)
    assert all(DECLARED[key].accepts(value) for key, value in values)
