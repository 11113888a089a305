"""The page where administrators adopt the charter change a proposal asks for."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from offenestadt.core.forms import show_validation_error
from offenestadt.participation.amendments import compliance, rules, services
from offenestadt.participation.amendments.forms import AdoptForm
from offenestadt.participation.amendments.summary import charter_change_summary
from offenestadt.participation.proposals.views import proposal_for


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def proposal_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Administrators adopt the charter change a proposal asks for: a new charter version."""
    proposal = proposal_for(request, slug, pk)
    _require(rules.can_adopt_charter_change(request.user, proposal))
    texts_needed = services.charter_change_texts_missing(proposal.charter_change)
    # Shown before the form is filled in: an amendment follows the procedure's end and report.
    refusal = compliance.proposal_charter_adopt_refusal(proposal=proposal)
    form = AdoptForm(
        request.POST if request.method == "POST" and not refusal else None,
        texts_needed=texts_needed,
    )
    if form.is_valid():
        try:
            version = services.proposal_charter_adopt(
                actor=request.user,
                proposal=proposal,
                council_decision=form.cleaned_data["council_decision"],
                adopted_on=form.cleaned_data["adopted_on"],
                answer=form.cleaned_data["answer"],
                texts={key: form.cleaned_data[key] for key in texts_needed},
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(version)
    return render(
        request,
        "participation/contribution_adopt_form.html",
        {
            "procedure": proposal.procedure,
            "proposal": proposal,
            "charter_change_summary": charter_change_summary(proposal.charter_change),
            "form": form,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )
