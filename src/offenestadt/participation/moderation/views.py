"""Moderation pages: the report button for everyone, hiding a comment or a proposal with a
public reason, and the queue of reported contributions with its decisions.
"""

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from offenestadt.accounts.rules import staff_only
from offenestadt.core.converters import words_converter
from offenestadt.core.forms import show_validation_error
from offenestadt.participation import throttle
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.comments.views import comment_url
from offenestadt.participation.moderation import rules, services
from offenestadt.participation.moderation.forms import (
    HideContributionForm,
    HideForm,
    ReportForm,
    ResolveForm,
)
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.views import procedure_for
from offenestadt.participation.proposals.models import Proposal
from offenestadt.participation.proposals.views import proposal_for, proposal_url

# The kinds of contribution in addresses: /beteiligung/<slug>/melden/kommentar/3/.
CONTRIBUTION_KINDS: dict[str, type[Comment] | type[Proposal]] = {
    "kommentar": Comment,
    "vorschlag": Proposal,
}
ContributionKindConverter = words_converter(CONTRIBUTION_KINDS)


def _contribution(
    request: HttpRequest, kind: str, pk: int, slug: str | None = None
) -> services.Contribution:
    model = CONTRIBUTION_KINDS[kind]
    found = cast(
        "services.Contribution",
        get_object_or_404(model.objects.select_related("procedure"), pk=pk),
    )
    if slug is not None and found.procedure.slug != slug:
        raise Http404
    if not Procedure.objects.visible_to(request.user).filter(pk=found.procedure.pk).exists():
        raise Http404
    return found


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/contribution_throttled.html", status=429)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def comment_hide(request: HttpRequest, slug: str, comment_pk: int) -> HttpResponse:
    """Staff hide a comment with a public reason; it is never deleted silently."""
    procedure = procedure_for(request, slug)
    _require(rules.can_moderate_procedure(request.user, procedure))
    comment = get_object_or_404(
        Comment.objects.select_related("paragraph"), pk=comment_pk, procedure=procedure
    )
    form = HideContributionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.contribution_hide(
                actor=request.user, contribution=comment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(comment_url(comment))
    return render(
        request,
        "participation/comment_hide.html",
        {"procedure": procedure, "comment": comment, "form": form},
    )


@require_http_methods(["GET", "POST"])
def proposal_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Staff hide a proposal with a public reason; it stays listed and stored."""
    proposal = proposal_for(request, slug, pk)
    _require(rules.can_moderate_procedure(request.user, proposal.procedure))
    form = HideForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.contribution_hide(
                actor=request.user, contribution=proposal, reason=form.cleaned_data["hidden_reason"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(proposal_url(proposal))
    return render(
        request,
        "participation/contribution_hide_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The report button: anyone may flag a comment or a proposal, without an account."""
    contribution = _contribution(request, kind, pk, slug)
    form = ReportForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "procedure": contribution.procedure,
        "contribution": contribution,
        "kind": kind,
        "form": form,
    }
    if form.is_valid():
        if not throttle.allow(request, "report"):
            return _throttled(request)
        try:
            services.report_create(
                actor=request.user, contribution=contribution, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return render(request, "participation/contribution_report_sent.html", context)
    return render(request, "participation/contribution_report_form.html", context)


def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Reported contributions waiting for a decision, for the staff who may moderate them."""
    staff_only(request.user)
    return render(
        request,
        "participation/contribution_moderation_queue.html",
        {"items": services.moderation_queue(actor=request.user)},
    )


@require_http_methods(["GET", "POST"])
def report_resolve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Decide on a reported contribution: it stays (with a note) or is hidden (with a
    public reason). Nothing is deleted."""
    staff_only(request.user)
    contribution = _contribution(request, kind, pk)
    _require(rules.can_moderate_procedure(request.user, contribution.procedure))
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if form.cleaned_data["decision"] == ResolveForm.HIDE:
                services.contribution_hide(
                    actor=request.user, contribution=contribution, reason=text
                )
            else:
                services.reports_keep(actor=request.user, contribution=contribution, note=text)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect("contributions:moderation_queue")
    return render(
        request,
        "participation/contribution_resolve_form.html",
        {
            "procedure": contribution.procedure,
            "contribution": contribution,
            "kind": kind,
            "reports": contribution.reports.filter(resolved_at__isnull=True),
            "form": form,
        },
    )
