from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from offenestadt.audit.models import AuditEntry
from offenestadt.charter.scorecard import Scorecard
from offenestadt.contracts import services
from offenestadt.contracts.export import contracts_csv
from offenestadt.contracts.models import Contract, ContractStatus, Vendor
from offenestadt.contracts.terms import changes_since_publication
from offenestadt.registry.models import Project

PAGE_SIZE = 50


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(".", "").replace(",", ".")) if text else None
    except InvalidOperation:
        return None


def contract_list(request: HttpRequest) -> HttpResponse:
    """The public register: filters by vendor, status, project, country, value, and search."""
    contracts = Contract.objects.visible_to(request.user).select_related("vendor")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "status", "auftragnehmer", "projekt", "land", "wert_ab", "wert_bis")
    }
    if filters["q"]:
        contracts = contracts.filter(
            Q(title__icontains=filters["q"]) | Q(purpose__icontains=filters["q"])
        )
    if filters["status"] in ContractStatus.values:
        contracts = contracts.filter(status=filters["status"])
    if filters["auftragnehmer"].isdigit():
        contracts = contracts.filter(vendor_id=int(filters["auftragnehmer"]))
    if filters["projekt"]:
        contracts = contracts.filter(projects__slug=filters["projekt"])
    if len(filters["land"]) == 2:
        country = filters["land"].upper()
        contracts = contracts.filter(
            Q(locations__country=country) | Q(subprocessors__country=country)
        ).distinct()
    if (low := _amount(filters["wert_ab"])) is not None:
        contracts = contracts.filter(value__gte=low)
    if (high := _amount(filters["wert_bis"])) is not None:
        contracts = contracts.filter(value__lte=high)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ContractStatus.choices,
            "vendors": Vendor.objects.filter(contracts__published_at__isnull=False).distinct(),
            "projects": Project.objects.published().filter(contracts__isnull=False).distinct(),
        },
    )


def contract_csv(request: HttpRequest) -> HttpResponse:
    """The published register as CSV (UTF-8 with BOM, so spreadsheets read the umlauts)."""
    contracts = (
        Contract.objects.filter(published_at__isnull=False)
        .select_related("vendor")
        .prefetch_related("locations", "redactions")
    )
    response = HttpResponse(
        "\ufeff" + contracts_csv(contracts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="vertraege.csv"'
    return response


def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("vendor"), pk=pk
    )
    charter, findings = services.contract_findings(contract)
    history = AuditEntry.objects.for_record(contract)
    if not request.user.is_authenticated or not request.user.reads_internal_records:
        history = history.public()
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "scorecard": Scorecard.build(findings, charter),
            "changes": changes_since_publication(contract),
            "projects": contract.projects.published(),
            "history": history.order_by("-seq"),
        },
    )
