"""Writing comments: online without an account while a consultation phase runs, or entered
by staff for a call, a letter or a visit with its channel; both count alike. Hiding one is
moderation's (moderation.services).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures import rules as procedures_rules
from offenestadt.participation.procedures.figures import is_consultation_open
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Paragraph,
    PhaseKind,
    Procedure,
)
from offenestadt.registry.channels import Channel

# The model's text field says 4000; a TextField's max_length binds forms only.
COMMENT_MAX_LENGTH = 4000


def comments_closed_reason(procedure: Procedure, today: date) -> str | None:
    """Why no comment is taken today, in a sentence; None while the consultation runs."""
    if is_consultation_open(procedure, today):
        return None
    if procedure.published_at is None:
        return _("Das Verfahren ist noch nicht veröffentlicht.")
    consultations = [p for p in procedure.phases.all() if p.kind == PhaseKind.CONSULTATION]
    upcoming = [p for p in consultations if p.starts_on > today]
    if upcoming:
        return _("Kommentieren können Sie in der Beteiligungsphase ab dem %(date)s.") % {
            "date": upcoming[0].starts_on.strftime("%d.%m.%Y")
        }
    if consultations:
        return _("Die Beteiligungsphase ist beendet; Kommentare sind nicht mehr möglich.")
    return _("In diesem Verfahren gibt es keine Phase für Kommentare.")


@transaction.atomic
def comment_post(
    *,
    actor: Actor | None,
    procedure: Procedure,
    text: str,
    pseudonym: str = "",
    paragraph: Paragraph | None = None,
    parent: Comment | None = None,
    channel: Channel = Channel.ONLINE,
    today: date | None = None,
) -> Comment:
    """A comment on the procedure, on one paragraph of its text, or a reply to a comment.

    Online, anyone may comment while a consultation phase runs; a pseudonym is optional.
    Staff enter what came by phone, letter or in person with its channel: it counts the
    same. The audit trail records the role that acted, never who wrote.
    """
    today = today or timezone.localdate()
    entered_by_role = ""
    if channel != Channel.ONLINE:
        if actor is None or not procedures_rules.can_enter_contributions(actor, procedure):
            raise PermissionDenied(
                _(
                    "Nur die Verwaltung trägt Beiträge ein, die per Telefon, Brief oder vor "
                    "Ort kamen."
                )
            )
        entered_by_role = str(actor.role)  # type: ignore[union-attr]
    # As stored now: the caller's copy may carry older phases.
    stored = Procedure.objects.prefetch_related("phases").get(pk=procedure.pk)
    reason = comments_closed_reason(stored, today)
    if reason is not None:
        raise PermissionDenied(reason)
    if parent is not None:
        if parent.procedure_id != procedure.pk:
            raise ValidationError(_("Der Kommentar, auf den Sie antworten, gehört nicht hierher."))
        # Replies form one level under a comment: a reply to a reply joins its thread.
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if parent.status == ContributionStatus.HIDDEN:
            raise ValidationError(_("Auf einen ausgeblendeten Kommentar kann man nicht antworten."))
        paragraph = parent.paragraph
    if paragraph is not None and paragraph.document.procedure_id != procedure.pk:
        raise ValidationError(_("Der Absatz gehört nicht zu diesem Verfahren."))
    text = text.strip()
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Der Kommentar ist länger als %(limit)s Zeichen.")
                % {"limit": COMMENT_MAX_LENGTH}
            }
        )
    comment = Comment(
        procedure=procedure,
        paragraph=paragraph,
        parent=parent,
        pseudonym=pseudonym.strip(),
        text=text,
        channel=channel,
        entered_by_role=entered_by_role,
    )
    comment.full_clean()
    save_record(record=comment, actor=actor, event=AuditEvent.CREATED)
    return comment
