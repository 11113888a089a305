"""A licence that is not a valid SPDX expression is refused in German, with what to write
instead; proprietary terms are written as SPDX's own LicenseRef-… and are not open source."""

import pytest

from offenestadt.software.licences import LicenceError, is_osi_approved, parse_licence


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("Frei für alle", "Nicht in der SPDX-Lizenzliste"),
        ("Foo-1.0 OR MIT", "Nicht in der SPDX-Lizenzliste: Foo-1.0."),
        ("MIT AND", "nicht vollständig oder falsch verknüpft"),
        ("MIT OR OR Apache-2.0", "nicht vollständig oder falsch verknüpft"),
    ],
)
def test_a_wrong_expression_is_refused_in_german_with_the_way_out(typed: str, told: str) -> None:
    with pytest.raises(LicenceError) as refused:
        parse_licence(typed)

    message = str(refused.value)
    assert told in message
    assert "proprietäre Software" in message
    assert "LicenseRef-" in message
    assert "Unknown" not in message


@pytest.mark.parametrize(
    ("typed", "stored", "open_source"),
    [
        ("mit or apache-2.0", "MIT OR Apache-2.0", True),
        ("LicenseRef-Proprietaer", "LicenseRef-Proprietaer", False),
        ("LicenseRef-Hersteller-AG AND MIT", "LicenseRef-Hersteller-AG AND MIT", False),
    ],
)
def test_licences_outside_the_list_are_written_as_licenseref(
    typed: str, stored: str, open_source: bool
) -> None:
    assert parse_licence(typed) == stored
    assert is_osi_approved(stored) is open_source
