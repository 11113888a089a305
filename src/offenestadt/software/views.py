"""The software register's pages: the public list and entries, each entry's publiccode.yml,
and the staff's forms to enter, change and import entries."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from offenestadt.accounts.rules import reads_internal
from offenestadt.core.forms import show_validation_error
from offenestadt.software import rules, services
from offenestadt.software.forms import ComponentForm, PubliccodeImportForm
from offenestadt.software.models import Component
from offenestadt.software.publiccode import component_document, dump_publiccode, export_problems


@require_safe
def component_list(request: HttpRequest) -> HttpResponse:
    components = Component.objects.all()
    return render(
        request,
        "software/component_list.html",
        {"components": components, "can_edit": rules.can_edit_register(request.user)},
    )


@require_safe
def component_detail(request: HttpRequest, slug: str) -> HttpResponse:
    component = get_object_or_404(Component, slug=slug)
    staff = reads_internal(request.user)
    parts = component.project_parts.select_related("project").order_by("project__title")
    projects = {p.project.pk: p.project for p in parts if staff or p.project.is_public_record()}
    return render(
        request,
        "software/component_detail.html",
        {
            "component": component,
            "projects": list(projects.values()),
            "export_problems": export_problems(component),
            "can_edit": rules.can_edit_register(request.user),
        },
    )


@require_safe
def component_publiccode(request: HttpRequest, slug: str) -> HttpResponse:
    component = get_object_or_404(Component, slug=slug)
    if problems := export_problems(component):
        raise Http404(" ".join(problems))
    response = HttpResponse(
        dump_publiccode(component_document(component)), content_type="application/yaml"
    )
    response["Content-Disposition"] = 'inline; filename="publiccode.yml"'
    return response


def _refused(form: forms.BaseForm) -> int:
    """A form sent back with what to fix answers 400, as every form of the platform does."""
    return 400 if form.is_bound else 200


@require_http_methods(["GET", "POST"])
def component_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_edit_register(request.user):
        raise PermissionDenied
    form = ComponentForm(request.POST or None, initial={"platforms": ["web"], "languages": ["de"]})
    if form.is_valid():
        try:
            component = services.component_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(component)
    return render(request, "software/component_form.html", {"form": form}, status=_refused(form))


@require_http_methods(["GET", "POST"])
def component_edit(request: HttpRequest, slug: str) -> HttpResponse:
    component = get_object_or_404(Component, slug=slug)
    if not rules.can_edit_register(request.user):
        raise PermissionDenied
    form = ComponentForm(request.POST or None, instance=component)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.component_update(actor=request.user, component=component, **fields)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(component)
    return render(
        request,
        "software/component_form.html",
        {"form": form, "component": component},
        status=_refused(form),
    )


@require_http_methods(["GET", "POST"])
def component_import(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    component = get_object_or_404(Component, slug=slug) if slug else None
    if not rules.can_edit_register(request.user):
        raise PermissionDenied
    form = PubliccodeImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            component = services.component_import(
                actor=request.user, text=form.document_text(), component=component
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(component)
    return render(
        request,
        "software/component_import.html",
        {"form": form, "component": component},
        status=_refused(form),
    )
