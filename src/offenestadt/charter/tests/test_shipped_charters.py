"""The charters that ship with the platform: built differently, meaning the same, and the one
the demo starts with chosen by name."""

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from offenestadt.charter.demo import shipped_charters
from offenestadt.charter.document import parse_charter
from offenestadt.charter.engine import parameters_read, registered_rules
from offenestadt.charter.models import CharterVersion

CHARTERS = {
    name: parse_charter(path.read_text(encoding="utf-8"))
    for name, path in shipped_charters().items()
}


def test_the_platform_ships_the_seven_principles_and_the_four_guidelines() -> None:
    ids = {name: [p["id"] for p in content["principles"]] for name, content in CHARTERS.items()}
    assert ids == {
        "sieben-grundsaetze": [f"P{n}" for n in range(1, 8)],
        "smart-city-charta": ["L1", "L2", "L3", "L4"],
    }
    for content in CHARTERS.values():
        for principle in content["principles"]:
            texts = [principle[field][language] for field in ("title", "description", "plain")
                     for language in ("de", "en")]  # fmt: skip
            assert all(texts), principle["id"]
            assert principle["gate"] is True


def _binding(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each bound check with the values its binding sets for the parameters it reads."""
    reads = parameters_read()
    return {
        check: {key: principle["parameters"][key] for key in reads[check]}
        for principle in content["principles"]
        for check in principle["checks"]
    }


def test_both_bind_every_check_of_the_catalogue_once_with_the_same_values() -> None:
    seven, four = CHARTERS["sieben-grundsaetze"], CHARTERS["smart-city-charta"]
    for content in (seven, four):
        bound = [check for principle in content["principles"] for check in principle["checks"]]
        assert sorted(bound) == sorted(rule.id for rule in registered_rules())
    assert _binding(four) == _binding(seven)
    assert four["procedures"] == seven["procedures"]


@pytest.fixture
def demo_charter(settings: Any) -> None:
    """The command sets the choice on the settings; the fixture undoes it after the test."""
    settings.DEMO_CHARTER = ""


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_charter")
def test_the_demo_starts_with_the_charter_named_and_keeps_it() -> None:
    call_command("demo", "--no-serve", "--charter", "smart-city-charta")
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None and in_force.number == 2
    assert [p.id for p in in_force.principles()] == ["L1", "L2", "L3", "L4"]
    values = {parameter.key: parameter.value for parameter in in_force.parameters()}
    assert values["contract_min_public_days"] == 28

    # `make demo` in the same folder: the demo keeps its charter.
    call_command("demo", "--no-serve")
    assert CharterVersion.objects.count() == 2
    assert CharterVersion.objects.get(number=1).title.startswith("Digitale Leitlinien")

    with pytest.raises(CommandError) as refused:
        call_command("demo", "--no-serve", "--charter", "sieben-grundsaetze")
    assert refused.value.returncode == 2
    assert "holds another charter (Digitale Leitlinien" in str(refused.value)
    assert "empty data folder (OFFENESTADT_DATA_DIR)" in str(refused.value)
    assert CharterVersion.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_charter")
def test_an_unknown_charter_is_refused_naming_those_there_are() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--no-serve", "--charter", "bochum")
    assert refused.value.returncode == 2
    assert str(refused.value) == (
        "there is no charter 'bochum' to start the demo with; "
        "the platform ships sieben-grundsaetze, smart-city-charta"
    )
    assert not CharterVersion.objects.exists()
