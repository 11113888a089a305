"""A retention rule that names an activity or category the platform's register does not have
stops `manage check`: such a rule would erase nothing, silently."""

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from offenestadt.core import retention
from offenestadt.core.retention import LOGS, RetentionRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def typo_rule() -> Iterator[None]:
    def erase_nothing(cutoff: datetime) -> int:
        return 0

    rule = RetentionRule(LOGS, "rate-limits", erase_nothing)
    retention._RULES.append(rule)
    yield
    retention._RULES.remove(rule)


@pytest.fixture
def unknown_activity_rule() -> Iterator[None]:
    def erase_nothing(cutoff: datetime) -> int:
        return 0

    rule = RetentionRule("plattform-protokol", "ip-address", erase_nothing)
    retention._RULES.append(rule)
    yield
    retention._RULES.remove(rule)


def test_the_rules_the_apps_declare_all_name_the_register() -> None:
    call_command("check")


@pytest.mark.usefixtures("typo_rule")
def test_a_category_the_register_does_not_have_fails_the_check() -> None:
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    assert "processing.E002" in str(failed.value)
    assert "'rate-limits'" in str(failed.value)
    assert "erase_nothing" in str(failed.value)


@pytest.mark.usefixtures("unknown_activity_rule")
def test_an_activity_the_register_does_not_have_fails_the_check() -> None:
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    assert "processing.E001" in str(failed.value)
    assert "'plattform-protokol'" in str(failed.value)
