"""The page where administrators adopt the charter change a proposal asks for."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from offenestadt.core.forms import show_validation_error
from offenestadt.participation.amendments import compliance, rules, services
from offenestadt.participation.amendments.forms import AdoptForm
from offenestadt.participation.proposals.views import proposal_for


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def proposal_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Administrators adopt the charter change a proposal asks for: a new charter version."""
    proposal = proposal_for(request, slug, pk)
    _require(rules.can_adopt_charter_change(request.user, proposal))
    needs_english = "principle" in proposal.charter_change and not proposal.charter_change.get(
        "text_en"
    )
    # Shown before the form is filled in: an amendment follows the procedure's end and report.
    refusal = compliance.proposal_charter_adopt_refusal(proposal=proposal)
    form = AdoptForm(
        request.POST if request.method == "POST" and not refusal else None,
        needs_english=needs_english,
    )
    if form.is_valid():
        try:
            version = services.proposal_charter_adopt(
                actor=request.user,
                proposal=proposal,
                council_decision=form.cleaned_data["council_decision"],
                adopted_on=form.cleaned_data["adopted_on"],
                answer=form.cleaned_data["answer"],
                text_en=form.cleaned_data.get("text_en", ""),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(version)
    return render(
        request,
        "participation/contribution_adopt_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )
