"""The gate before a charter amendment is adopted: like every decision, it follows the
participation about it."""

from datetime import date

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.charter.models import CharterVersion
from offenestadt.participation.procedures.models import ContributionStatus, Phase
from offenestadt.participation.proposals.models import Proposal, ProposalStatus


def proposal_charter_adopt_refusal(*, proposal: Proposal, today: date | None = None) -> list[str]:
    """Why the charter change ``proposal`` asks for cannot be adopted now (empty: it can).

    Like every decision, an amendment follows the participation: the procedure is public,
    its last phase is over and its result report is published. The adoption page shows
    these reasons before anyone fills in the form; the service refuses with them.
    """
    today = today or timezone.localdate()
    procedure = proposal.procedure
    problems: list[str] = []
    if not procedure.amends_charter or not proposal.charter_change:
        problems.append(_("Dieser Vorschlag ändert die Charta nicht."))
    if proposal.proposal_status == ProposalStatus.ACCEPTED:
        problems.append(_("Diese Änderung ist schon beschlossen."))
    if proposal.status == ContributionStatus.HIDDEN:
        problems.append(_("Der Vorschlag ist ausgeblendet."))
    if procedure.published_at is None:
        problems.append(_("Das Verfahren ist nicht veröffentlicht."))
    ends_on = Phase.objects.filter(procedure=procedure).aggregate(end=Max("ends_on"))["end"]
    if ends_on is None or ends_on >= today:
        problems.append(
            _("Eine Änderung wird erst nach dem Ende des Verfahrens beschlossen (%(end)s).")
            % {"end": ends_on.strftime("%d.%m.%Y") if ends_on else _("keine Phasen")}
        )
    if procedure.result_report_published_at is None:
        problems.append(
            _(
                "Der Ergebnisbericht des Verfahrens ist nicht veröffentlicht; eine Änderung "
                "wird erst danach beschlossen."
            )
        )
    if not CharterVersion.objects.exists():
        problems.append(_("Es ist keine Charta beschlossen."))
    return problems
