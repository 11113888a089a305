"""Participants' names and contacts go a month after their session ends (the register's
period); what stays is the number of registrations, without anyone in them. The throttle's
counters go with the logs."""

from datetime import datetime

from offenestadt.core.retention import LOGS, TRAINING, retention_rule
from offenestadt.core.throttle import throttle_expire
from offenestadt.training.models import Registration
from offenestadt.training.services import REGISTRATION_THROTTLE_SCOPE


@retention_rule(activity=TRAINING, category="participant-contact")
def participant_contacts(cutoff: datetime) -> int:
    # unaudited: retention erases personal data; registrations are no public record
    return Registration.objects.filter(session__ends_at__lt=cutoff, erased=False).update(
        name="", contact="", erased=True
    )


@retention_rule(activity=LOGS, category="rate-limit")
def registration_throttle_counters(cutoff: datetime) -> int:
    return throttle_expire(scope_prefix=REGISTRATION_THROTTLE_SCOPE, before=cutoff)
