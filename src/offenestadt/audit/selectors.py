"""What people may read of the audit trail: a record's history, and the public changes."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEntry, AuditEntryQuerySet
from offenestadt.audit.rules import can_read_internal_entries


def history_for(
    record: models.Model, user: Actor, *, parts: Iterable[models.Model] = ()
) -> AuditEntryQuerySet:
    """The record's history as ``user`` may see it, newest first.

    The public sees public entries only; the city's staff, who read internal records,
    see the internal ones (a draft's changes) too. ``parts`` are records shown as part
    of this one (a procedure's phases, a dataset's distributions): their history is
    the record's.
    """
    history = AuditEntry.objects.for_record(record)
    ids_by_type: defaultdict[str, list[str]] = defaultdict(list)
    for part in parts:
        ids_by_type[part._meta.label_lower].append(str(part.pk))
    if ids_by_type:
        history = AuditEntry.objects.filter(
            Q(object_type=record._meta.label_lower, object_id=str(record.pk)) | _any_of(ids_by_type)
        )
    if not can_read_internal_entries(user):
        history = history.public()
    return history.order_by("-seq")


def _any_of(ids_by_type: dict[str, list[str]]) -> Q:
    condition = Q()
    for object_type, ids in ids_by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition


def public_changes() -> AuditEntryQuerySet:
    """Every record's public changes, newest first: the changes page and its feed."""
    return AuditEntry.objects.public().order_by("-seq")
