"""Commenting without an account: on a procedure, on a paragraph of its text, in reply; and
the page where staff enter a comment that came by phone, letter or in person.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from offenestadt.core.forms import show_validation_error
from offenestadt.participation import throttle
from offenestadt.participation.comments import services
from offenestadt.participation.comments.forms import CommentForm, OfflineCommentForm
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.procedures import rules as procedures_rules
from offenestadt.participation.procedures.models import ContributionStatus, Paragraph, Procedure
from offenestadt.participation.procedures.views import procedure_for
from offenestadt.registry.channels import Channel


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
                return redirect(comment_url(comment))
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


def comment_url(comment: Comment) -> str:
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
    return _comment_page(request, procedure_for(request, slug))


@require_http_methods(["GET", "POST"])
def paragraph_comment(request: HttpRequest, slug: str, paragraph_pk: int) -> HttpResponse:
    procedure = procedure_for(request, slug)
    paragraph = get_object_or_404(
        Paragraph.objects.select_related("document"),
        pk=paragraph_pk,
        document__procedure=procedure,
    )
    return _comment_page(request, procedure, paragraph=paragraph)


@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, slug: str, comment_pk: int) -> HttpResponse:
    procedure = procedure_for(request, slug)
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
    procedure = procedure_for(request, slug)
    if not procedures_rules.can_enter_contributions(request.user, procedure):
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
            return redirect(comment_url(comment))
    return render(
        request,
        "participation/comment_enter.html",
        {
            "procedure": procedure,
            "form": form if closed_reason is None else None,
            "closed_reason": closed_reason,
        },
    )
