"""Pages for proposals: the list with support and answers, a proposal, making one online or
entering one for staff, supporting one once per person (confirmed by e-mail) or entering
support that came offline, and the city's answer. Parse, check, call one service, render.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from offenestadt.audit.selectors import history_for
from offenestadt.charter.selectors import newest_charter
from offenestadt.core.forms import show_validation_error
from offenestadt.core.replica import reads_primary
from offenestadt.participation import throttle
from offenestadt.participation.amendments import rules as amendments_rules
from offenestadt.participation.amendments.summary import charter_change_summary
from offenestadt.participation.moderation import rules as moderation_rules
from offenestadt.participation.procedures import rules as procedures_rules
from offenestadt.participation.procedures.figures import channel_mix
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals import services
from offenestadt.participation.proposals.forms import (
    AnswerForm,
    ProposalEntryForm,
    ProposalForm,
    SupportEntryForm,
    SupportForm,
)
from offenestadt.participation.proposals.models import Proposal
from offenestadt.registry.channels import Channel

PAGE_SIZE = 50


def _procedure(request: HttpRequest, slug: str) -> Procedure:
    """The procedure, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(Procedure.objects.visible_to(request.user), slug=slug)


def proposal_for(request: HttpRequest, slug: str, pk: int) -> Proposal:
    procedure = _procedure(request, slug)
    proposal = get_object_or_404(
        Proposal.objects.annotate(support_count=Count("supports")), procedure=procedure, pk=pk
    )
    proposal.procedure = procedure
    return proposal


def proposal_url(proposal: Proposal) -> str:
    return reverse("contributions:proposal_detail", args=[proposal.procedure.slug, proposal.pk])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/contribution_throttled.html", status=429)


def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All proposals of a procedure with support and answer; hidden ones with their reason."""
    procedure = _procedure(request, slug)
    order = "unterstuetzung" if request.GET.get("ordnung") == "unterstuetzung" else "neu"
    page = Paginator(services.proposals_for(procedure, order=order), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    return render(
        request,
        "participation/contribution_proposal_list.html",
        {
            "procedure": procedure,
            "page": page,
            "order": order,
            "mix": channel_mix(procedure),
            "closed_reason": services.proposals_closed_reason(procedure, timezone.localdate()),
            "can_enter": procedures_rules.can_enter_contributions(request.user, procedure),
        },
    )


def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = proposal_for(request, slug, pk)
    procedure = proposal.procedure
    supports = {
        row["channel"]: row["n"]
        for row in proposal.supports.values("channel").annotate(n=Count("pk")).order_by()
    }
    return render(
        request,
        "participation/contribution_proposal_detail.html",
        {
            "procedure": procedure,
            "proposal": proposal,
            "supports_by_channel": [
                (label, supports.get(value, 0)) for value, label in Channel.choices
            ],
            "closed_reason": services.proposals_closed_reason(procedure, timezone.localdate()),
            "can_enter": procedures_rules.can_enter_contributions(request.user, procedure),
            "can_moderate": moderation_rules.can_moderate_procedure(request.user, procedure),
            "can_adopt": amendments_rules.can_adopt_charter_change(request.user, proposal),
            "charter_change_summary": charter_change_summary(proposal.charter_change),
            # A hidden proposal's words stay out of its page, the history's too.
            "history": history_for(proposal, request.user)
            if proposal.status == "visible"
            else None,
        },
    )


def _proposal_form_page(request: HttpRequest, slug: str, *, entry: bool) -> HttpResponse:
    procedure = _procedure(request, slug)
    if entry:
        _require(procedures_rules.can_enter_contributions(request.user, procedure))
    form_class = ProposalEntryForm if entry else ProposalForm
    # The charter a proposal in this procedure may change; None outside charter ones.
    charter = newest_charter() if procedure.amends_charter else None
    form = form_class(request.POST if request.method == "POST" else None, charter=charter)
    closed_reason = services.proposals_closed_reason(procedure, timezone.localdate())
    if form.is_valid():
        if not entry and not throttle.allow(request, "proposal"):
            return _throttled(request)
        try:
            proposal = services.proposal_create(
                actor=request.user,
                procedure=procedure,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                pseudonym=form.cleaned_data["pseudonym"],
                channel=form.cleaned_data.get("channel", Channel.ONLINE),
                charter_change=form.charter_change(),
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect("contributions:proposal_detail", procedure.slug, proposal.pk)
    return render(
        request,
        "participation/contribution_proposal_form.html",
        {"procedure": procedure, "form": form, "entry": entry, "closed_reason": closed_reason},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a proposal online: a title, a text, a pseudonym if you like; no account."""
    return _proposal_form_page(request, slug, entry=False)


@require_http_methods(["GET", "POST"])
def proposal_enter(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff enter a proposal that came by phone, letter or in person."""
    return _proposal_form_page(request, slug, entry=True)


@require_http_methods(["GET", "POST"])
def proposal_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Support a proposal online: an e-mail address, confirmed by a link, once per person.
    No account, no cookie; the address itself is not stored."""
    proposal = proposal_for(request, slug, pk)
    form = SupportForm(request.POST if request.method == "POST" else None)
    closed_reason = services.proposals_closed_reason(proposal.procedure, timezone.localdate())
    if form.is_valid():
        # Each request sends an e-mail: limited per source against mail floods.
        if not throttle.allow(request, "support"):
            return _throttled(request)
        try:
            services.support_request(proposal=proposal, email=form.cleaned_data["email"])
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return render(
                request,
                "participation/contribution_support_sent.html",
                {"procedure": proposal.procedure, "proposal": proposal},
            )
    return render(
        request,
        "participation/contribution_support_request.html",
        {
            "procedure": proposal.procedure,
            "proposal": proposal,
            "form": form,
            "closed_reason": closed_reason,
        },
        status=400 if form.is_bound else 200,
    )


@reads_primary  # The e-mail may be opened seconds after it was sent.
@require_http_methods(["GET", "POST"])
def support_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail. Confirming takes a button, so that a mail program that
    opens links to check them does not support anything for anyone."""
    confirmation = services.support_confirmation_by_token(token)
    if confirmation is None:
        raise Http404
    proposal = confirmation.proposal
    outcome = services.SupportCounted.ALREADY if confirmation.confirmed_at is not None else None
    refusal = ""
    if request.method == "POST" and outcome is None:
        try:
            outcome = services.support_confirm(token=token)
        except (PermissionDenied, ValidationError) as refused:
            refusal = " ".join(getattr(refused, "messages", [str(refused)]))
    return render(
        request,
        "participation/contribution_support_confirm.html",
        {
            "procedure": proposal.procedure,
            "proposal": proposal,
            "outcome": outcome,
            "refusal": refusal,
        },
        status=409 if refusal else 200,
    )


@require_http_methods(["GET", "POST"])
def proposal_support_enter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Staff enter support that came by phone, letter or in person."""
    proposal = proposal_for(request, slug, pk)
    _require(procedures_rules.can_enter_contributions(request.user, proposal.procedure))
    form = SupportEntryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.proposal_support(
                actor=request.user,
                proposal=proposal,
                channel=form.cleaned_data["channel"],
                count=form.cleaned_data["count"],
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(proposal_url(proposal) + "#unterstuetzung")
    return render(
        request,
        "participation/contribution_support_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )


@require_http_methods(["GET", "POST"])
def proposal_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Staff give the city's answer: accepted, partly or not, and why."""
    proposal = proposal_for(request, slug, pk)
    _require(moderation_rules.can_moderate_procedure(request.user, proposal.procedure))
    form = AnswerForm.for_proposal(proposal, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.proposal_answer(
                actor=request.user,
                proposal=proposal,
                status=form.cleaned_data["proposal_status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(proposal_url(proposal) + "#antwort")
    return render(
        request,
        "participation/contribution_answer_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )
