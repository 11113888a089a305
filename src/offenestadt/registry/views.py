from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.scorecard import Scorecard
from offenestadt.registry import rules, services
from offenestadt.registry.forms import ProjectForm, TransitionForm
from offenestadt.registry.models import (
    EvaluatedPrinciple,
    Project,
    ProjectEvaluation,
    ProjectStatus,
)

PAGE_SIZE = 50


def _project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("office"), slug=slug)
    if not rules.can_view_project(request.user, project):
        # A draft does not exist for those who may not see it.
        raise Http404
    return project


def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).select_related("office")
    filters = {
        "status": request.GET.get("status", ""),
        "office": request.GET.get("amt", ""),
        "principle": request.GET.get("prinzip", ""),
        "finding": request.GET.get("befund", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["status"] in ProjectStatus.values:
        projects = projects.filter(status=filters["status"])
    if filters["office"]:
        projects = projects.filter(office__slug=filters["office"])
    if filters["q"]:
        projects = projects.filter(
            Q(title__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
        )
    if filters["principle"] and filters["finding"] in Status.values:
        projects = projects.filter(
            evaluations__is_current=True,
            evaluations__principles__principle=filters["principle"],
            evaluations__principles__status=filters["finding"],
        )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("seite"))
    charter = CharterVersion.objects.in_force()
    return render(
        request,
        "registry/project_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ProjectStatus.choices,
            "offices": Office.objects.filter(projects__isnull=False).distinct(),
            "principles": charter.principles() if charter else [],
            "finding_statuses": Status.choices,
            "can_create": rules.can_create_project(request.user),
        },
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    return _render_detail(request, project)


def _render_detail(
    request: HttpRequest,
    project: Project,
    transition_form: TransitionForm | None = None,
    refused: list[Finding] | None = None,
    status: int = 200,
) -> HttpResponse:
    history = AuditEntry.objects.for_record(project)
    if not request.user.is_authenticated or not request.user.reads_internal_records:
        history = history.public()
    charter, findings = services.project_findings(project)
    can_edit = rules.can_edit_project(request.user, project)
    if can_edit and transition_form is None and project.next_statuses():
        transition_form = TransitionForm(project=project)
    return render(
        request,
        "registry/project_detail.html",
        {
            "project": project,
            "history": history.order_by("-seq"),
            "can_edit": can_edit,
            "charter": charter,
            "scorecard": Scorecard.build(findings, charter),
            "transition_form": transition_form,
            "refused": refused,
            "overrides": project.overrides.all(),
        },
        status=status,
    )


def project_evaluations(request: HttpRequest, slug: str) -> HttpResponse:
    """How the project's findings changed over time, with the charter version of each."""
    project = _project_for(request, slug)
    evaluations = ProjectEvaluation.objects.filter(project=project).select_related(
        "charter_version"
    )
    return render(
        request,
        "registry/project_evaluations.html",
        {
            "project": project,
            "evaluations": [
                (
                    evaluation,
                    Scorecard.build(
                        [Finding.from_dict(data) for data in evaluation.findings],
                        evaluation.charter_version,
                    ),
                )
                for evaluation in evaluations
            ],
        },
    )


def overview(request: HttpRequest) -> HttpResponse:
    """Per principle: how many published projects meet it, breach it or lack evidence."""
    charter = CharterVersion.objects.in_force()
    counted = (
        EvaluatedPrinciple.objects.filter(
            evaluation__is_current=True, evaluation__project__published_at__isnull=False
        )
        .values("principle", "status")
        .annotate(projects=Count("evaluation__project", distinct=True))
    )
    counts = {(row["principle"], row["status"]): row["projects"] for row in counted}
    statuses = [Status.MET, Status.VIOLATED, Status.MISSING, Status.NOT_APPLICABLE]
    rows = [
        (principle, [(status, counts.get((principle.id, status), 0)) for status in statuses])
        for principle in (charter.principles() if charter else [])
    ]
    return render(
        request,
        "registry/overview.html",
        {
            "charter": charter,
            "statuses": statuses,
            "rows": rows,
            "project_count": Project.objects.published().count(),
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


@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    form = TransitionForm(request.POST, project=project)
    if not form.is_valid():
        return _render_detail(request, project, transition_form=form, status=400)
    decision = None
    if form.cleaned_data["decision_reference"]:
        decision = services.CouncilDecision(
            reference=form.cleaned_data["decision_reference"],
            decided_on=form.cleaned_data["decided_on"],
            justification=form.cleaned_data["justification"],
        )
    try:
        services.project_transition(
            actor=request.user, project=project, to=form.target(), council_decision=decision
        )
    except services.GateRefusedError as refusal:
        project.refresh_from_db()
        return _render_detail(
            request, project, transition_form=form, refused=refusal.findings, status=409
        )
    except ValidationError as error:
        form.add_error("to", error)
        return _render_detail(request, project, transition_form=form, status=400)
    return redirect(project)
