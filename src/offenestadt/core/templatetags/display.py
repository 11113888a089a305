"""Stored values in templates as people read them (see core.display)."""

from typing import Any

from django import template

from offenestadt.core.display import display_value, label_for, prefixed

register = template.Library()


@register.filter
def readable(value: Any) -> str:
    """``{{ value|readable }}``: yes/no in words, dates and numbers localised."""
    return display_value(value) or "–"


@register.filter
def code_label(code: str) -> str:
    """``{{ key|code_label }}``: a stored key by its registered name."""
    return label_for(code)


@register.filter(name="prefixed")
def prefixed_filter(value: str, label: str) -> str:
    """``{{ item|prefixed:_("TOP") }}``: "TOP 5" whether "5" or "TOP 5" was entered."""
    return prefixed(value, label)
