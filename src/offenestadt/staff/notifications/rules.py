"""Who chooses notices and who receives which: built on accounts.rules, where roles are read.

Notices go to the city's staff only, never to residents: the DPO hears of entries waiting
for review; the editors of the office that keeps a record hear of its return, approval and
refused gates; those who moderate a procedure hear of new reports.
"""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, User
from offenestadt.accounts.rules import (
    administrators,
    data_protection_officers,
    editors_of,
    reads_internal,
)
from offenestadt.participation.procedures.models import Procedure


def can_choose_notices(user: Actor) -> bool:
    """The city's staff (editors, the DPO, administrators) choose what they hear about."""
    return reads_internal(user)


def reviewers() -> QuerySet[User]:
    return data_protection_officers()


def keepers_of(office_ids: set[int | None]) -> QuerySet[User]:
    """The editors of the offices that keep a record."""
    keepers = User.objects.none()
    for office_id in office_ids:
        if office_id is not None:
            keepers |= editors_of(office_id)
    return keepers


def moderators_of(procedure: Procedure) -> QuerySet[User]:
    """As participation.moderation.rules: the charter's procedures are the administrators'."""
    if procedure.amends_charter:
        return administrators()
    return (
        editors_of(procedure.office_id) if procedure.office_id is not None else User.objects.none()
    )
