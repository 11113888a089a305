"""Stored values as people read them, in German and English: never True, 85000.00 or a key."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Field, Model
from django.template import Context, Template
from django.utils import translation

from offenestadt.contracts.models import Contract
from offenestadt.core.display import display_value, prefixed
from offenestadt.registry.models import Project


def field(model: type[Model], name: str) -> Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


@pytest.mark.parametrize(
    ("language", "value", "model_field", "shown"),
    [
        ("de", True, None, "Ja"),
        ("de", False, None, "Nein"),
        ("en", True, None, "Yes"),
        ("de", "2024-06-20", (Contract, "meeting_date"), "20. Juni 2024"),
        ("en", "2024-06-20", (Contract, "meeting_date"), "June 20, 2024"),
        # A moment as an export's JSON holds it, shown in the city's time.
        ("de", "2024-06-20T12:30:00+00:00", None, "20. Juni 2024 14:30"),
        ("en", "2024-06-20T14:30:00+02:00", None, "June 20, 2024, 2:30 p.m."),
        ("de", "85000.00", (Project, "budget"), "85.000,00"),
        ("en", Decimal("85000"), (Project, "budget"), "85,000.00"),
        ("de", "implementation", (Project, "status"), "Umsetzung"),
        ("de", None, None, None),
        ("de", "", None, None),
    ],
)
def test_a_value_reads_by_its_fields_type(
    language: str, value: object, model_field: tuple[type[Model], str] | None, shown: str | None
) -> None:
    with translation.override(language):
        assert display_value(value, field(*model_field) if model_field else None) == shown


def test_a_structured_value_reads_as_lines_with_names() -> None:
    change = {"parameter": "max_retention_months_without_justification", "value": True}
    shown = display_value(change)
    assert shown == "Parameter: Längste Speicherdauer ohne schriftliche Begründung\nWert: Ja"
    with translation.override("en"):
        assert display_value({"adopted": date(2024, 6, 20)}) == "adopted: June 20, 2024"


@pytest.mark.parametrize(
    ("entered", "shown"),
    [("5", "TOP 5"), ("TOP 5", "TOP 5"), ("top 5.1", "top 5.1"), (" Ö 3 ", "TOP Ö 3")],
)
def test_an_agenda_item_is_named_once(entered: str, shown: str) -> None:
    assert prefixed(entered, "TOP") == shown
    page = Template('{% load display %}{{ item|prefixed:"TOP" }}').render(
        Context({"item": entered})
    )
    assert page == shown
