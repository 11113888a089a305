"""Names on comments go after their retention; the comments stay part of the record. The
throttle's counters of comments per address go after a day."""

from datetime import datetime

from offenestadt.contracts.models import ContractComment
from offenestadt.contracts.services import COMMENT_THROTTLE_SCOPE
from offenestadt.core.retention import CONTRIBUTIONS, LOGS, retention_rule
from offenestadt.core.throttle import throttle_expire


@retention_rule(activity=CONTRIBUTIONS, category="contributor-name")
def comment_names(cutoff: datetime) -> int:
    # unaudited: retention erases a name; an entry would keep the name it erases
    return (
        ContractComment.objects.filter(created_at__lt=cutoff)
        .exclude(pseudonym="")
        .update(pseudonym="")
    )


@retention_rule(activity=LOGS, category="rate-limit")
def comment_throttle_counters(cutoff: datetime) -> int:
    return throttle_expire(scope_prefix=COMMENT_THROTTLE_SCOPE, before=cutoff)
