"""Participation procedures: their phases, material, comments on the text, meetings and
results for everyone; the pages that run them for staff."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.rules import reads_internal, staff_only
from offenestadt.audit.models import AuditEntry
from offenestadt.contracts.models import Contract
from offenestadt.core.forms import show_validation_error
from offenestadt.participation import contributions, rules, services, throttle
from offenestadt.participation.export import (
    contributions_csv_response,
    contributions_json_response,
)
from offenestadt.participation.figures import channel_mix, channel_mixes, is_consultation_open
from offenestadt.participation.forms import (
    CommentForm,
    DocumentCreateForm,
    DocumentForm,
    HideContributionForm,
    MeetingForm,
    OfflineCommentForm,
    ParagraphForm,
    PhaseForm,
    ProcedureForm,
    ResultReportForm,
)
from offenestadt.participation.models import (
    Comment,
    ContributionStatus,
    Document,
    Meeting,
    Paragraph,
    Phase,
    Procedure,
)
from offenestadt.registry.models import Channel

PAGE_SIZE = 50


def _procedure_for(request: HttpRequest, slug: str) -> Procedure:
    """The procedure, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        Procedure.objects.visible_to(request.user)
        .select_related("office", "contract")
        .prefetch_related("phases"),
        slug=slug,
    )


def _editable_procedure(request: HttpRequest, slug: str) -> Procedure:
    """404 for a procedure the user may not see; 403 for one they may see but not run."""
    procedure = _procedure_for(request, slug)
    if not rules.can_edit_procedure(request.user, procedure):
        raise PermissionDenied
    return procedure


def _threads(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Top-level comments with their replies, oldest first, in two queries."""
    return comments.filter(parent__isnull=True).prefetch_related(
        Prefetch("replies", queryset=Comment.objects.order_by("created_at", "pk"))
    )


# --- public pages ----------------------------------------------------------------------


def procedure_list(request: HttpRequest) -> HttpResponse:
    procedures = (
        Procedure.objects.visible_to(request.user)
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


def _visible_contract(request: HttpRequest, procedure: Procedure) -> Contract | None:
    contract = procedure.contract
    if contract is None or not (contract.is_public_record() or reads_internal(request.user)):
        return None
    return contract


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The procedure: its phases and the one running now, its material, meetings, comments."""
    procedure = _procedure_for(request, slug)
    today = timezone.localdate()
    # The procedure's history holds its phases' too: when they were moved, and why.
    history = AuditEntry.objects.for_record(procedure) | AuditEntry.objects.filter(
        object_type=Phase._meta.label_lower,
        object_id__in=[str(pk) for pk in procedure.phases.values_list("pk", flat=True)],
    )
    if not reads_internal(request.user):
        history = history.public()
    documents = procedure.documents.annotate(
        paragraph_count=Count("paragraphs", distinct=True),
        comment_count=Count("paragraphs__comments", distinct=True),
    )
    return render(
        request,
        "participation/procedure_detail.html",
        {
            "procedure": procedure,
            "phases": procedure.phases.all(),
            "current_phase": procedure.phase_on(today),
            "today": today,
            "open": is_consultation_open(procedure, today),
            "closed_reason": services.comments_closed_reason(procedure, today),
            "projects": procedure.projects.visible_to(request.user),
            "contract": procedure.contract
            if procedure.contract
            and (procedure.contract.is_public_record() or reads_internal(request.user))
            else None,
            "documents": documents,
            "meetings": procedure.meetings.all(),
            "proposal_summary": contributions.proposal_summary(procedure=procedure, today=today),
            "comments": _threads(procedure.comments.filter(paragraph__isnull=True)),
            "mix": channel_mix(procedure),
            "history": history.order_by("-seq"),
            "can_edit": rules.can_edit_procedure(request.user, procedure),
            "can_enter": rules.can_enter_contributions(request.user, procedure),
        },
    )


def _material(request: HttpRequest, slug: str, template: str) -> HttpResponse:
    procedure = _procedure_for(request, slug)
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
    procedure = _procedure_for(request, slug)
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
            "closed_reason": services.comments_closed_reason(procedure, today),
            "can_edit": rules.can_edit_procedure(request.user, procedure),
        },
    )


def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = _procedure_for(request, slug)
    meeting = get_object_or_404(procedure.meetings, pk=pk)
    can_edit = rules.can_edit_procedure(request.user, procedure)
    return render(
        request,
        "participation/meeting_detail.html",
        {
            "procedure": procedure,
            "meeting": meeting,
            "can_edit": can_edit,
            "can_publish_minutes": can_edit
            and meeting.minutes_published_at is None
            and meeting.minutes.strip()
            and meeting.starts_at <= timezone.now(),
        },
    )


def _results(request: HttpRequest, slug: str, template: str) -> HttpResponse:
    procedure = _procedure_for(request, slug)
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


# --- comments --------------------------------------------------------------------------


def _comment_page(
    request: HttpRequest,
    procedure: Procedure,
    *,
    paragraph: Paragraph | None = None,
    parent: Comment | None = None,
) -> HttpResponse:
    """Comment or reply, without an account; only while the consultation runs."""
    closed_reason = services.comments_closed_reason(procedure, timezone.localdate())
    posted = request.POST if request.method == "POST" else None
    form = CommentForm(posted) if closed_reason is None else None
    status = 200
    if request.method == "POST" and closed_reason is not None:
        status = 403
    elif form is not None and form.is_valid():
        if not throttle.allow(request, "comment"):
            form.add_error(
                None,
                _(
                    "Von Ihrem Anschluss kamen gerade sehr viele Kommentare. Bitte versuchen "
                    "Sie es später noch einmal."
                ),
            )
            status = 429
        else:
            try:
                comment = services.comment_post(
                    actor=request.user,
                    procedure=procedure,
                    paragraph=paragraph,
                    parent=parent,
                    pseudonym=form.cleaned_data["pseudonym"],
                    text=form.cleaned_data["text"],
                )
            except PermissionDenied as refused:
                closed_reason, form, status = str(refused), None, 403
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, _("Danke! Ihr Kommentar ist veröffentlicht."))
                return redirect(_comment_url(comment))
    return render(
        request,
        "participation/comment_form.html",
        {
            "procedure": procedure,
            "paragraph": paragraph,
            "parent": parent,
            "form": form,
            "closed_reason": closed_reason,
        },
        status=status,
    )


def _comment_url(comment: Comment) -> str:
    """Where a comment shows: beside its paragraph, or on the procedure's page."""
    slug = comment.procedure.slug
    if comment.paragraph is not None:
        url = reverse("participation:document_detail", args=[slug, comment.paragraph.document_id])
    else:
        url = reverse("participation:procedure_detail", args=[slug])
    return f"{url}#kommentar-{comment.pk}"


@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A comment on the procedure as a whole."""
    return _comment_page(request, _procedure_for(request, slug))


@require_http_methods(["GET", "POST"])
def paragraph_comment(request: HttpRequest, slug: str, paragraph_pk: int) -> HttpResponse:
    procedure = _procedure_for(request, slug)
    paragraph = get_object_or_404(
        Paragraph.objects.select_related("document"),
        pk=paragraph_pk,
        document__procedure=procedure,
    )
    return _comment_page(request, procedure, paragraph=paragraph)


@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, slug: str, comment_pk: int) -> HttpResponse:
    procedure = _procedure_for(request, slug)
    parent = get_object_or_404(
        Comment.objects.select_related("paragraph__document"),
        pk=comment_pk,
        procedure=procedure,
        status=ContributionStatus.VISIBLE,
    )
    return _comment_page(request, procedure, paragraph=parent.paragraph, parent=parent)


@require_http_methods(["GET", "POST"])
def comment_enter(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff enter a comment that came by phone, letter or in person."""
    procedure = _procedure_for(request, slug)
    if not rules.can_enter_contributions(request.user, procedure):
        raise PermissionDenied
    closed_reason = services.comments_closed_reason(procedure, timezone.localdate())
    form = OfflineCommentForm(
        request.POST if request.method == "POST" else None, procedure=procedure
    )
    if closed_reason is None and form.is_valid():
        try:
            comment = services.comment_post(
                actor=request.user,
                procedure=procedure,
                paragraph=form.cleaned_data["paragraph"],
                parent=form.cleaned_data["parent"],
                pseudonym=form.cleaned_data["pseudonym"],
                text=form.cleaned_data["text"],
                channel=Channel(form.cleaned_data["channel"]),
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Der Kommentar ist eingetragen."))
            return redirect(_comment_url(comment))
    return render(
        request,
        "participation/comment_enter.html",
        {
            "procedure": procedure,
            "form": form if closed_reason is None else None,
            "closed_reason": closed_reason,
        },
    )


@require_http_methods(["GET", "POST"])
def comment_hide(request: HttpRequest, slug: str, comment_pk: int) -> HttpResponse:
    """Staff hide a comment with a public reason; it is never deleted silently."""
    procedure = _editable_procedure(request, slug)
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
            return redirect(_comment_url(comment))
    return render(
        request,
        "participation/comment_hide.html",
        {"procedure": procedure, "comment": comment, "form": form},
    )


# --- open data -----------------------------------------------------------------------


def contributions_csv(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Every contribution as CSV, without names or addresses: of one procedure, or of all."""
    procedures = Procedure.objects.published()
    if slug is not None:
        procedures = procedures.filter(slug=slug)
        if not procedures.exists():
            raise Http404
    return contributions_csv_response(procedures, slug or "alle")


def contributions_json(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    procedures = Procedure.objects.published()
    if slug is not None:
        procedures = procedures.filter(slug=slug)
        if not procedures.exists():
            raise Http404
    return contributions_json_response(procedures, slug or "alle")


# --- staff pages ---------------------------------------------------------------------


def _staff_form(
    request: HttpRequest,
    *,
    procedure: Procedure | None,
    form: Any,
    title: str,
    submit: str,
    cancel_url: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "participation/staff_form.html",
        {
            "procedure": procedure,
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "intro": intro,
        },
        # Reached with a bound form only when it was refused: 400, like every other form.
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Set up a procedure (without ``slug``) or change what it is about."""
    if slug is None:
        staff_only(request.user, rules.can_create_procedure(request.user))
        procedure = Procedure()
    else:
        procedure = _editable_procedure(request, slug)
    form = ProcedureForm(
        request.POST if request.method == "POST" else None, instance=procedure, user=request.user
    )
    if form.is_valid():
        chosen = list(form.cleaned_data["projects"])
        # Links to projects outside the user's reach stay; the service then decides.
        kept = (
            list(procedure.projects.exclude(pk__in=form.fields["projects"].queryset))  # type: ignore[attr-defined]
            if procedure.pk
            else []
        )
        try:
            services.procedure_save(
                actor=request.user, procedure=form.instance, projects=chosen + kept
            )
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Sie dürfen diese Projekte nicht verknüpfen."))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(form.instance)
    return _staff_form(
        request,
        procedure=procedure if procedure.pk else None,
        form=form,
        title=_("Beteiligungsverfahren bearbeiten")
        if procedure.pk
        else _("Beteiligungsverfahren anlegen"),
        submit=_("Speichern"),
        cancel_url=procedure.get_absolute_url()
        if procedure.pk
        else reverse("participation:procedure_list"),
    )


@require_POST
def procedure_publish(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    try:
        services.procedure_publish(actor=request.user, procedure=procedure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Das Verfahren ist veröffentlicht."))
    return redirect(procedure)


@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    phase = Phase(procedure=procedure) if pk is None else get_object_or_404(procedure.phases, pk=pk)
    phase.procedure = procedure
    form = PhaseForm(request.POST if request.method == "POST" else None, instance=phase)
    if form.is_valid():
        try:
            services.phase_save(actor=request.user, phase=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(f"{procedure.get_absolute_url()}#phasen-heading")
    return _staff_form(
        request,
        procedure=procedure,
        form=form,
        title=_("Phase hinzufügen") if pk is None else _("Phase ändern"),
        submit=_("Speichern"),
        cancel_url=procedure.get_absolute_url(),
    )


def _confirm_delete(
    request: HttpRequest, procedure: Procedure, what: str, back: str, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "participation/confirm_delete.html",
        {"procedure": procedure, "what": what, "back": back, "error": error},
        status=409 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    phase = get_object_or_404(procedure.phases, pk=pk)
    phase.procedure = procedure
    if request.method == "POST":
        try:
            services.phase_delete(actor=request.user, phase=phase)
        except ValidationError as error:
            return _confirm_delete(
                request, procedure, str(phase), procedure.get_absolute_url(), error.messages[0]
            )
        return redirect(f"{procedure.get_absolute_url()}#phasen-heading")
    return _confirm_delete(request, procedure, str(phase), procedure.get_absolute_url())


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    form = DocumentCreateForm(
        request.POST if request.method == "POST" else None,
        instance=Document(procedure=procedure),
    )
    if form.is_valid():
        try:
            document = services.document_create(
                actor=request.user, document=form.instance, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect("participation:document_detail", procedure.slug, document.pk)
    return _staff_form(
        request,
        procedure=procedure,
        form=form,
        title=_("Text zum Kommentieren einstellen"),
        submit=_("Einstellen"),
        cancel_url=procedure.get_absolute_url(),
    )


def _editable_document(request: HttpRequest, slug: str, pk: int) -> Document:
    procedure = _editable_procedure(request, slug)
    document = get_object_or_404(procedure.documents, pk=pk)
    document.procedure = procedure
    return document


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _editable_document(request, slug, pk)
    form = DocumentForm(request.POST if request.method == "POST" else None, instance=document)
    back = reverse("participation:document_detail", args=[slug, pk])
    if form.is_valid():
        try:
            services.document_save(actor=request.user, document=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(back)
    return _staff_form(
        request,
        procedure=document.procedure,
        form=form,
        title=_("Titel des Textes ändern"),
        submit=_("Speichern"),
        cancel_url=back,
    )


@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _editable_document(request, slug, pk)
    back = reverse("participation:document_detail", args=[slug, pk])
    if request.method == "POST":
        try:
            services.document_delete(actor=request.user, document=document)
        except ValidationError as error:
            return _confirm_delete(
                request, document.procedure, document.title, back, error.messages[0]
            )
        return redirect(document.procedure)
    return _confirm_delete(request, document.procedure, document.title, back)


@require_http_methods(["GET", "POST"])
def paragraph_edit(
    request: HttpRequest, slug: str, pk: int, paragraph_pk: int | None = None
) -> HttpResponse:
    """Add a paragraph at the end of a text (without ``paragraph_pk``) or change one."""
    document = _editable_document(request, slug, pk)
    if paragraph_pk is None:
        paragraph = Paragraph(document=document)
    else:
        paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
        paragraph.document = document
    form = ParagraphForm(request.POST if request.method == "POST" else None, instance=paragraph)
    back = reverse("participation:document_detail", args=[slug, pk])
    if form.is_valid():
        try:
            services.paragraph_save(actor=request.user, paragraph=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(f"{back}#absatz-{form.instance.position}")
    return _staff_form(
        request,
        procedure=document.procedure,
        form=form,
        title=_("Absatz hinzufügen") if paragraph_pk is None else _("Absatz ändern"),
        submit=_("Speichern"),
        cancel_url=back,
        intro=_("Änderungen am Text erscheinen im öffentlichen Änderungsprotokoll.")
        if paragraph_pk
        else "",
    )


@require_http_methods(["GET", "POST"])
def paragraph_delete(request: HttpRequest, slug: str, pk: int, paragraph_pk: int) -> HttpResponse:
    document = _editable_document(request, slug, pk)
    paragraph = get_object_or_404(document.paragraphs, pk=paragraph_pk)
    paragraph.document = document
    back = reverse("participation:document_detail", args=[slug, pk])
    what = _("Absatz %(number)s") % {"number": paragraph.position}
    if request.method == "POST":
        try:
            services.paragraph_delete(actor=request.user, paragraph=paragraph)
        except ValidationError as error:
            return _confirm_delete(request, document.procedure, what, back, error.messages[0])
        return redirect(back)
    return _confirm_delete(request, document.procedure, what, back)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    meeting = (
        Meeting(procedure=procedure) if pk is None else get_object_or_404(procedure.meetings, pk=pk)
    )
    meeting.procedure = procedure
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    if form.is_valid():
        try:
            services.meeting_save(actor=request.user, meeting=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect("participation:meeting_detail", procedure.slug, form.instance.pk)
    return _staff_form(
        request,
        procedure=procedure,
        form=form,
        title=_("Veranstaltung ankündigen") if pk is None else _("Veranstaltung ändern"),
        submit=_("Speichern"),
        cancel_url=procedure.get_absolute_url(),
    )


@require_POST
def meeting_minutes_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    meeting = get_object_or_404(procedure.meetings, pk=pk)
    meeting.procedure = procedure
    try:
        services.meeting_minutes_publish(actor=request.user, meeting=meeting)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Das Protokoll ist veröffentlicht."))
    return redirect("participation:meeting_detail", procedure.slug, meeting.pk)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Write and publish the result report (a published one can be corrected, in public)."""
    procedure = _editable_procedure(request, slug)
    form = ResultReportForm(
        request.POST if request.method == "POST" else None,
        initial={"report": procedure.result_report},
    )
    back = reverse("participation:procedure_results", args=[slug])
    if form.is_valid():
        try:
            services.procedure_report_publish(
                actor=request.user, procedure=procedure, report=form.cleaned_data["report"]
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Der Ergebnisbericht ist veröffentlicht."))
            return redirect(back)
    unanswered = procedure.proposals.filter(
        status=ContributionStatus.VISIBLE, answered_at__isnull=True
    ).count()
    return _staff_form(
        request,
        procedure=procedure,
        form=form,
        title=_("Ergebnisbericht veröffentlichen"),
        submit=_("Veröffentlichen"),
        cancel_url=back,
        intro=_(
            "Der Bericht erscheint sofort öffentlich. Er folgt auf Beteiligung und Abstimmung "
            "und setzt voraus, dass jeder Vorschlag eine Antwort hat (offen: %(count)s)."
        )
        % {"count": unanswered},
    )
