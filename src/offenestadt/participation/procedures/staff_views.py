"""The pages staff use to run a procedure: set it up and publish it, its phases, texts and
paragraphs, meetings with their minutes, and the result report. Parse, check, call one
service, render.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from offenestadt.accounts.rules import staff_only
from offenestadt.charter.gates import GateRefusedError
from offenestadt.core.confirm import confirmation_page, confirmed, refused, removal_page
from offenestadt.core.forms import show_validation_error
from offenestadt.participation.procedures import rules, services
from offenestadt.participation.procedures.compliance import (
    document_removal_gate,
    minutes_gate,
    paragraph_removal_gate,
    phase_removal_gate,
    publication_gate,
    report_gate,
)
from offenestadt.participation.procedures.forms import (
    DocumentCreateForm,
    DocumentForm,
    MeetingForm,
    ParagraphForm,
    PhaseForm,
    ProcedureForm,
    ResultReportForm,
)
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Paragraph,
    Phase,
    Procedure,
)
from offenestadt.participation.procedures.views import (
    editable_procedure,
    render_meeting,
    render_procedure,
)
from offenestadt.registry.forms import preselect_project, projects_to_link


def _staff_form(
    request: HttpRequest,
    *,
    procedure: Procedure | None,
    form: Any,
    title: str,
    submit: str,
    cancel_url: str,
    intro: str = "",
    refusal: GateRefusedError | None = None,
) -> HttpResponse:
    """A staff form; with ``refusal`` (what its step would meet) the reasons instead of it."""
    status = 400 if form.is_bound else 200
    if refusal is not None:
        status = refused(request)
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
            "refusal": refusal,
        },
        # Reached with a bound form only when it was refused: 400, like every other form.
        status=status,
    )


@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Set up a procedure (without ``slug``) or change what it is about."""
    if slug is None:
        staff_only(request.user, rules.can_create_procedure(request.user))
        procedure = Procedure()
    else:
        procedure = editable_procedure(request, slug)
    form = ProcedureForm(
        request.POST if request.method == "POST" else None, instance=procedure, user=request.user
    )
    if slug is None:
        preselect_project(form, request.GET.get("projekt", ""))
    if form.is_valid():
        try:
            services.procedure_save(
                actor=request.user,
                procedure=form.instance,
                projects=projects_to_link(form, procedure),
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


@require_http_methods(["GET", "POST"])
def procedure_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish the procedure, after asking: its phases and texts are then open to everyone.
    What its gate would refuse is refused at once, on its page, without asking first."""
    procedure = editable_procedure(request, slug)
    if procedure.published_at is not None:
        return redirect(procedure)
    try:
        publication_gate(procedure, timezone.localdate())
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("„%(title)s“ veröffentlichen?") % {"title": procedure.title},
                consequences=[
                    _("Das Verfahren ist dann für alle sichtbar, mit seinen Phasen und Texten."),
                    _("Die Veröffentlichung lässt sich nicht zurücknehmen."),
                ],
                confirm_label=_("Ja, veröffentlichen"),
                cancel_url=procedure.get_absolute_url(),
            )
        services.procedure_publish(actor=request.user, procedure=procedure)
    except GateRefusedError as refusal:
        return render_procedure(request, procedure, refusal=refusal, status=refused(request))
    messages.success(request, _("Das Verfahren ist veröffentlicht."))
    return redirect(procedure)


@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    procedure = editable_procedure(request, slug)
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


def _removal_page(
    request: HttpRequest,
    *,
    procedure: Procedure,
    what: str,
    back: str,
    gate: Callable[[], None],
    remove: Callable[[], None],
    done: str,
) -> HttpResponse:
    return removal_page(
        request,
        template="participation/confirm_delete.html",
        context={"procedure": procedure, "what": what, "back": back},
        gate=gate,
        remove=remove,
        done=done,
    )


@require_http_methods(["GET", "POST"])
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = editable_procedure(request, slug)
    phase = get_object_or_404(procedure.phases, pk=pk)
    phase.procedure = procedure
    return _removal_page(
        request,
        procedure=procedure,
        what=str(phase),
        back=procedure.get_absolute_url(),
        gate=lambda: phase_removal_gate(phase, timezone.localdate()),
        remove=lambda: services.phase_delete(actor=request.user, phase=phase),
        done=f"{procedure.get_absolute_url()}#phasen-heading",
    )


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = editable_procedure(request, slug)
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
    procedure = editable_procedure(request, slug)
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
    return _removal_page(
        request,
        procedure=document.procedure,
        what=document.title,
        back=reverse("participation:document_detail", args=[slug, pk]),
        gate=lambda: document_removal_gate(document),
        remove=lambda: services.document_delete(actor=request.user, document=document),
        done=document.procedure.get_absolute_url(),
    )


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
    return _removal_page(
        request,
        procedure=document.procedure,
        what=_("Absatz %(number)s") % {"number": paragraph.position},
        back=back,
        gate=lambda: paragraph_removal_gate(paragraph),
        remove=lambda: services.paragraph_delete(actor=request.user, paragraph=paragraph),
        done=back,
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    procedure = editable_procedure(request, slug)
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


@require_http_methods(["GET", "POST"])
def meeting_minutes_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Publish a meeting's minutes, after asking; what keeps them back is said at once, on the
    meeting's page, without asking first."""
    procedure = editable_procedure(request, slug)
    meeting = get_object_or_404(procedure.meetings, pk=pk)
    meeting.procedure = procedure
    back = reverse("participation:meeting_detail", args=[procedure.slug, meeting.pk])
    if meeting.minutes_published_at is not None:
        return redirect(back)
    try:
        minutes_gate(meeting, timezone.now())
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("Das Protokoll von „%(title)s“ veröffentlichen?")
                % {"title": meeting.title},
                consequences=[
                    _("Das Protokoll ist dann für alle lesbar."),
                    _("Die Veröffentlichung lässt sich nicht zurücknehmen."),
                ],
                confirm_label=_("Ja, veröffentlichen"),
                cancel_url=back,
            )
        services.meeting_minutes_publish(actor=request.user, meeting=meeting)
    except GateRefusedError as refusal:
        return render_meeting(request, meeting, refusal=refusal, status=refused(request))
    messages.success(request, _("Das Protokoll ist veröffentlicht."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Write and publish the result report (a published one can be corrected, in public), after
    asking; what would refuse it is shown instead of the form, before anyone writes."""
    procedure = editable_procedure(request, slug)
    form = ResultReportForm(
        request.POST if request.method == "POST" else None,
        initial={"report": procedure.result_report},
    )
    back = reverse("participation:procedure_results", args=[slug])
    refusal = None
    try:
        report_gate(procedure, timezone.localdate())
        if form.is_valid():
            if not confirmed(request):
                return confirmation_page(
                    request,
                    title=_("Den Ergebnisbericht zu „%(title)s“ veröffentlichen?")
                    % {"title": procedure.title},
                    consequences=[
                        _("Der Bericht erscheint sofort öffentlich, mit den Antworten der Stadt."),
                        _("Wer das Verfahren abonniert hat, bekommt eine Nachricht."),
                        _("Jede spätere Korrektur steht im öffentlichen Änderungsprotokoll."),
                    ],
                    confirm_label=_("Ja, veröffentlichen"),
                    cancel_url=back,
                )
            services.procedure_report_publish(
                actor=request.user, procedure=procedure, report=form.cleaned_data["report"]
            )
            messages.success(request, _("Der Ergebnisbericht ist veröffentlicht."))
            return redirect(back)
    except GateRefusedError as gate_refusal:
        refusal = gate_refusal
    except ValidationError as error:
        show_validation_error(form, error)
    return _staff_form(
        request,
        procedure=procedure,
        form=form,
        title=_("Ergebnisbericht veröffentlichen"),
        submit=_("Veröffentlichen"),
        cancel_url=back,
        intro=_(
            "Der Bericht erscheint sofort öffentlich. Er folgt auf Beteiligung und Abstimmung "
            "und setzt voraus, dass jeder Vorschlag eine Antwort hat."
        ),
        refusal=refusal,
    )
