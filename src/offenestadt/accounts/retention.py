"""What the security log and the sign-in throttle keep, and when it goes."""

from datetime import datetime

from offenestadt.accounts.models import SignInEvent
from offenestadt.accounts.services import SIGN_IN_SCOPE
from offenestadt.core.retention import LOGS, retention_rule
from offenestadt.core.throttle import throttle_expire


@retention_rule(activity=LOGS, category="ip-address")
def sign_in_ip_addresses(cutoff: datetime) -> int:
    """The address goes; the event stays for its own, longer period."""
    # unaudited: the sign-in log is no public record; retention erases its addresses
    return SignInEvent.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )


@retention_rule(activity=LOGS, category="sign-in-events")
def sign_in_events(cutoff: datetime) -> int:
    # unaudited: the sign-in log is no public record; retention erases it
    deleted, _ = SignInEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@retention_rule(activity=LOGS, category="sign-in-throttle")
def sign_in_throttles(cutoff: datetime) -> int:
    return throttle_expire(scope_prefix=SIGN_IN_SCOPE, before=cutoff)
