from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from offenestadt.accessibility import rules, services
from offenestadt.accessibility.forms import AnswerForm, FeedbackForm, StatementForm
from offenestadt.accessibility.models import Feedback, FeedbackStatus
from offenestadt.accounts.rules import staff_only
from offenestadt.core.forms import show_validation_error
from offenestadt.core.throttle import RateLimitedError, address_key


def _enforcement() -> dict[str, str]:
    return {
        "name": settings.ACCESSIBILITY_ENFORCEMENT_NAME,
        "url": settings.ACCESSIBILITY_ENFORCEMENT_URL,
        "email": settings.ACCESSIBILITY_ENFORCEMENT_EMAIL,
        "address": settings.ACCESSIBILITY_ENFORCEMENT_ADDRESS,
    }


@require_safe
def statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: how far the platform is accessible, what is not and why,
    how to tell the city, and where to turn when its answer does not help."""
    return render(
        request,
        "accessibility/statement.html",
        {
            "statement": services.current_statement(),
            "enforcement": _enforcement(),
            "reply_days": settings.ACCESSIBILITY_REPLY_DAYS,
            "may_edit": rules.can_edit_statement(request.user),
        },
    )


@require_safe
def easy_read(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility/easy_read.html")


@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest) -> HttpResponse:
    staff_only(request.user, rules.can_edit_statement(request.user))
    form = StatementForm(request.POST or None, instance=services.current_statement())
    if form.is_valid():
        try:
            services.statement_save(actor=request.user, statement=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Die Erklärung zur Barrierefreiheit ist gespeichert."))
            return redirect("accessibility:statement")
    return render(
        request,
        "accessibility/statement_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest) -> HttpResponse:
    """Report a barrier: no account; a way to reply only if wanted."""
    initial = {"page": request.GET.get("seite", "")[:500]}
    form = FeedbackForm(request.POST or None, initial=initial)
    status = 400 if form.is_bound else 200
    retry_after: int | None = None
    if form.is_valid():
        try:
            feedback = services.feedback_send(
                page=form.cleaned_data["page"],
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
                source=address_key(request),
            )
        except RateLimitedError as refused:
            form.add_error(None, refused.message)
            status, retry_after = 429, refused.retry_after
        else:
            if feedback.contact:
                text = _(
                    "Danke, Ihre Rückmeldung ist angekommen. Wir antworten Ihnen bis zum %(day)s."
                )
            else:
                text = _(
                    "Danke, Ihre Rückmeldung ist angekommen. Sie haben keine Adresse für "
                    "eine Antwort angegeben; wir kümmern uns bis zum %(day)s darum."
                )
            messages.success(
                request, text % {"day": formats.date_format(feedback.reply_due, "DATE_FORMAT")}
            )
            return redirect("accessibility:statement")
    response = render(request, "accessibility/feedback_form.html", {"form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_safe
def feedback_queue(request: HttpRequest) -> HttpResponse:
    staff_only(request.user, rules.handles_feedback(request.user))
    waiting = Feedback.objects.filter(status=FeedbackStatus.OPEN)
    answered = Feedback.objects.filter(status=FeedbackStatus.ANSWERED).order_by("-answered_at")
    return render(
        request,
        "accessibility/feedback_queue.html",
        {"waiting": waiting, "answered": answered[:50]},
    )


@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request.user, rules.handles_feedback(request.user))
    feedback = get_object_or_404(Feedback, pk=pk)
    form = AnswerForm(request.POST or None)
    if feedback.status == FeedbackStatus.OPEN and form.is_valid():
        try:
            services.feedback_answer(
                actor=request.user, feedback=feedback, note=form.cleaned_data["note"]
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Die Rückmeldung ist als beantwortet vermerkt."))
            return redirect("accessibility:feedback_queue")
    return render(
        request,
        "accessibility/feedback_detail.html",
        {"feedback": feedback, "form": form},
        status=400 if form.is_bound else 200,
    )
