"""Reading moderation for someone's work: the reported contributions waiting for them."""

from django.db.models import Exists, OuterRef, QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import rules
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.proposals.models import Proposal


def reported_comments(user: Actor) -> QuerySet[Comment]:
    """The comments with open reports that ``user`` may moderate."""
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return Comment.objects.filter(procedure__in=rules.procedures_moderated_by(user)).filter(
        Exists(open_reports)
    )


def reported_proposals(user: Actor) -> QuerySet[Proposal]:
    """The proposals with open reports that ``user`` may moderate."""
    open_reports = Report.objects.filter(proposal=OuterRef("pk"), resolved_at__isnull=True)
    return Proposal.objects.filter(procedure__in=rules.procedures_moderated_by(user)).filter(
        Exists(open_reports)
    )
