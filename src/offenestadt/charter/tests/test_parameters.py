"""The rules read charter parameters through their declarations: the charter's value, else the
declared default."""

import copy

import pytest

from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    CONTRACT_EFFECTIVE_AFTER_DAYS,
    CONTRACT_MIN_PUBLIC_DAYS,
    MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION,
    REDACTION_JUSTIFICATION_MIN_CHARACTERS,
    parameter_value,
)


def test_the_charter_value_counts(charter: CharterVersion) -> None:
    assert parameter_value(charter, CONTRACT_MIN_PUBLIC_DAYS) == 28
    assert parameter_value(charter, MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION) == 12


def test_without_a_charter_or_the_parameter_the_declared_default_counts(
    charter: CharterVersion,
) -> None:
    assert parameter_value(None, CONTRACT_EFFECTIVE_AFTER_DAYS) == 30
    assert parameter_value(None, CONTRACT_MIN_PUBLIC_DAYS) == 0
    content = copy.deepcopy(charter.document)
    for principle in content["principles"]:
        principle["parameters"] = {}
    silent = CharterVersion(number=99, content=content)
    assert parameter_value(silent, MAX_RETENTION_MONTHS_WITHOUT_JUSTIFICATION) is None
    assert parameter_value(silent, REDACTION_JUSTIFICATION_MIN_CHARACTERS) == 40


@pytest.mark.parametrize("stored", [True, "60", 60.5])
def test_a_stored_value_of_another_type_keeps_the_default(
    charter: CharterVersion, stored: object
) -> None:
    content = copy.deepcopy(charter.document)
    for principle in content["principles"]:
        if REDACTION_JUSTIFICATION_MIN_CHARACTERS.key in principle["parameters"]:
            principle["parameters"][REDACTION_JUSTIFICATION_MIN_CHARACTERS.key] = stored
    odd = CharterVersion(number=99, content=content)
    assert parameter_value(odd, REDACTION_JUSTIFICATION_MIN_CHARACTERS) == 40
