"""Deletion on schedule: each kind of personal data the platform keeps has a rule that
erases what has outlived its retention, and the period comes from the register.

An app declares its rules in a ``retention`` module with :func:`retention_rule`, naming the
platform's own processing activity and the category (by key) whose retention applies. A
rule gets the cut-off moment and erases whatever started before it, returning how many
records it deleted or anonymised. The run is counted in the audit trail, never what it erased.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from offenestadt.audit.services import save_record
from offenestadt.processing.models import DataCategory, RetentionRun


@dataclass(frozen=True)
class RetentionRule:
    activity: str
    category: str
    erase: Callable[[datetime], int]

    @property
    def key(self) -> str:
        return f"{self.activity}/{self.category}"


_RULES: list[RetentionRule] = []


def retention_rule(
    *, activity: str, category: str
) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    """Register ``erase(cutoff) -> count`` for the category ``category`` of ``activity``."""

    def register(erase: Callable[[datetime], int]) -> Callable[[datetime], int]:
        _RULES.append(RetentionRule(activity, category, erase))
        return erase

    return register


def retention_rules() -> list[RetentionRule]:
    autodiscover_modules("retention")
    return list(_RULES)


@transaction.atomic
def retention_enforce(*, now: datetime) -> RetentionRun:
    """Erase what has reached the end of its retention by ``now`` and count it.

    A category without a limited retention in the register is left alone: deleting on a
    guess would be worse than the finding the register already shows for it.
    """
    categories = {
        f"{category.activity.slug}/{category.key}": category
        for category in DataCategory.objects.select_related("activity").exclude(key="")
    }
    counts: dict[str, int] = {}
    for rule in retention_rules():
        category = categories.get(rule.key)
        if category is None or not category.has_retention:
            continue
        # Several rules may erase one category (names on comments, on proposals …).
        counts[rule.key] = counts.get(rule.key, 0) + rule.erase(category.retention_cutoff(now))
    run = RetentionRun(ran_at=now, counts=counts)
    save_record(record=run, actor=None)
    return run
