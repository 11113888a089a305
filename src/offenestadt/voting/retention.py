"""What voting keeps about sources, and when it goes: the throttle's counters, after a day.

Ballots and codes keep nothing about voters, so there is nothing else to erase."""

from datetime import datetime

from offenestadt.core.retention import LOGS, retention_rule
from offenestadt.core.throttle import throttle_expire
from offenestadt.voting.services import THROTTLE_SCOPE_PREFIX


@retention_rule(activity=LOGS, category="rate-limit")
def vote_throttle_counters(cutoff: datetime) -> int:
    return throttle_expire(scope_prefix=THROTTLE_SCOPE_PREFIX, before=cutoff)
