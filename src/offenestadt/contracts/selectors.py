"""Reading the contract register: the list and its filters, shared by the page, the API,
the CSV export and the OCDS release packages; the contracts held at a gate and their dates
ahead, for the staff's inbox."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from offenestadt.accounts.models import Actor
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import CONTRACT_MIN_PUBLIC_DAYS, parameter_value
from offenestadt.contracts.compliance import contract_gate
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractQuerySet,
    ContractStatus,
    DataAccess,
    DataLocation,
    SubProcessor,
    Vendor,
)
from offenestadt.contracts.rules import contracts_editable_by
from offenestadt.registry.models import Project


@dataclass(frozen=True)
class ContractFilters:
    """What the contract list is narrowed to; empty fields narrow nothing.

    The register page builds it from its address (``?q=&status=&auftragnehmer=&projekt=
    &land=&wert_ab=&wert_bis=``), the API from its query parameters.
    """

    # Words in the title or purpose.
    q: str = ""
    status: ContractStatus | None = None
    # A vendor's id.
    vendor: int | None = None
    # A project's slug.
    project: str = ""
    # Two letters: where data is processed or stored, by sub-processors too, or accessed from.
    country: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None


def contract_list(*, user: Actor, filters: ContractFilters) -> ContractQuerySet:
    """The contracts ``user`` may see that match ``filters``, with their vendor."""
    contracts = Contract.objects.visible_to(user).select_related("vendor")
    if filters.q:
        contracts = contracts.filter(
            Q(title__icontains=filters.q) | Q(purpose__icontains=filters.q)
        )
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.vendor is not None:
        contracts = contracts.filter(vendor_id=filters.vendor)
    if filters.project:
        contracts = contracts.filter(projects__slug=filters.project)
    if filters.country:
        country = filters.country.upper()
        contracts = contracts.filter(
            Q(locations__country=country)
            | Q(subprocessors__country=country)
            | Q(accesses__country=country, accesses__mode=AccessMode.REMOTE)
        ).distinct()
    if filters.min_value is not None:
        contracts = contracts.filter(value__gte=filters.min_value)
    if filters.max_value is not None:
        contracts = contracts.filter(value__lte=filters.max_value)
    return contracts


def contracts_with_data_flows(*, user: Actor) -> ContractQuerySet:
    """The contracts ``user`` may see by title, with their vendor and where their data goes:
    locations, sub-processors and (as ``remote_accesses``) access from afar."""
    return (
        Contract.objects.visible_to(user)
        .select_related("vendor")
        .prefetch_related(
            Prefetch("locations", queryset=DataLocation.objects.order_by("pk")),
            Prefetch("subprocessors", queryset=SubProcessor.objects.order_by("pk")),
            Prefetch(
                "accesses",
                queryset=DataAccess.objects.filter(mode=AccessMode.REMOTE).order_by("pk"),
                to_attr="remote_accesses",
            ),
        )
        .order_by("title")
    )


def vendors_with_published_contracts() -> QuerySet[Vendor]:
    """The vendors the public register names, and its list can be narrowed to."""
    return Vendor.objects.filter(contracts__published_at__isnull=False).distinct()


def projects_with_contracts() -> QuerySet[Project]:
    """Published projects with contracts: those the register's list can be narrowed to."""
    return Project.objects.published().filter(contracts__isnull=False).distinct()


# The steps a gate may hold back for something the contract's editors can supply; taking
# effect waits only for the withdrawal period to end (a date, not a task).
HELD_BEFORE = frozenset(
    {
        ContractStatus.DRAFT,
        ContractStatus.PUBLISHED,
        ContractStatus.DELIBERATION,
        ContractStatus.DECIDED,
    }
)


@dataclass(frozen=True)
class HeldContract:
    """A contract its next gate would refuse today, with the refusal's reasons."""

    contract: Contract
    next_status: ContractStatus
    refusal: GateRefusedError


def contracts_held_at_gate(user: Actor, today: date) -> list[HeldContract]:
    """The contracts ``user`` may change whose next step ``contract_gate`` refuses today."""
    held = []
    contracts = contracts_editable_by(user).filter(status__in=HELD_BEFORE).order_by("title")
    for contract in contracts:
        next_status = contract.next_statuses()[0]
        try:
            contract_gate(contract=contract, to=next_status, today=today)
        except GateRefusedError as refusal:
            held.append(HeldContract(contract, next_status, refusal))
    return held


def contracts_reaching_public_days(
    user: Actor, charter: CharterVersion | None, first: date, last: date
) -> list[tuple[Contract, date]]:
    """``user``'s published contracts that reach the charter's minimum days in public
    between ``first`` and ``last``, with that day: from then on the council may deliberate."""
    days = timedelta(days=parameter_value(charter, CONTRACT_MIN_PUBLIC_DAYS))
    contracts = contracts_editable_by(user).filter(
        status=ContractStatus.PUBLISHED,
        published_at__date__range=(first - days, last - days),
    )
    return [
        (contract, timezone.localdate(contract.published_at) + days)
        for contract in contracts.order_by("published_at")
    ]


def contracts_meeting_between(user: Actor, first: date, last: date) -> QuerySet[Contract]:
    """``user``'s contracts before the council whose meeting falls between the two days."""
    return (
        contracts_editable_by(user)
        .filter(
            status__in=(ContractStatus.PUBLISHED, ContractStatus.DELIBERATION),
            meeting_date__range=(first, last),
        )
        .order_by("meeting_date")
    )


def contracts_withdrawal_ending_between(user: Actor, first: date, last: date) -> QuerySet[Contract]:
    """``user``'s signed contracts whose withdrawal period ends between the two days."""
    return (
        contracts_editable_by(user)
        .filter(status=ContractStatus.SIGNED, withdrawal_until__range=(first, last))
        .order_by("withdrawal_until")
    )
