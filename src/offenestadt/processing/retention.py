"""Deletion on schedule: each kind of personal data the platform keeps has a rule that
erases what has outlived its retention, and the period comes from the register.

Apps declare their rules in the platform's register of rules (``core.retention``); this
run reads each rule's period from the register of processing activities and applies it.
The run is counted in the audit trail, never what it erased.
"""

from datetime import datetime

from django.db import transaction

from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.retention import retention_rules
from offenestadt.processing.models import DataCategory, RetentionRun


def category_of(activity: str, category: str) -> DataCategory | None:
    """The register's category ``category`` (by key) of the platform's ``activity``."""
    return (
        DataCategory.objects.select_related("activity")
        .filter(activity__slug=activity, key=category)
        .first()
    )


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
    save_record(record=run, actor=None, event=AuditEvent.CREATED)
    return run
