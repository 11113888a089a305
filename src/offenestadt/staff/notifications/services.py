"""Writes of staff notices: a person's choices, and queueing notices for the task worker
(notifications.sending) when a record is saved with a named event or refused at a gate.

Queueing happens in the transaction of the change (``audit.signals.record_saved``), so a
notice goes out only if the change is committed. A gate refusal rolls its step back; it is
announced afterwards (``charter.gates.gate_refused``) and queued then.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor, User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.gates import GateRefusedError
from offenestadt.staff.notifications import notices, rules
from offenestadt.staff.notifications.models import NoticeChoice, NoticeKind, NoticeLanguage
from offenestadt.staff.notifications.sending import send_notice


@transaction.atomic
def notice_choices_save(*, actor: Actor, enabled: set[NoticeKind], language: str) -> None:
    """Store which kinds of notice ``actor`` gets, and in which language."""
    if not isinstance(actor, User) or not rules.can_choose_notices(actor):
        raise PermissionDenied(_("Benachrichtigungen gibt es für die Mitarbeitenden der Stadt."))
    for kind in NoticeKind:
        # unaudited: a person's own e-mail settings, not a record of the city
        NoticeChoice.objects.update_or_create(
            user=actor, kind=kind, defaults={"enabled": kind in enabled}
        )
    # unaudited: a person's own e-mail settings, not a record of the city
    NoticeLanguage.objects.update_or_create(user=actor, defaults={"language": language})


def _queue(kind: NoticeKind, record: models.Model, actor: Actor | None, reasons: list[str]) -> None:
    send_notice.enqueue(
        kind=str(kind),
        object_type=record._meta.label_lower,
        object_id=str(record.pk),
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        reasons=reasons,
    )


def notice_for_saved_record(
    *,
    sender: type[models.Model],
    record: models.Model,
    actor: Actor | None,
    entry: AuditEntry,
    **_: Any,
) -> None:
    """Receiver of audit.signals.record_saved: queue the notice the entry's event is, if any."""
    kind = notices.NOTICE_OF_EVENT.get((sender, entry.event))
    if kind is not None:
        _queue(kind, record, actor, [])


def notice_for_refusal(
    *, record: models.Model, actor: Actor, refusal: GateRefusedError, **_: Any
) -> None:
    """Receiver of charter.gates.gate_refused: tell the record's other editors."""
    if isinstance(record, notices.GATED):
        _queue(NoticeKind.GATE_REFUSED, record, actor, list(refusal.messages))
