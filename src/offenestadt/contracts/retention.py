"""Names on comments go after their retention; the comments stay part of the record."""

from datetime import datetime

from offenestadt.contracts.models import ContractComment
from offenestadt.processing.platform import CONTRIBUTIONS
from offenestadt.processing.retention import retention_rule


@retention_rule(activity=CONTRIBUTIONS, category="contributor-name")
def comment_names(cutoff: datetime) -> int:
    return (
        ContractComment.objects.filter(created_at__lt=cutoff)
        .exclude(pseudonym="")
        .update(pseudonym="")
    )
