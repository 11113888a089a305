"""An amendment can restructure the charter: bind a check to a principle, release it from
one, move it, add a principle; each change checked first, with a message that says what to
fix, and written through the document like a loaded file."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from offenestadt.charter.amendment import CheckRebinding, NewPrinciple
from offenestadt.charter.models import CharterVersion, Principle
from offenestadt.charter.services import charter_amend

DAY = date(2025, 2, 1)
TEXTS = {
    "title": {"de": "Klima", "en": "Climate"},
    "description": {"de": "Die Stadt schützt das Klima.", "en": "The city protects the climate."},
    "plain": {"de": "Wir schützen das Klima.", "en": "We protect the climate."},
}


def _amend(charter: CharterVersion, **changes: Any) -> CharterVersion:
    return charter_amend(
        base=charter, actor=None, adopted_on=DAY, council_decision="Ratsbeschluss", **changes
    )


def _principles(version: CharterVersion) -> dict[str, Principle]:
    return {principle.id: principle for principle in version.principles()}


def _refused(charter: CharterVersion, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        _amend(charter, **changes)
    assert CharterVersion.objects.count() == charter.number
    return error.value.message_dict


def test_a_moved_check_takes_its_parameter_values_along(charter: CharterVersion) -> None:
    version = _amend(charter, rebindings=[CheckRebinding("free-training", bind="P3", release="P4")])
    principles = _principles(version)
    assert "free-training" in principles["P3"].checks
    assert principles["P4"].checks == ("plain-language-summary",)
    assert principles["P3"].parameters is not None
    assert principles["P3"].parameters["free_training_required"] is True
    # P4 no longer sets what none of its checks reads.
    assert principles["P4"].parameters == {}
    # Everything else as it was.
    assert version.document["procedures"] == charter.document["procedures"]
    assert [p.title for p in version.principles()] == [p.title for p in charter.principles()]


def test_a_released_check_keeps_values_its_principles_other_checks_read(
    charter: CharterVersion,
) -> None:
    # P2's third_country_transfer_needs_safeguard is read by two of its checks.
    version = _amend(charter, rebindings=[CheckRebinding("data-stays-in-eu", release="P2")])
    p2 = _principles(version)["P2"]
    assert "data-stays-in-eu" not in p2.checks
    assert p2.parameters == _principles(charter)["P2"].parameters
    assert not any("data-stays-in-eu" in p.checks for p in version.principles())


def test_a_check_bound_twice_brings_the_value_it_has(charter: CharterVersion) -> None:
    version = _amend(charter, rebindings=[CheckRebinding("non-digital-channels-kept", bind="P4")])
    principles = _principles(version)
    assert "non-digital-channels-kept" in principles["P5"].checks
    assert principles["P4"].parameters == {
        "free_training_required": True,
        "non_digital_channel_loss_is_violation": True,
    }


def test_a_new_principle_can_bind_a_check_in_the_same_amendment(
    charter: CharterVersion,
) -> None:
    version = _amend(
        charter,
        new_principles=[NewPrinciple(id="klima", **TEXTS)],  # type: ignore[arg-type]
        rebindings=[CheckRebinding("open-source-licence", bind="klima", release="P7")],
    )
    klima = _principles(version)["klima"]
    assert (klima.title.de, klima.plain.en, klima.gate) == ("Klima", TEXTS["plain"]["en"], True)
    assert klima.checks == ("open-source-licence",)
    assert klima.parameters == {"public_code_requires_osi_licence": True}
    assert [p.id for p in version.principles()][-1] == "klima"


@pytest.mark.parametrize(
    ("rebinding", "field", "message"),
    [
        (
            CheckRebinding("free-trainig", bind="P3"),
            "check",
            "Im Katalog gibt es keine Prüfung „free-trainig“",
        ),
        (
            CheckRebinding("free-training", bind="P4"),
            "bind",
            "Das Prinzip P4 bindet die Prüfung free-training schon; das Binden änderte nichts.",
        ),
        (
            CheckRebinding("free-training", release="P3"),
            "release",
            "Das Prinzip P3 bindet die Prüfung free-training nicht; das Lösen änderte nichts. "
            "Sie binden: P4.",
        ),
        (
            CheckRebinding("free-training", bind="P9"),
            "bind",
            "Die Charta hat kein Prinzip „P9“; ihre Prinzipien: P1, P2, P3, P4, P5, P6, P7.",
        ),
        (CheckRebinding("free-training", bind="P4", release="P4"), "release", "zwei verschiedene"),
        (CheckRebinding("free-training"), "bind", "Nennen Sie das Prinzip"),
    ],
)
def test_a_rebinding_that_cannot_be_made_or_changes_nothing_is_refused(
    charter: CharterVersion, rebinding: CheckRebinding, field: str, message: str
) -> None:
    (problem,) = _refused(charter, rebindings=[rebinding])[field]
    assert message in problem


@pytest.mark.parametrize(
    ("identifier", "texts", "field", "message"),
    [
        ("8P", TEXTS, "new_principle", "beginnt mit einem Buchstaben"),
        ("P3", TEXTS, "new_principle", "Die Charta hat schon ein Prinzip P3"),
        ("P8", TEXTS | {"plain": {"de": "x", "en": " "}}, "plain_en", "auch auf Englisch"),
        ("P8", TEXTS | {"title": {"de": "K\x00", "en": "C"}}, "title_de", "U+0000"),
    ],
)
def test_a_new_principle_needs_a_free_id_and_every_text(
    charter: CharterVersion,
    identifier: str,
    texts: dict[str, dict[str, str]],
    field: str,
    message: str,
) -> None:
    principle = NewPrinciple(id=identifier, **texts)  # type: ignore[arg-type]
    (problem,) = _refused(charter, new_principles=[principle])[field]
    assert message in problem


def test_one_refused_change_refuses_the_whole_amendment(charter: CharterVersion) -> None:
    _refused(
        charter,
        parameters={"contract_min_public_days": 40},
        new_principles=[NewPrinciple(id="klima", **TEXTS)],  # type: ignore[arg-type]
        rebindings=[CheckRebinding("free-training", bind="P4")],
    )
    assert CharterVersion.objects.order_by("-number")[0] == charter
