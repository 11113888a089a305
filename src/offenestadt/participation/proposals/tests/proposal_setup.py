"""Procedures for the tests of proposals, moderation, notifications and the charter: rows
as stored (the procedures' own write path has its own tests)."""

from datetime import timedelta

from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.participation.procedures.models import Phase, PhaseKind, Procedure

# An address from the documentation range (RFC 5737), as the test client's source.
CLIENT_ADDRESS = "203.0.113.77"


def running_procedure(
    office: Office | None,
    *,
    slug: str = "radwege",
    amends_charter: bool = False,
    started_days_ago: int = 5,
    days_left: int = 10,
) -> Procedure:
    """A published procedure whose consultation phase runs today."""
    today = timezone.localdate()
    procedure = Procedure.objects.create(
        slug=slug,
        title="Radwege in der Innenstadt" if not amends_charter else "Die Charta überarbeiten",
        summary="Wo sollen neue Radwege entstehen?",
        office=office,
        published_at=timezone.now(),
        amends_charter=amends_charter,
    )
    Phase.objects.create(
        procedure=procedure,
        kind=PhaseKind.CONSULTATION,
        starts_on=today - timedelta(days=started_days_ago),
        ends_on=today + timedelta(days=days_left),
    )
    return procedure


def end_procedure(procedure: Procedure, *, days_ago: int = 1) -> None:
    """Move the procedure's phases into the past: its last day was ``days_ago`` days ago."""
    today = timezone.localdate()
    for phase in procedure.phases.all():
        length = phase.ends_on - phase.starts_on
        phase.ends_on = today - timedelta(days=days_ago)
        phase.starts_on = phase.ends_on - length
        phase.save()
