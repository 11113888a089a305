"""Reading the contract register: the list and its filters, shared by the page, the API,
the CSV export and the OCDS release packages; the contracts held at a gate and their dates
ahead, for the staff's inbox."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import (
    CharField,
    DateField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import Range
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import CONTRACT_MIN_PUBLIC_DAYS
from offenestadt.charter.selectors import public_days_reached_on, published_long_enough_between
from offenestadt.contracts.compliance import contract_refusal
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
from offenestadt.core.countries import is_third_country
from offenestadt.council.models import Paper
from offenestadt.council.selectors import deliberation_start, deliberations_prefetch
from offenestadt.opendata.filescan import services as filescan
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


def contracts_before_a_gate(user: Actor) -> QuerySet[Contract]:
    """The contracts ``user`` may change whose next step a gate may hold back."""
    return contracts_editable_by(user).filter(status__in=HELD_BEFORE)


def contracts_held_at_gate(
    user: Actor, today: date, charter: CharterVersion | None
) -> list[HeldContract]:
    """The contracts ``user`` may change whose next step ``contract_gate`` refuses today
    under ``charter`` (the one in force). A fixed number of queries, however many there are
    (the navigation counts them): what the gate reads of each contract comes at once."""
    contracts = list(
        contracts_before_a_gate(user)
        .select_related("vendor")
        .prefetch_related(
            "locations",
            "subprocessors",
            "accesses",
            "redactions",
            deliberations_prefetch("council_papers"),
        )
        .order_by("title")
    )
    scans = filescan.current_scans(
        [c for c in contracts if c.status == ContractStatus.DRAFT], "public_document"
    )
    held = []
    for contract in contracts:
        next_status = contract.next_statuses()[0]
        refusal = contract_refusal(
            contract=contract,
            to=next_status,
            today=today,
            charter=charter,
            scans={"public_document": scans.get(contract.pk)},
        )
        if refusal is not None:
            held.append(HeldContract(contract, next_status, refusal))
    return held


def contracts_reaching_public_days(
    user: Actor, charter: CharterVersion | None, first: date, last: date
) -> list[tuple[Contract, date]]:
    """``user``'s published contracts that reach the charter's minimum days in public
    between ``first`` and ``last``, with that day: from then on the council may deliberate."""
    return public_days_reached_on(
        contracts_public_long_enough_between(user, charter, first, last),
        charter,
        CONTRACT_MIN_PUBLIC_DAYS,
    )


def contracts_public_long_enough_between(
    user: Actor, charter: CharterVersion | None, first: date, last: date
) -> QuerySet[Contract]:
    """The contracts of :func:`contracts_reaching_public_days`, as a queryset (to count them)."""
    return published_long_enough_between(
        contracts_editable_by(user).filter(status=ContractStatus.PUBLISHED),
        charter,
        CONTRACT_MIN_PUBLIC_DAYS,
        first,
        last,
    )


def council_day(today: date) -> Coalesce:
    """Contract.council_date in SQL, for a query of contracts: the day of the first linked
    paper's meeting (council.selectors.deliberation_start), else the day entered by hand."""
    starts = (
        Paper.objects.filter(contracts=OuterRef("pk"), deleted=False)
        .annotate(start=deliberation_start(today))
        .filter(start__isnull=False)
        .order_by("start")
        .values("start")[:1]
    )
    return Coalesce(TruncDate(Subquery(starts)), F("meeting_date"), output_field=DateField())


def contracts_meeting_between(
    user: Actor, first: date, last: date, today: date | None = None
) -> QuerySet[Contract]:
    """``user``'s contracts before the council whose meeting falls between the two days: the
    meeting of a linked paper (as of ``today``), else the day entered by hand. With what
    Contract.council_date reads, so that it asks nothing more of each."""
    day = council_day(today or timezone.localdate())
    return (
        contracts_editable_by(user)
        .filter(
            Range(day, (first, last)),
            status__in=(ContractStatus.PUBLISHED, ContractStatus.DELIBERATION),
        )
        .prefetch_related(deliberations_prefetch("council_papers"))
        .order_by(day, "pk")
    )


def contracts_withdrawal_ending_between(user: Actor, first: date, last: date) -> QuerySet[Contract]:
    """``user``'s signed contracts whose withdrawal period ends between the two days."""
    return (
        contracts_editable_by(user)
        .filter(status=ContractStatus.SIGNED, withdrawal_until__range=(first, last))
        .order_by("withdrawal_until")
    )


class DataRegion(models.TextChoices):
    """Where a contract's data goes, as far as the contract says."""

    EU_EEA = "eu_eea", _("nur EU/EWR")
    THIRD_COUNTRY = "third_country", _("auch in Drittländern")
    UNKNOWN = "unknown", _("Ort nicht vollständig angegeben")


def data_region(locations: list[str], others: list[str]) -> DataRegion:
    """The region of a contract whose data is processed or stored in the countries
    ``locations`` and goes to ``others`` (sub-processors, remote accesses; empty where the
    contract leaves the country open)."""
    if any(is_third_country(country) for country in [*locations, *others]):
        return DataRegion.THIRD_COUNTRY
    if not locations or not all(others):
        return DataRegion.UNKNOWN
    return DataRegion.EU_EEA


def contract_data_region(contract: Contract) -> DataRegion:
    """The region of a contract from :func:`contracts_with_data_flows`."""
    return data_region(
        [location.country for location in contract.locations.all()],
        [sub.country for sub in contract.subprocessors.all()]
        + [access.country for access in contract.remote_accesses],  # type: ignore[attr-defined]
    )


def contracts_by_data_region() -> dict[DataRegion, int]:
    """The published contracts by where their data goes, in one query."""
    published = Q(contract__published_at__isnull=False)

    def flows(model: type[models.Model], is_location: bool, **narrow: Any) -> QuerySet[Any]:
        rows: QuerySet[Any] = (
            model._default_manager.filter(published, **narrow)
            .annotate(is_location=Value(is_location))
            .values_list("contract_id", "country", "is_location")
            .order_by()
        )
        return rows

    rows = (
        Contract.objects.published()
        .annotate(country=Value(None, output_field=CharField()), is_location=Value(False))
        .values_list("pk", "country", "is_location")
        .order_by()
        .union(
            flows(DataLocation, True),
            flows(SubProcessor, False),
            flows(DataAccess, False, mode=AccessMode.REMOTE),
            all=True,
        )
        .order_by()
    )
    places: dict[int, tuple[list[str], list[str]]] = {}
    for contract, country, is_location in rows:
        locations, others = places.setdefault(contract, ([], []))
        if country is not None:
            (locations if is_location else others).append(country)
    counts = dict.fromkeys(DataRegion, 0)
    for locations, others in places.values():
        counts[data_region(locations, others)] += 1
    return counts


def contracts_signed_in(year: int) -> ContractQuerySet:
    """The published contracts signed in ``year``, with their vendor and where their data goes,
    in the order they were signed."""
    return (
        contracts_with_data_flows(user=AnonymousUser())
        .filter(signed_on__year=year)
        .order_by("signed_on", "title")
    )
