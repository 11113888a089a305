"""The vote pages: the ballot form, the receipt check and the results; for staff, preparing a
vote and entering ballots that came by post or in person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.rules import reads_internal
from offenestadt.charter.gates import GateRefusedError
from offenestadt.core.confirm import confirmation_page, confirmed, removal_page
from offenestadt.core.forms import show_validation_error
from offenestadt.core.throttle import address_key
from offenestadt.voting import rules, selectors, services
from offenestadt.voting.forms import BallotForm, OptionForm, PaperBallotForm, ReceiptForm, VoteForm
from offenestadt.voting.models import Option, Vote, VoteStatus, VotingCode


def _vote_for(request: HttpRequest, pk: int) -> Vote:
    """The vote, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        Vote.objects.visible_to(request.user).select_related("procedure"), pk=pk
    )


def _managed_vote(request: HttpRequest, pk: int) -> Vote:
    vote = _vote_for(request, pk)
    if not rules.can_manage_votes(request.user, vote.procedure):
        raise PermissionDenied
    return vote


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that show a receipt or a ballot: kept out of every cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def vote_list(request: HttpRequest) -> HttpResponse:
    """Running votes first, then those to come, then the ended ones."""
    now = timezone.now()
    votes = list(selectors.vote_list(user=request.user, filters=selectors.VoteFilters()))
    groups: dict[str, list[Vote]] = {status: [] for status in VoteStatus.values}
    for vote in votes:
        groups[vote.status_on(now)].append(vote)
    return render(
        request,
        "voting/vote_list.html",
        {
            "running": groups[VoteStatus.OPEN],
            "upcoming": sorted(groups[VoteStatus.UPCOMING], key=lambda v: v.opens_at),
            "ended": groups[VoteStatus.CLOSED] + groups[VoteStatus.COUNTED],
            "can_create": rules.procedures_for_votes(request.user).exists(),
        },
    )


def _render_vote(
    request: HttpRequest,
    vote: Vote,
    form: BallotForm | None = None,
    status: int = 200,
    refusal: GateRefusedError | None = None,
) -> HttpResponse:
    """The vote's page; with ``refusal``, the publication it refused at the top. To its
    managers a draft shows what keeps it from being published, in place of the button."""
    now = timezone.now()
    can_manage = rules.can_manage_votes(request.user, vote.procedure)
    if form is None and vote.is_open(now) and vote.is_public_record():
        form = BallotForm(vote=vote)
    context = {
        "vote": vote,
        "status": vote.status_on(now),
        "options": vote.options.select_related("proposal"),
        "form": form,
        "can_manage": can_manage,
        "refusal": refusal,
    }
    if can_manage:
        context["batches"] = vote.code_batches.all()
        context["codes_used"] = VotingCode.objects.filter(vote=vote, used=True).count()
        if vote.published_at is None and not refusal:
            context["publication_ahead"] = services.vote_publish_refusal(vote)
    return render(request, "voting/vote_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The question, the answers and, while the vote runs, the ballot."""
    vote = _vote_for(request, pk)
    if request.method == "GET":
        return _render_vote(request, vote)
    if not vote.is_public_record():
        raise Http404
    form = BallotForm(request.POST, vote=vote)
    if not form.is_valid():
        return _private(_render_vote(request, vote, form, status=400))
    try:
        cast = services.ballot_cast(
            vote=vote,
            choices=form.chosen_ids(),
            code=form.cleaned_data.get("code", ""),
            source=address_key(request),
        )
    except services.BallotRefusedError as refused:
        form.add_error(refused.field, refused.message)
        return _private(_render_vote(request, vote, form, status=refused.status))
    # The receipt is shown here, once: never in an address, where logs and history keep it.
    return _private(render(request, "voting/receipt.html", {"vote": vote, "cast": cast}))


def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The count by option and by channel, once counting is allowed."""
    vote = _vote_for(request, pk)
    try:
        tally = services.vote_results(vote=vote)
    except services.CountingNotAllowedError:
        tally = None
    return render(
        request,
        "voting/results.html",
        {"vote": vote, "tally": tally},
    )


@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a receipt, see the ballot it belongs to. By POST, so no receipt lands in a log."""
    vote = _vote_for(request, pk)
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    ballot = None
    status = 200
    if form.is_valid():
        ballot = services.ballot_for_receipt(vote=vote, receipt=form.cleaned_data["receipt"])
        if ballot is None:
            form.add_error(
                "receipt",
                _(
                    "Zu diesem Beleg gibt es bei dieser Abstimmung keinen Stimmzettel. Bitte "
                    "prüfen Sie die Zeichen; Groß- und Kleinschreibung und Bindestriche spielen "
                    "keine Rolle."
                ),
            )
            status = 404
    response = render(
        request,
        "voting/receipt_check.html",
        {
            "vote": vote,
            "form": form,
            "ballot": ballot,
            "counted": vote.counting_allowed(timezone.now()),
        },
        status=status,
    )
    return _private(response)


# --- staff -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def vote_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Prepare a vote (without ``pk``) or change one."""
    if pk is None:
        if not reads_internal(request.user):
            raise Http404
        if not rules.procedures_for_votes(request.user).exists():
            raise PermissionDenied
        vote = Vote()
        procedure_slug = request.GET.get("verfahren", "")
        initial = {}
        if procedure_slug:
            initial["procedure"] = (
                rules.procedures_for_votes(request.user).filter(slug=procedure_slug).first()
            )
    else:
        vote = _managed_vote(request, pk)
        initial = {}
    form = VoteForm(
        request.POST if request.method == "POST" else None,
        instance=vote,
        user=request.user,
        initial=initial,
    )
    if form.is_valid():
        try:
            services.vote_save(actor=request.user, vote=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        except PermissionDenied as denied:
            form.add_error("procedure", str(denied))
        else:
            return redirect(form.instance)
    return render(
        request, "voting/vote_form.html", {"form": form, "vote": vote if vote.pk else None}
    )


def _confirm_publish(request: HttpRequest, vote: Vote) -> HttpResponse:
    return confirmation_page(
        request,
        title=_("„%(title)s“ veröffentlichen?") % {"title": vote.title},
        consequences=[
            _("Die Abstimmung ist dann für alle sichtbar, mit ihren Antworten und Terminen."),
            _("Sobald sie begonnen hat, lassen sich die Antworten nicht mehr ändern."),
        ],
        confirm_label=_("Ja, veröffentlichen"),
        cancel_url=vote.get_absolute_url(),
    )


@require_POST
def vote_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a vote after asking once more; what it lacks is said at once, on its page,
    without asking."""
    vote = _managed_vote(request, pk)
    if vote.published_at is not None:
        return redirect(vote)
    try:
        services.vote_publish_gate(vote)
        if not confirmed(request):
            return _confirm_publish(request, vote)
        services.vote_publish(actor=request.user, vote=vote)
    except GateRefusedError as refusal:
        return _render_vote(request, vote, status=409, refusal=refusal)
    messages.success(request, _("Die Abstimmung ist veröffentlicht."))
    return redirect(vote)


@require_http_methods(["GET", "POST"])
def option_edit(request: HttpRequest, pk: int, option_pk: int | None = None) -> HttpResponse:
    """Add (without ``option_pk``) or change an answer, before the vote opens."""
    vote = _managed_vote(request, pk)
    option = (
        Option(vote=vote) if option_pk is None else get_object_or_404(vote.options, pk=option_pk)
    )
    option.vote = vote
    form = OptionForm(
        request.POST if request.method == "POST" else None, instance=option, vote=vote
    )
    if form.is_valid():
        try:
            services.option_save(actor=request.user, option=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(f"{vote.get_absolute_url()}#antworten-heading")
    return render(
        request,
        "voting/option_form.html",
        {"vote": vote, "form": form, "adding": option.pk is None},
    )


@require_http_methods(["GET", "POST"])
def option_delete(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    vote = _managed_vote(request, pk)
    option = get_object_or_404(vote.options, pk=option_pk)
    option.vote = vote
    return removal_page(
        request,
        template="voting/option_confirm_delete.html",
        context={"vote": vote, "option": option},
        gate=lambda: services.option_change_gate(option),
        remove=lambda: services.option_delete(actor=request.user, option=option),
        done=f"{vote.get_absolute_url()}#antworten-heading",
    )


@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a ballot that came by post, by phone or at the counter. It counts like
    one cast online, and is stored no differently: the channel, not the person."""
    vote = _vote_for(request, pk)
    if not rules.can_enter_paper_ballots(request.user, vote):
        raise PermissionDenied
    form = PaperBallotForm(request.POST if request.method == "POST" else None, vote=vote)
    cast = None
    status = 200
    if form.is_valid():
        try:
            cast = services.ballot_cast(
                vote=vote,
                choices=form.chosen_ids(),
                code=form.cleaned_data.get("code", ""),
                channel=form.cleaned_data["channel"],
                actor=request.user,
            )
        except services.BallotRefusedError as refused:
            form.add_error(refused.field, refused.message)
            status = refused.status
        else:
            form = PaperBallotForm(vote=vote, initial={"channel": form.cleaned_data["channel"]})
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "voting/paper_ballot.html",
        {
            "vote": vote,
            "form": form,
            "cast": cast,
            "is_open": vote.is_open(timezone.now()) and vote.is_public_record(),
        },
        status=status,
    )
    return _private(response)
