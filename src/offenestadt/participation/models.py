"""The models of participation, each defined in its feature (procedures, comments, proposals,
moderation, notifications), imported here so that Django registers them under the app
``participation``: their names and tables do not depend on where they are defined."""

from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import (
    Contribution,
    ContributionStatus,
    Document,
    Meeting,
    Paragraph,
    Phase,
    PhaseKind,
    Procedure,
    ProcedureQuerySet,
)
from offenestadt.participation.proposals.models import (
    Proposal,
    ProposalStatus,
    Support,
    SupportConfirmation,
)

__all__ = [
    "Comment",
    "Contribution",
    "ContributionStatus",
    "Document",
    "Meeting",
    "Paragraph",
    "Phase",
    "PhaseKind",
    "Procedure",
    "ProcedureQuerySet",
    "Proposal",
    "ProposalStatus",
    "Report",
    "Subscription",
    "Support",
    "SupportConfirmation",
]
