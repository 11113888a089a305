"""Contracts and vendors in the public REST API: published contracts only."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError

from offenestadt.charter.engine import Status
from offenestadt.contracts import selectors
from offenestadt.contracts.models import (
    AccessMode,
    Contract,
    ContractQuerySet,
    ContractStatus,
    DataOwner,
    Location,
    RedactionReason,
    Vendor,
)
from offenestadt.contracts.services import contract_findings
from offenestadt.core.api import InvalidInput, LocalisedText, Paging, Problem, labelled, paged
from offenestadt.core.request_input import MAX_RECORD_ID
from offenestadt.council.api import DeliberationOut, PaperRef
from offenestadt.council.models import Paper
from offenestadt.council.selectors import Deliberation, deliberations_prefetch

router = Router(tags=["contracts"])
ContractId = PathEx[int, P(description="The contract's id.")]
VendorId = PathEx[int, P(description="The vendor's id.")]


class ContractStatusOut(Schema):
    code: ContractStatus
    label: LocalisedText


class VendorOut(Schema):
    id: int
    legal_name: str
    registry_number: str
    country: str
    address: str
    website: str


class LocationOut(Schema):
    kind: Location
    country: str
    city: str
    operator: str
    data_centre: str
    safeguard: str


class SubProcessorOut(Schema):
    name: str
    country: str = Field(description="ISO 3166-1 code; empty while the contract leaves it open.")
    purpose: str
    safeguard: str


class AccessOut(Schema):
    organisation: str
    role: str
    purpose: str
    mode: AccessMode
    country: str = Field(
        description="ISO 3166-1 code of the country access comes from (remote access); "
        "empty while unknown or for access on site."
    )
    safeguard: str = Field(description="The safeguard for access from outside the EU/EEA.")


class RedactionOut(Schema):
    passage: str
    category: RedactionReason | None = Field(description="What the redaction protects.")
    legal_basis: str = Field(
        description="The provision of the transparency or freedom-of-information law the "
        "charter names, for the category (empty: none stated, so the redaction is unjustified)."
    )
    reason: str = Field(description="The specific public justification.")

    @staticmethod
    def resolve_category(redaction: Any) -> str | None:
        return redaction.category or None


class ContractFindingOut(Schema):
    principle: str
    rule: str
    status: Status
    message: LocalisedText


class ContractSummary(Schema):
    id: int = Field(description="The contract's stable identifier.")
    title: str
    purpose: str
    status: ContractStatusOut
    vendor: VendorOut | None
    value: Decimal | None
    currency: str
    published_at: datetime
    withdrawal_until: date | None = Field(
        description="The city may withdraw until this day; the contract takes effect no earlier."
    )
    projects: list[str] = Field(description="Slugs of the published projects it serves.")

    @staticmethod
    def resolve_status(contract: Contract) -> dict[str, Any]:
        return labelled(ContractStatus(contract.status))

    @staticmethod
    def resolve_projects(contract: Contract) -> list[str]:
        return [p.slug for p in contract.projects.all() if p.is_public_record()]


class ContractDetail(ContractSummary):
    starts_on: date | None
    ends_on: date | None
    procurement_procedure: str
    data_owner: DataOwner | None
    secondary_use_prohibited: bool | None
    audit_rights: bool | None
    data_return_format: str
    deletion_at_end: bool | None
    council_papers: list[PaperRef] = Field(
        description="The council's papers about the contract (see /council/papers/{paper_id})."
    )
    council_deliberation: DeliberationOut | None = Field(
        description="The meeting that deliberates the contract: of its council papers' meetings "
        "the first (null: no paper on a meeting; then the hand-entered fields count)."
    )
    council_date: date | None = Field(
        description="The day the council deliberates the contract: council_deliberation's, "
        "else meeting_date."
    )
    council_paper: str = Field(description="Entered by hand where no paper is linked.")
    council_body: str
    meeting_date: date | None = Field(description="Entered by hand, for councils without OParl.")
    agenda_item: str
    decision_reference: str
    signed_on: date | None
    locations: list[LocationOut]
    subprocessors: list[SubProcessorOut]
    accesses: list[AccessOut]
    redactions: list[RedactionOut]
    findings: list[ContractFindingOut] = Field(
        description="The charter in force applied to the contract now."
    )

    @staticmethod
    def resolve_council_papers(contract: Contract) -> list[Paper]:
        return list(contract.council_papers.all())

    @staticmethod
    def resolve_council_deliberation(contract: Contract) -> Deliberation | None:
        return contract.council_deliberation()

    @staticmethod
    def resolve_council_date(contract: Contract) -> date | None:
        return contract.council_date()

    @staticmethod
    def resolve_data_owner(contract: Contract) -> str | None:
        return contract.data_owner or None

    @staticmethod
    def resolve_findings(contract: Contract) -> list[dict[str, Any]]:
        _, findings = contract_findings(contract)
        return [finding.as_dict() for finding in findings]


class ContractPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContractSummary]


class ContractFilters(Paging):
    status: ContractStatus | None = Field(None, description="Contracts in this state.")
    vendor: int | None = Field(None, ge=0, le=MAX_RECORD_ID, description="A vendor's id.")
    project: str | None = Field(None, description="A project's slug.")
    country: str | None = Field(
        None,
        pattern="^[A-Za-z]{2}$",
        description="Where data is processed or stored, by sub-processors too, or accessed from.",
    )
    min_value: Decimal | None = Field(None, description="At least this value (euro).")
    max_value: Decimal | None = Field(None, description="At most this value (euro).")
    q: str | None = Field(None, description="Words in the title or purpose.")

    def selection(self) -> selectors.ContractFilters:
        return selectors.ContractFilters(
            q=self.q or "",
            status=self.status,
            vendor=self.vendor,
            project=self.project or "",
            country=self.country or "",
            min_value=self.min_value,
            max_value=self.max_value,
        )


def _published() -> ContractQuerySet:
    return Contract.objects.published()


@router.get("/contracts", response={200: ContractPage, 422: InvalidInput})
def contract_list(request: HttpRequest, filters: Query[ContractFilters]) -> dict[str, Any]:
    """Published contracts by title, filtered and paged."""
    # The API shows what the public sees.
    contracts = selectors.contract_list(user=AnonymousUser(), filters=filters.selection())
    return paged(contracts.prefetch_related("projects"), filters)


@router.get("/contracts/{contract_id}", response={200: ContractDetail, 404: Problem})
def contract_detail(request: HttpRequest, contract_id: ContractId) -> Contract:
    """A published contract with its data clauses, redactions and the charter's findings."""
    contract = (
        _published()
        .select_related("vendor")
        .prefetch_related(
            "projects",
            "locations",
            "subprocessors",
            "accesses",
            "redactions",
            # Deleted in the council information system: no longer the contract's.
            Prefetch("council_papers", Paper.objects.filter(deleted=False).order_by("reference")),
            deliberations_prefetch("council_papers"),
        )
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise HttpError(404, f"There is no published contract {contract_id}.")
    return contract


@router.get("/vendors", response=list[VendorOut])
def vendor_list(request: HttpRequest) -> list[Vendor]:
    """Vendors of published contracts."""
    return list(selectors.vendors_with_published_contracts())


@router.get("/vendors/{vendor_id}", response={200: VendorOut, 404: Problem})
def vendor_detail(request: HttpRequest, vendor_id: VendorId) -> Vendor:
    """A vendor of published contracts."""
    vendor = (
        Vendor.objects.filter(pk=vendor_id, contracts__published_at__isnull=False)
        .distinct()
        .first()
    )
    if vendor is None:
        raise HttpError(404, f"There is no vendor {vendor_id} with a published contract.")
    return vendor
