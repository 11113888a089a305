"""A charter binds the catalogue's checks to its own principles: the document's format, its
mistakes with their lines, checks bound twice or not at all, and charters of format 1."""

import copy
import json
from pathlib import Path

import pytest

from offenestadt.charter.demo import DEFAULT_CHARTER, shipped_charters
from offenestadt.charter.document import CharterFileError, parse_charter, write_charter
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.gates import gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.processing.tests.test_compliance import activity_with
from offenestadt.registry.tests.factories import ProjectFactory

HERE = Path(__file__).parent
DEFAULT = DEFAULT_CHARTER.read_text(encoding="utf-8")
FORMAT_1 = (HERE / "data" / "format_1_demo_charter.toml").read_text(encoding="utf-8")
SHIPPED = {name: path.read_text(encoding="utf-8") for name, path in shipped_charters().items()}

SMALL = """\
[charter]
title = "Charta"
city = "Teststadt"
version = 1
adopted_on = 2025-01-31
council_decision = "Ratsbeschluss 1/2025"
format = 2

[[principles]]
id = "daten"
title.de = "Daten"
title.en = "Data"
description.de = "Wenig Daten."
description.en = "Little data."
plain.de = "Wenig Daten."
plain.en = "Little data."
checks = [
    "retention-within-charter",
    "retention-limited",
]

[principles.parameters]
max_retention_months_without_justification = 12

[[principles]]
id = "streng"
gate = false
title.de = "Streng"
title.en = "Strict"
description.de = "Noch weniger."
description.en = "Even less."
plain.de = "Weniger."
plain.en = "Less."
checks = ["retention-within-charter"]

[principles.parameters]
max_retention_months_without_justification = 6

[procedures]
contract_min_public_days = 10
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(CharterFileError) as error:
        parse_charter(text)
    return [str(problem) for problem in error.value.problems]


def test_the_demo_charter_means_what_it_meant_before_principles_bound_checks() -> None:
    # The demo's document of format 1 (each check's principle fixed in code) and today's
    # document bind the same checks with the same values to the same principles.
    assert parse_charter(FORMAT_1) == parse_charter(DEFAULT)


@pytest.mark.parametrize("text", [*SHIPPED.values(), SMALL], ids=[*SHIPPED, "small"])
def test_export_load_export_is_identical(text: str) -> None:
    exported = write_charter(parse_charter(text))
    assert write_charter(parse_charter(exported)) == exported
    assert parse_charter(exported) == parse_charter(text)


def test_a_check_bound_twice_runs_once_per_binding_with_its_own_values(
    db: None,
) -> None:
    version = CharterVersion(number=1, content=parse_charter(SMALL))
    nine_months = activity_with({"retention_amount": 9})
    findings = {(f.principle, f.rule): f.status for f in evaluate(nine_months, version)}
    assert findings == {
        ("daten", "retention-limited"): Status.MET,
        ("daten", "retention-within-charter"): Status.MET,
        ("streng", "retention-within-charter"): Status.VIOLATED,
    }


def test_a_check_no_principle_binds_is_not_run(db: None) -> None:
    content = parse_charter(SMALL)
    content["principles"][1]["checks"] = []
    version = CharterVersion(number=1, content=content)
    rules = {f.rule for f in evaluate(activity_with({"retention_amount": 9}), version)}
    assert rules == {"retention-limited", "retention-within-charter"}
    assert {f.principle for f in evaluate(activity_with({}), version)} == {"daten"}


def test_a_regrouped_charter_gates_by_its_own_principles(db: None) -> None:
    # The demo's checks in three principles of the city's own naming; the one that holds
    # the free training is advisory.
    content = parse_charter(DEFAULT)
    principles = content["principles"]
    merged = [
        principles[0] | {"id": "daten", "checks": principles[0]["checks"] + principles[1]["checks"],
                         "parameters": principles[0]["parameters"] | principles[1]["parameters"]},
        principles[2] | {"id": "offen", "checks": principles[2]["checks"] + principles[6]["checks"],
                         "parameters": principles[2]["parameters"] | principles[6]["parameters"]},
        principles[3] | {"id": "alle", "gate": False,
                         "checks": [c for p in principles[3:6] for c in p["checks"]],
                         "parameters": {k: v for p in principles[3:6]
                                        for k, v in p["parameters"].items()}},
    ]  # fmt: skip
    content["principles"] = merged
    regrouped = CharterVersion(number=1, content=parse_charter(write_charter(content)))
    project = ProjectFactory.create()
    findings = evaluate(project, regrouped)
    assert {f.principle for f in findings} == {"daten", "offen", "alle"}
    training = [f for f in findings if f.rule == "free-training"]
    assert [(f.principle, f.status) for f in training] == [("alle", Status.MISSING)]
    blockers = gate_blockers(findings, regrouped)
    assert blockers and {f.principle for f in blockers} <= {"daten", "offen"}


def test_a_stored_version_of_format_1_reads_in_todays_format(db: None) -> None:
    old = json.loads(json.dumps(_format_1_content()))
    stored = CharterVersion.objects.create(
        number=1, title="Alt", city="Musterstadt", adopted_on="2021-03-25",
        council_decision="Alt", content=old,
    )  # fmt: skip
    stored.refresh_from_db()
    assert stored.document == parse_charter(DEFAULT)
    assert [p.id for p in stored.principles()] == [f"P{n}" for n in range(1, 8)]
    assert "free-training" in stored.principles()[3].checks
    # Written out, it is a document of today's format that loads unchanged.
    assert parse_charter(write_charter(stored.document)) == stored.document


def _format_1_content() -> dict[str, object]:
    """How a version of format 1 was stored: principles without checks, a list of
    parameters each naming its principle."""
    content = copy.deepcopy(parse_charter(DEFAULT))
    del content["format"]
    parameters: list[dict[str, object]] = []
    for principle in content["principles"]:
        for key, value in principle.pop("parameters").items():
            if key not in {p["key"] for p in parameters}:
                parameters.append(_old_parameter(key, value, principle["id"]))
        del principle["checks"]
    for key, value in content.pop("procedures").items():
        parameters.append(_old_parameter(key, value, "P3"))
    content["parameters"] = parameters
    return content


def _old_parameter(key: str, value: object, principle: str) -> dict[str, object]:
    return {
        "key": key,
        "value": value,
        "unit": "",
        "principle": principle,
        "description": {"de": key, "en": key},
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ('    "retention-limited",\n', '    "retention-limted",\n'),
            "Zeile 19, principles[1].checks[2]: keine Prüfung retention-limted im Katalog "
            "(offenestadt charter checks listet sie)",
        ),
        (
            ('    "retention-limited",\n', '    "retention-within-charter",\n'),
            "Zeile 19, principles[1].checks[2]: das Prinzip bindet retention-within-charter schon",
        ),
        (
            ("max_retention_months_without_justification = 6", "free_training_required = true"),
            "Zeile 37, principles[2].parameters.free_training_required: keine der Prüfungen "
            "dieses Prinzips hat einen Parameter free_training_required; ihre Parameter: "
            "max_retention_months_without_justification",
        ),
        (
            (
                "max_retention_months_without_justification = 6",
                'max_retention_months_without_justification = "6"',
            ),
            "Zeile 37, principles[2].parameters.max_retention_months_without_justification: "
            "der Parameter max_retention_months_without_justification erwartet eine ganze Zahl",
        ),
        (
            ("contract_min_public_days = 10", "max_retention_months_without_justification = 10"),
            "Zeile 40, procedures.max_retention_months_without_justification: "
            "max_retention_months_without_justification lesen Prüfungen: setzen Sie ihn unter "
            "[principles.parameters] eines Prinzips, das sie bindet",
        ),
        (
            ("contract_min_public_days = 10", "contract_min_public_days = 10.5"),
            "Zeile 40, procedures.contract_min_public_days: der Parameter "
            "contract_min_public_days erwartet eine ganze Zahl",
        ),
        (
            ("format = 2\n", ""),
            "Zeile 1, charter.format: eine Charta, deren Prinzipien Prüfungen binden, braucht "
            "format = 2",
        ),
    ],
)
def test_mistakes_in_bindings_are_named_with_their_line(
    change: tuple[str, str], problem: str
) -> None:
    assert _problems(SMALL.replace(*change)) == [problem]


def test_checks_that_are_no_list_leave_the_principles_parameters_unbound() -> None:
    text = SMALL.replace(
        'checks = ["retention-within-charter"]', 'checks = "retention-within-charter"'
    )
    assert _problems(text) == [
        'Zeile 34, principles[2].checks: erwartet wird eine Liste wie ["free-training"]',
        "Zeile 37, principles[2].parameters.max_retention_months_without_justification: keine "
        "der Prüfungen dieses Prinzips hat einen Parameter "
        "max_retention_months_without_justification; ihre Parameter: keine",
    ]


def test_the_export_is_the_same_whatever_order_the_stored_keys_come_in() -> None:
    # PostgreSQL's jsonb gives an object's keys back in an order of its own.
    content = parse_charter(DEFAULT)
    shuffled = copy.deepcopy(content)
    shuffled["charter"] = dict(reversed(list(shuffled["charter"].items())))
    shuffled["procedures"] = dict(reversed(list(shuffled["procedures"].items())))
    for principle in shuffled["principles"]:
        principle["parameters"] = dict(reversed(list(principle["parameters"].items())))
    assert write_charter(shuffled) == write_charter(content)
