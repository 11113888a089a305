from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from offenestadt.audit.models import AuditEntry
from offenestadt.registry import rules, services
from offenestadt.registry.forms import ProjectForm
from offenestadt.registry.models import Project

PAGE_SIZE = 50


def _project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("office"), slug=slug)
    if not rules.can_view_project(request.user, project):
        # A draft does not exist for those who may not see it.
        raise Http404
    return project


def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).select_related("office")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "registry/project_list.html",
        {"page": page, "can_create": rules.can_create_project(request.user)},
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    history = AuditEntry.objects.for_record(project)
    if not request.user.is_authenticated or not request.user.reads_internal_records:
        history = history.public()
    return render(
        request,
        "registry/project_detail.html",
        {
            "project": project,
            "history": history.order_by("-seq"),
            "can_edit": rules.can_edit_project(request.user, project),
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(
        request.POST or None, initial={"office": getattr(request.user, "office", None)}
    )
    if form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied as denied:
            form.add_error("office", str(denied))
        else:
            return redirect(project)
    return render(request, "registry/project_form.html", {"form": form})


def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project)
    # The office is fixed once a project exists.
    del form.fields["office"]
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        services.project_update(actor=request.user, project=project, **fields)
        return redirect(project)
    return render(request, "registry/project_form.html", {"form": form, "project": project})


@require_POST
def project_publish(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    services.project_publish(actor=request.user, project=project)
    return redirect(project)
