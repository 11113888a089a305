"""Reading the contract register: the list and its filters, shared by the page, the API,
the CSV export and the OCDS release packages."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from offenestadt.accounts.models import Actor
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
