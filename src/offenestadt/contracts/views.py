"""The contract register, and the staff pages that register contracts and move them on."""

from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.rules import reads_internal, staff_only
from offenestadt.audit.selectors import history_for
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.scorecard import Scorecard
from offenestadt.contracts import rules, selectors, services
from offenestadt.contracts.compliance import contract_gate, gates_ahead, redaction_problems
from offenestadt.contracts.export import contracts_csv
from offenestadt.contracts.forms import (
    CommentForm,
    ContractForm,
    ContractTransitionForm,
    DataAccessForm,
    DataLocationForm,
    HideCommentForm,
    RedactionForm,
    SubProcessorForm,
    VendorForm,
)
from offenestadt.contracts.models import (
    Contract,
    ContractComment,
    ContractStatus,
    DataAccess,
    DataLocation,
    Redaction,
    SubProcessor,
    Vendor,
)
from offenestadt.contracts.terms import changes_since_publication
from offenestadt.core.confirm import confirmation_page, confirmed
from offenestadt.core.forms import show_validation_error
from offenestadt.core.parts import PartKind, PartPage, part_page
from offenestadt.core.request_input import InputError, bounded_int, finite_decimal
from offenestadt.core.throttle import RateLimitedError, address_key
from offenestadt.council.selectors import paper_deliberations
from offenestadt.opendata.filescan import services as filescan
from offenestadt.registry.forms import projects_to_link

PAGE_SIZE = 50


def _amount(request: HttpRequest, text: str, name: str) -> Decimal | None:
    """A value filter; one that is not an amount is left out, and the page says so."""
    if not text:
        return None
    try:
        return finite_decimal(text, name=name)
    except InputError as refused:
        messages.error(request, str(refused))
        return None


def contract_list(request: HttpRequest) -> HttpResponse:
    """The public register: filters by vendor, status, project, country, value, and search."""
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "status", "auftragnehmer", "projekt", "land", "wert_ab", "wert_bis")
    }
    contracts = selectors.contract_list(
        user=request.user, filters=_contract_filters(request, filters)
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ContractStatus.choices,
            "vendors": selectors.vendors_with_published_contracts(),
            "projects": selectors.projects_with_contracts(),
            "can_create": rules.can_create_contract(request.user),
        },
    )


def _contract_filters(request: HttpRequest, shown: dict[str, str]) -> selectors.ContractFilters:
    """The register's filters from its address; a value that means nothing narrows nothing."""
    vendor = None
    if shown["auftragnehmer"]:
        try:
            vendor = bounded_int(shown["auftragnehmer"], name="auftragnehmer")
        except InputError:
            vendor = 0  # no vendor has this id: the list is empty, as for an unknown id
    known_status = shown["status"] in ContractStatus.values
    return selectors.ContractFilters(
        q=shown["q"],
        status=ContractStatus(shown["status"]) if known_status else None,
        vendor=vendor,
        project=shown["projekt"],
        country=shown["land"] if len(shown["land"]) == 2 else "",
        min_value=_amount(request, shown["wert_ab"], str(_("Wert ab (Euro)"))),
        max_value=_amount(request, shown["wert_bis"], str(_("Wert bis (Euro)"))),
    )


def contract_csv(request: HttpRequest) -> HttpResponse:
    """The published register as CSV (UTF-8 with BOM, so spreadsheets read the umlauts)."""
    contracts = selectors.contract_list(
        user=AnonymousUser(), filters=selectors.ContractFilters()
    ).prefetch_related("locations", "redactions")
    response = HttpResponse(
        "\ufeff" + contracts_csv(contracts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="vertraege.csv"'
    return response


def _contract_for(request: HttpRequest, pk: int) -> Contract:
    """The contract, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("vendor"), pk=pk
    )


def _editable_contract(request: HttpRequest, pk: int) -> Contract:
    """404 for a contract the user may not see; 403 for one they may see but not change."""
    contract = _contract_for(request, pk)
    if not rules.can_edit_contract(request.user, contract):
        raise PermissionDenied
    return contract


def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _contract_for(request, pk))


def _render_detail(
    request: HttpRequest,
    contract: Contract,
    transition_form: ContractTransitionForm | None = None,
    refusal: GateRefusedError | None = None,
    status: int = 200,
) -> HttpResponse:
    charter, findings = services.contract_findings(contract)
    can_edit = rules.can_edit_contract(request.user, contract)
    if can_edit and transition_form is None and contract.next_statuses():
        transition_form = ContractTransitionForm(contract=contract)
    council_papers = paper_deliberations(contract.council_papers.all())
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "scorecard": Scorecard.build(findings, charter),
            "changes": changes_since_publication(contract),
            "projects": contract.projects.published(),
            "council_papers": council_papers,
            # The council fields entered by hand count only while no linked paper is on a
            # meeting (Contract.council_date): then the page shows them, else the paper.
            "council_by_hand": not any(meeting for _paper, meeting in council_papers),
            "history": history_for(contract, request.user),
            "can_edit": can_edit,
            "transition_form": transition_form if can_edit else None,
            "refusal": refusal,
            "gates_ahead": gates_ahead(contract, timezone.localdate())
            if transition_form and not refusal
            else [],
            "comments": contract.comments.all(),
            "document_public": filescan.file_is_public(contract, "public_document"),
            "document_scan": filescan.current_scan(contract, "public_document")
            if reads_internal(request.user)
            else None,
            "document_problems": filescan.publication_problems(
                contract, label=str(_("Die öffentliche Fassung"))
            )
            if reads_internal(request.user)
            else [],
            "redactions": [
                (redaction, redaction_problems(redaction, charter))
                for redaction in contract.redactions.all()
            ],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register a contract (without ``pk``) or change its terms, clauses and documents."""
    if pk is None:
        staff_only(request.user, rules.can_create_contract(request.user))
        contract = Contract()
    else:
        contract = _editable_contract(request, pk)
    posted = request.method == "POST"
    form = ContractForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=contract,
        user=request.user,
    )
    if not posted:
        _choose_vendor(form, request.GET.get(CHOSEN_VENDOR, ""))
    if form.is_valid():
        try:
            services.contract_save(
                actor=request.user,
                contract=form.instance,
                projects=projects_to_link(form, contract),
                council_papers=form.cleaned_data["council_papers"],
            )
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Sie dürfen diese Projekte nicht verknüpfen."))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(form.instance)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "contract": contract if contract.pk else None},
        status=400 if posted else 200,
    )


@require_http_methods(["GET", "POST"])
def vendor_create(request: HttpRequest) -> HttpResponse:
    """Add a vendor, then go back to the contract form it was needed for."""
    staff_only(request.user, rules.can_edit_vendors(request.user))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = VendorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.vendor_save(actor=request.user, vendor=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Der Auftragnehmer „%(name)s“ ist angelegt und im Vertrag ausgewählt.")
                % {"name": form.instance},
            )
            return redirect(
                _choosing(next_url or reverse("contracts:contract_create"), form.instance)
            )
    return render(request, "contracts/vendor_form.html", {"form": form, "next": next_url})


# The contract form's address names a vendor to choose with this parameter.
CHOSEN_VENDOR = "auftragnehmer"


def _choosing(address: str, vendor: Vendor) -> str:
    """The contract form's ``address``, with ``vendor`` chosen when it opens."""
    parts = urlsplit(address)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != CHOSEN_VENDOR]
    query.append((CHOSEN_VENDOR, str(vendor.pk)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _choose_vendor(form: ContractForm, chosen: str) -> None:
    """Choose the vendor the address names, as it comes back from adding one."""
    if chosen.isdigit():
        offered = form.fields["vendor"].queryset  # type: ignore[attr-defined]
        if offered.filter(pk=int(chosen)).exists():
            form.initial["vendor"] = int(chosen)


@require_POST
def contract_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a contract on; a refusing gate shows what is missing on the contract page."""
    contract = _editable_contract(request, pk)
    form = ContractTransitionForm(request.POST, contract=contract)
    if not form.is_valid():
        return _render_detail(request, contract, transition_form=form, status=400)
    to = form.target()
    try:
        contract_gate(contract=contract, to=to, today=timezone.localdate())
        if not confirmed(request):
            return _confirm_transition(request, contract, to)
        services.contract_transition(actor=request.user, contract=contract, to=to)
    except GateRefusedError as refusal:
        contract.refresh_from_db()
        return _render_detail(request, contract, transition_form=form, refusal=refusal, status=409)
    messages.success(
        request, _("Der Vertrag ist jetzt im Stand „%(status)s“.") % {"status": to.label}
    )
    return redirect(contract)


def _confirm_transition(
    request: HttpRequest, contract: Contract, to: ContractStatus
) -> HttpResponse:
    consequences = [
        _("Der neue Stand wird im Änderungsprotokoll vermerkt."),
        _("Zurück zum bisherigen Stand geht es nicht."),
    ]
    if to == ContractStatus.PUBLISHED:
        consequences[0] = _(
            "Der Vertrag ist dann für alle sichtbar, mit seiner öffentlichen Fassung; "
            "die Frist bis zur Beratung und das Rücktrittsrecht der Stadt beginnen."
        )
    return confirmation_page(
        request,
        title=_("„%(title)s“ nach „%(status)s“ bringen?")
        % {"title": contract.title, "status": to.label},
        consequences=consequences,
        confirm_label=_("Ja, Stand ändern"),
        cancel_url=contract.get_absolute_url(),
    )


# Keyed by the word in the address: /vertraege/<pk>/<kind>/neu/.
CLAUSE_KINDS: dict[str, PartKind] = {
    "ort": PartKind(DataLocation, DataLocationForm, "daten-heading", _("Ort der Daten")),
    "unterauftragnehmer": PartKind(
        SubProcessor, SubProcessorForm, "daten-heading", _("Unterauftragnehmer")
    ),
    "zugriff": PartKind(DataAccess, DataAccessForm, "daten-heading", _("Zugriff auf Daten")),
    "schwaerzung": PartKind(Redaction, RedactionForm, "schwaerzungen-heading", _("Schwärzung")),
}


def _clause_page(request: HttpRequest, pk: int, kind: str, clause_pk: int | None) -> PartPage:
    """The clause the address names (a new one without ``clause_pk``), for its editors."""
    return part_page(CLAUSE_KINDS, kind, _editable_contract(request, pk), "contract", clause_pk)


@require_http_methods(["GET", "POST"])
def clause_edit(
    request: HttpRequest, pk: int, kind: str, clause_pk: int | None = None
) -> HttpResponse:
    """Add (without ``clause_pk``) or change a data clause of a contract."""
    page = _clause_page(request, pk, kind, clause_pk)
    form = page.kind.form(request.POST if request.method == "POST" else None, instance=page.part)
    if form.is_valid():
        try:
            services.contract_clause_save(actor=request.user, clause=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(page.section_url)
    return render(
        request,
        "contracts/clause_form.html",
        {"page": page, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def clause_delete(request: HttpRequest, pk: int, kind: str, clause_pk: int) -> HttpResponse:
    """Remove a data clause from a contract, after asking."""
    page = _clause_page(request, pk, kind, clause_pk)
    if request.method == "POST":
        services.contract_clause_delete(actor=request.user, clause=page.part)
        return redirect(page.section_url)
    return render(request, "contracts/clause_confirm_delete.html", {"page": page})


def _pdf_response(document: FieldFile, filename: str) -> FileResponse:
    if not document:
        raise Http404
    try:
        opened = document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(opened, content_type="application/pdf", filename=filename)


def public_document(request: HttpRequest, pk: int) -> FileResponse:
    """The public version of the contract, with its justified redactions."""
    contract = _contract_for(request, pk)
    cleared = filescan.file_is_public(contract, "public_document")
    if not cleared and not reads_internal(request.user):
        # Not yet checked for personal data (or refused): not for visitors.
        raise Http404
    response = _pdf_response(contract.public_document, f"vertrag-{contract.pk}.pdf")
    if contract.published_at is None or not cleared:
        patch_cache_control(response, private=True, no_store=True)
    return response


def signed_document(request: HttpRequest, pk: int) -> FileResponse:
    """The signed document, unredacted: for the contract's editors only."""
    contract = _editable_contract(request, pk)
    response = _pdf_response(contract.signed_document, f"vertrag-{contract.pk}-intern.pdf")
    patch_cache_control(response, private=True, no_store=True)
    return response


def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a published contract: a pseudonym and a text, no account, no e-mail."""
    contract = get_object_or_404(Contract.objects.published(), pk=pk)
    form = CommentForm(request.POST or None)
    retry_after: int | None = None
    if form.is_valid():
        try:
            comment = services.contract_comment_post(
                contract=contract,
                pseudonym=form.cleaned_data["pseudonym"],
                text=form.cleaned_data["text"],
                source=address_key(request),
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except RateLimitedError as refused:
            form.add_error(None, refused.message)
            retry_after = refused.retry_after
        else:
            return redirect(comment.get_absolute_url())
    context = {"contract": contract, "form": form}
    if retry_after is None:
        return render(
            request, "contracts/comment_form.html", context, status=400 if form.is_bound else 200
        )
    response = render(request, "contracts/comment_form.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def comment_hide(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """Staff hide a comment with a public reason; it is never deleted silently."""
    contract = _editable_contract(request, pk)
    comment = get_object_or_404(ContractComment, pk=comment_pk, contract=contract)
    form = HideCommentForm(request.POST or None)
    if form.is_valid():
        services.contract_comment_hide(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "contracts/comment_hide.html",
        {"contract": contract, "comment": comment, "form": form},
    )
