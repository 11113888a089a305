"""The public pages of procedures: the list, a procedure with its phases and the one running
now, its material and texts, meetings, results, and all contributions as open data.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from offenestadt.audit.selectors import history_for
from offenestadt.charter.gates import GateRefusedError
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures import rules, selectors
from offenestadt.participation.procedures.compliance import minutes_problems, publication_problems
from offenestadt.participation.procedures.export import (
    contributions_csv_response,
    contributions_json_response,
)
from offenestadt.participation.procedures.figures import (
    channel_mix,
    channel_mixes,
    is_consultation_open,
)
from offenestadt.participation.procedures.models import (
    ContributionStatus,
    Meeting,
    Paragraph,
    Procedure,
    ProcedureQuerySet,
)
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.registry.channels import Channel

PAGE_SIZE = 50


def procedure_for(request: HttpRequest, slug: str) -> Procedure:
    """The procedure, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        Procedure.objects.visible_to(request.user)
        .select_related("office", "contract")
        .prefetch_related("phases"),
        slug=slug,
    )


def editable_procedure(request: HttpRequest, slug: str) -> Procedure:
    """404 for a procedure the user may not see; 403 for one they may see but not run."""
    procedure = procedure_for(request, slug)
    if not rules.can_edit_procedure(request.user, procedure):
        raise PermissionDenied
    return procedure


def _threads(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Top-level comments with their replies, oldest first, in two queries."""
    return comments.filter(parent__isnull=True).prefetch_related(
        Prefetch("replies", queryset=Comment.objects.order_by("created_at", "pk"))
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    procedures = (
        selectors.procedure_list(user=request.user)
        .select_related("office")
        .prefetch_related("phases")
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("seite"))
    mixes = channel_mixes(procedure.pk for procedure in page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "participation/procedure_list.html",
        {
            "page": page,
            "rows": [
                (procedure, procedure.phase_on(today), mixes[procedure.pk])
                for procedure in page.object_list
            ],
            "today": today,
            "can_create": rules.can_create_procedure(request.user),
        },
    )


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The procedure: its phases and the one running now, its material, meetings, comments."""
    return render_procedure(request, procedure_for(request, slug))


def render_procedure(
    request: HttpRequest,
    procedure: Procedure,
    *,
    refusal: GateRefusedError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The procedure's page; with ``refusal``, the step it refused at the top. To its editors
    a draft shows what keeps it from being published, in place of the button."""
    today = timezone.localdate()
    can_edit = rules.can_edit_procedure(request.user, procedure)
    # The procedure's history holds its phases' too: when they were moved, and why.
    history = history_for(procedure, request.user, parts=procedure.phases.all())
    documents = list(procedure.documents.annotate(paragraph_count=Count("paragraphs")))
    # Counted over this procedure's comments (not joined through the paragraphs): a cached
    # page of another procedure stays when a comment here changes. Hidden ones count: the
    # document shows each in its place, with the reason it is hidden.
    comments = dict(
        Comment.objects.filter(procedure=procedure, paragraph__isnull=False)
        .values_list("paragraph__document_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for document in documents:
        document.comment_count = comments.get(document.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "participation/procedure_detail.html",
        {
            "procedure": procedure,
            "phases": procedure.phases.all(),
            "current_phase": procedure.phase_on(today),
            "today": today,
            "open": is_consultation_open(procedure, today),
            "closed_reason": comments_services.comments_closed_reason(procedure, today),
            "projects": procedure.projects.visible_to(request.user),
            "contract": selectors.contract_shown(procedure, request.user),
            "documents": documents,
            "meetings": procedure.meetings.all(),
            "proposal_summary": proposals_services.proposal_summary(
                procedure=procedure, today=today
            ),
            "comments": _threads(procedure.comments.filter(paragraph__isnull=True)),
            "mix": channel_mix(procedure),
            "history": history,
            "can_edit": can_edit,
            "can_enter": rules.can_enter_contributions(request.user, procedure),
            "refusal": refusal,
            "publication_ahead": publication_problems(procedure, today)
            if can_edit and procedure.published_at is None and not refusal
            else [],
        },
        status=status,
    )


def _material(request: HttpRequest, slug: str, template: str) -> HttpResponse:
    procedure = procedure_for(request, slug)
    documents = procedure.documents.prefetch_related("paragraphs")
    today = timezone.localdate()
    return render(
        request,
        template,
        {
            "procedure": procedure,
            "today": today,
            "current_phase": procedure.phase_on(today),
            "phases": procedure.phases.all(),
            "documents": documents,
            "meetings": procedure.meetings.all(),
        },
    )


def procedure_material(request: HttpRequest, slug: str) -> HttpResponse:
    """What people need to know before they are asked: the information and the texts."""
    return _material(request, slug, "participation/procedure_material.html")


def procedure_material_print(request: HttpRequest, slug: str) -> HttpResponse:
    return _material(request, slug, "participation/procedure_material_print.html")


def document_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A text paragraph by paragraph, each with its comments and their replies."""
    procedure = procedure_for(request, slug)
    document = get_object_or_404(procedure.documents, pk=pk)
    paragraphs = document.paragraphs.prefetch_related(
        Prefetch("comments", queryset=_threads(Comment.objects.all()), to_attr="threads")
    )
    today = timezone.localdate()
    return render(
        request,
        "participation/document_detail.html",
        {
            "procedure": procedure,
            "document": document,
            "paragraphs": paragraphs,
            "open": is_consultation_open(procedure, today),
            "closed_reason": comments_services.comments_closed_reason(procedure, today),
            "can_edit": rules.can_edit_procedure(request.user, procedure),
        },
    )


def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = procedure_for(request, slug)
    meeting = get_object_or_404(procedure.meetings, pk=pk)
    meeting.procedure = procedure
    return render_meeting(request, meeting)


def render_meeting(
    request: HttpRequest,
    meeting: Meeting,
    *,
    refusal: GateRefusedError | None = None,
    status: int = 200,
) -> HttpResponse:
    """A meeting's page; with ``refusal``, the step it refused at the top. To the procedure's
    editors unpublished minutes show what keeps them back, in place of the button."""
    procedure = meeting.procedure
    can_edit = rules.can_edit_procedure(request.user, procedure)
    return render(
        request,
        "participation/meeting_detail.html",
        {
            "procedure": procedure,
            "meeting": meeting,
            "can_edit": can_edit,
            "refusal": refusal,
            "minutes_ahead": minutes_problems(meeting, timezone.now())
            if can_edit and meeting.minutes_published_at is None and not refusal
            else [],
        },
        status=status,
    )


def _results(request: HttpRequest, slug: str, template: str) -> HttpResponse:
    procedure = procedure_for(request, slug)
    proposals = procedure.proposals.annotate(
        **{
            f"supports_{channel.value}": Count("supports", filter=Q(supports__channel=channel))
            for channel in Channel
        },
        support_count=Count("supports"),
    )
    paragraphs = (
        Paragraph.objects.filter(document__procedure=procedure)
        .select_related("document")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__status=ContributionStatus.VISIBLE))
        )
        .filter(comment_count__gt=0)
    )
    today = timezone.localdate()
    return render(
        request,
        template,
        {
            "procedure": procedure,
            "today": today,
            "current_phase": procedure.phase_on(today),
            "phases": procedure.phases.all(),
            "mix": channel_mix(procedure),
            "proposals": proposals,
            "paragraphs": paragraphs,
            "meetings": procedure.meetings.filter(minutes_published_at__isnull=False),
            "channels": list(Channel),
            "can_edit": rules.can_edit_procedure(request.user, procedure),
        },
    )


def procedure_results(request: HttpRequest, slug: str) -> HttpResponse:
    """The result report, the answers to proposals and the channels contributions came by."""
    return _results(request, slug, "participation/procedure_results.html")


def procedure_results_print(request: HttpRequest, slug: str) -> HttpResponse:
    return _results(request, slug, "participation/procedure_results_print.html")


def _published_procedures() -> ProcedureQuerySet:
    """What the exports hold: the procedures as the public sees them."""
    return selectors.procedure_list(user=AnonymousUser())


def contributions_csv(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Every contribution as CSV, without names or addresses: of one procedure, or of all."""
    procedures = _published_procedures()
    if slug is not None:
        procedures = procedures.filter(slug=slug)
        if not procedures.exists():
            raise Http404
    return contributions_csv_response(procedures, slug or "alle")


def contributions_json(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    procedures = _published_procedures()
    if slug is not None:
        procedures = procedures.filter(slug=slug)
        if not procedures.exists():
            raise Http404
    return contributions_json_response(procedures, slug or "alle")
