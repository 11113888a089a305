"""Pages for proposals and their support, reports and the moderation queue, and e-mail
notifications. Parse, check, call one service, render."""

from typing import Any, cast

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from offenestadt.accounts.models import Role
from offenestadt.accounts.rules import reads_internal, staff_only
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.models import CharterVersion
from offenestadt.core.converters import words_converter
from offenestadt.core.forms import show_validation_error
from offenestadt.core.replica import reads_primary
from offenestadt.participation import contributions, rules, services, throttle
from offenestadt.participation.contribution_forms import (
    AdoptForm,
    AnswerForm,
    HideForm,
    ProposalEntryForm,
    ProposalForm,
    ReportForm,
    ResolveForm,
    SubscribeForm,
    SupportEntryForm,
    SupportForm,
)
from offenestadt.participation.figures import channel_mix
from offenestadt.participation.models import Comment, Procedure, Proposal, Subscription
from offenestadt.registry.models import Channel

PAGE_SIZE = 50
# The kinds of contribution in addresses: /beteiligung/<slug>/melden/kommentar/3/.
CONTRIBUTION_KINDS: dict[str, type[Comment] | type[Proposal]] = {
    "kommentar": Comment,
    "vorschlag": Proposal,
}
ContributionKindConverter = words_converter(CONTRIBUTION_KINDS)


def _procedure(request: HttpRequest, slug: str) -> Procedure:
    """The procedure, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(Procedure.objects.visible_to(request.user), slug=slug)


def _proposal(request: HttpRequest, slug: str, pk: int) -> Proposal:
    procedure = _procedure(request, slug)
    proposal = get_object_or_404(
        Proposal.objects.annotate(support_count=Count("supports")), procedure=procedure, pk=pk
    )
    proposal.procedure = procedure
    return proposal


def _contribution(
    request: HttpRequest, kind: str, pk: int, slug: str | None = None
) -> contributions.Contribution:
    model = CONTRIBUTION_KINDS[kind]
    found = cast(
        "contributions.Contribution",
        get_object_or_404(model.objects.select_related("procedure"), pk=pk),
    )
    if slug is not None and found.procedure.slug != slug:
        raise Http404
    if not Procedure.objects.visible_to(request.user).filter(pk=found.procedure.pk).exists():
        raise Http404
    return found


def reverse_detail(proposal: Proposal) -> str:
    return reverse("contributions:proposal_detail", args=[proposal.procedure.slug, proposal.pk])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/contribution_throttled.html", status=429)


def _charter_for(procedure: Procedure) -> CharterVersion | None:
    """The charter a proposal in this procedure may change; None outside charter ones."""
    if not procedure.amends_charter:
        return None
    return CharterVersion.objects.order_by("-number").first()


# --- proposals -------------------------------------------------------------------------


def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All proposals of a procedure with support and answer; hidden ones with their reason."""
    procedure = _procedure(request, slug)
    order = "unterstuetzung" if request.GET.get("ordnung") == "unterstuetzung" else "neu"
    page = Paginator(contributions.proposals_for(procedure, order=order), PAGE_SIZE).get_page(
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
            "closed_reason": contributions.proposals_closed_reason(procedure, timezone.localdate()),
            "can_enter": rules.can_enter_contributions(request.user, procedure),
        },
    )


def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _proposal(request, slug, pk)
    procedure = proposal.procedure
    supports = {
        row["channel"]: row["n"]
        for row in proposal.supports.values("channel").annotate(n=Count("pk")).order_by()
    }
    history = AuditEntry.objects.for_record(proposal)
    if not reads_internal(request.user):
        history = history.public()
    return render(
        request,
        "participation/contribution_proposal_detail.html",
        {
            "procedure": procedure,
            "proposal": proposal,
            "supports_by_channel": [
                (label, supports.get(value, 0)) for value, label in Channel.choices
            ],
            "closed_reason": contributions.proposals_closed_reason(procedure, timezone.localdate()),
            "can_enter": rules.can_enter_contributions(request.user, procedure),
            "can_moderate": rules.can_moderate_procedure(request.user, procedure),
            "can_adopt": bool(
                proposal.charter_change
                and request.user.is_authenticated
                and request.user.role == Role.ADMIN
            ),
            # A hidden proposal's words stay out of its page, the history's too.
            "history": history.order_by("-seq") if proposal.status == "visible" else None,
        },
    )


def _proposal_form_page(request: HttpRequest, slug: str, *, entry: bool) -> HttpResponse:
    procedure = _procedure(request, slug)
    if entry:
        _require(rules.can_enter_contributions(request.user, procedure))
    form_class = ProposalEntryForm if entry else ProposalForm
    charter = _charter_for(procedure)
    form = form_class(request.POST if request.method == "POST" else None, charter=charter)
    closed_reason = contributions.proposals_closed_reason(procedure, timezone.localdate())
    if form.is_valid():
        if not entry and not throttle.allow(request, "proposal"):
            return _throttled(request)
        try:
            proposal = contributions.proposal_create(
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
    proposal = _proposal(request, slug, pk)
    form = SupportForm(request.POST if request.method == "POST" else None)
    closed_reason = contributions.proposals_closed_reason(proposal.procedure, timezone.localdate())
    if form.is_valid():
        # Each request sends an e-mail: limited per source against mail floods.
        if not throttle.allow(request, "support"):
            return _throttled(request)
        try:
            contributions.support_request(proposal=proposal, email=form.cleaned_data["email"])
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
    confirmation = contributions.support_confirmation_by_token(token)
    if confirmation is None:
        raise Http404
    proposal = confirmation.proposal
    outcome = (
        contributions.SupportCounted.ALREADY if confirmation.confirmed_at is not None else None
    )
    refusal = ""
    if request.method == "POST" and outcome is None:
        try:
            outcome = contributions.support_confirm(token=token)
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
    proposal = _proposal(request, slug, pk)
    _require(rules.can_enter_contributions(request.user, proposal.procedure))
    form = SupportEntryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            contributions.proposal_support(
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
            return redirect(reverse_detail(proposal) + "#unterstuetzung")
    return render(
        request,
        "participation/contribution_support_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )


@require_http_methods(["GET", "POST"])
def proposal_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Staff give the city's answer: accepted, partly or not, and why."""
    proposal = _proposal(request, slug, pk)
    _require(rules.can_moderate_procedure(request.user, proposal.procedure))
    form = AnswerForm.for_proposal(proposal, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            contributions.proposal_answer(
                actor=request.user,
                proposal=proposal,
                status=form.cleaned_data["proposal_status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(reverse_detail(proposal) + "#antwort")
    return render(
        request,
        "participation/contribution_answer_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )


@require_http_methods(["GET", "POST"])
def proposal_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Staff hide a proposal with a public reason; it stays listed and stored."""
    proposal = _proposal(request, slug, pk)
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
            return redirect(reverse_detail(proposal))
    return render(
        request,
        "participation/contribution_hide_form.html",
        {"procedure": proposal.procedure, "proposal": proposal, "form": form},
    )


@require_http_methods(["GET", "POST"])
def proposal_adopt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Administrators adopt the charter change a proposal asks for: a new charter version."""
    proposal = _proposal(request, slug, pk)
    _require(
        bool(
            proposal.charter_change
            and request.user.is_authenticated
            and request.user.role == Role.ADMIN
        )
    )
    needs_english = "principle" in proposal.charter_change and not proposal.charter_change.get(
        "text_en"
    )
    # Shown before the form is filled in: an amendment follows the procedure's end and report.
    refusal = contributions.proposal_charter_adopt_refusal(proposal=proposal)
    form = AdoptForm(
        request.POST if request.method == "POST" and not refusal else None,
        needs_english=needs_english,
    )
    if form.is_valid():
        try:
            version = contributions.proposal_charter_adopt(
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


# --- reports and moderation ------------------------------------------------------------


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
            contributions.report_create(
                contribution=contribution, reason=form.cleaned_data["reason"]
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
        {"items": contributions.moderation_queue(actor=request.user)},
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
                contributions.reports_keep(actor=request.user, contribution=contribution, note=text)
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


# --- e-mail notifications --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """Order e-mails about a procedure; nothing comes until the address is confirmed."""
    procedure = _procedure(request, slug)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    closed_reason = contributions.subscriptions_closed_reason(procedure)
    if form.is_valid():
        if not throttle.allow(request, "subscribe"):
            return _throttled(request)
        try:
            contributions.subscription_request(
                procedure=procedure, email=form.cleaned_data["email"]
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return render(
                request,
                "participation/contribution_subscription_sent.html",
                {"procedure": procedure},
            )
    return render(
        request,
        "participation/contribution_subscribe_form.html",
        {"procedure": procedure, "form": form, "closed_reason": closed_reason},
    )


@reads_primary  # The e-mail may be opened seconds after it was sent.
@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail. Confirming takes a button, so that a mail
    program that opens links to check them does not confirm for anyone."""
    subscription = contributions.subscription_by_token(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscription = contributions.subscription_confirm(token=token)
    return render(
        request,
        "participation/contribution_subscription_confirm.html",
        {"subscription": subscription, "procedure": subscription.procedure},
    )


@csrf_exempt  # The signed token is the authority; mail programs post here (RFC 8058).
@reads_primary  # The e-mail may be opened seconds after it was sent.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every e-mail: cancel the subscription; the address is deleted."""
    try:
        subscription: Subscription | None = contributions.subscription_for_unsubscribe(token)
    except signing.BadSignature:
        raise Http404 from None
    if request.method == "POST" and subscription is not None:
        contributions.subscription_cancel(subscription=subscription)
        subscription = None
    return render(
        request,
        "participation/contribution_unsubscribe.html",
        {"subscription": subscription},
    )
