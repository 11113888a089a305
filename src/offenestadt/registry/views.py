from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.rules import reads_internal
from offenestadt.audit.selectors import history_for
from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.mentions import Mentions
from offenestadt.charter.scorecard import Scorecard
from offenestadt.charter.selectors import charter_in_force
from offenestadt.core.confirm import confirmation_page, confirmed
from offenestadt.core.forms import show_validation_error
from offenestadt.council.selectors import paper_deliberations
from offenestadt.registry import rules, selectors, services
from offenestadt.registry.compliance import gate_ahead, project_gate
from offenestadt.registry.forms import (
    ACCESS_CHANNEL_ROWS,
    AccessChannelForm,
    FundingSourceForm,
    ProjectForm,
    ServiceForm,
    SoftwareComponentForm,
    TransitionForm,
)
from offenestadt.registry.models import (
    AccessChannel,
    FundingSource,
    Project,
    ProjectEvaluation,
    ProjectStatus,
    Service,
    SoftwareComponent,
)
from offenestadt.registry.services import RegisterPart
from offenestadt.training.selectors import project_courses

PAGE_SIZE = 50


def _project_for(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("office"), slug=slug)
    if not rules.can_view_project(request.user, project):
        # A draft does not exist for those who may not see it.
        raise Http404
    return project


def project_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "status": request.GET.get("status", ""),
        "office": request.GET.get("amt", ""),
        "principle": request.GET.get("prinzip", ""),
        "finding": request.GET.get("befund", ""),
        "q": request.GET.get("q", "").strip(),
    }
    projects = selectors.project_list(user=request.user, filters=_project_filters(filters))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("seite"))
    charter = charter_in_force()
    return render(
        request,
        "registry/project_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ProjectStatus.choices,
            "offices": selectors.offices_with_projects(),
            "principles": charter.principles() if charter else [],
            "finding_statuses": Status.choices,
            "can_create": rules.can_create_project(request.user),
        },
    )


def _project_filters(shown: dict[str, str]) -> selectors.ProjectFilters:
    """The list's filters from its address; a value that means nothing narrows nothing.

    A finding narrows the list only together with a principle.
    """
    rated = bool(shown["principle"]) and shown["finding"] in Status.values
    return selectors.ProjectFilters(
        status=ProjectStatus(shown["status"]) if shown["status"] in ProjectStatus.values else None,
        office=shown["office"],
        q=shown["q"],
        principle=shown["principle"] if rated else None,
        finding=Status(shown["finding"]) if rated else None,
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
    """The project's page; after a refused step ``refused`` holds the findings that refused it."""
    # The software table links each component to its register entry, and the services'
    # channels come with their service points and hours: one query each for all.
    components = SoftwareComponent.objects.select_related("register_entry")
    prefetch_related_objects(
        [project],
        Prefetch("software_components", queryset=components),
        Prefetch("services", selectors.services_with_access()),
    )
    # Visitors read the stored evaluation (the same for all, cached with the page); signed-in
    # staff see the findings as the records stand now.
    charter, findings = (
        services.project_findings(project)
        if request.user.is_authenticated
        else services.project_findings_stored(project)
    )
    overrides = list(project.overrides.all())
    mentions = Mentions.of(
        request.user,
        findings=[*findings, *(refused or [])],
        stored=[finding for override in overrides for finding in override.overridden_findings],
    )
    for override in overrides:
        override.overridden_findings = mentions.stored(override.overridden_findings)
    can_edit = rules.can_edit_project(request.user, project)
    if can_edit and transition_form is None and project.next_statuses():
        transition_form = TransitionForm(project=project)
    return render(
        request,
        "registry/project_detail.html",
        {
            "project": project,
            "history": history_for(project, request.user),
            "can_edit": can_edit,
            "charter": charter,
            "scorecard": Scorecard.build(mentions.findings(findings), charter),
            "transition_form": transition_form,
            "refused": mentions.findings(refused) if refused else refused,
            "gate_ahead": mentions.findings(gate_ahead(project, findings, charter))
            if transition_form and not refused
            else [],
            "overrides": overrides,
            "linked": project.linked_records(internal=reads_internal(request.user)),
            "council_papers": paper_deliberations(project.council_papers.all()),
            "courses": project_courses(project.pk),
        },
        status=status,
    )


def project_evaluations(request: HttpRequest, slug: str) -> HttpResponse:
    """How the project's findings changed over time, with the charter version of each."""
    project = _project_for(request, slug)
    evaluations = list(
        ProjectEvaluation.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("charter_version")
    )
    mentions = Mentions.of(request.user, stored=[f for e in evaluations for f in e.findings])
    return render(
        request,
        "registry/project_evaluations.html",
        {
            "project": project,
            "evaluations": [
                (
                    evaluation,
                    Scorecard.build(
                        mentions.findings(Finding.from_dict(data) for data in evaluation.findings),
                        evaluation.charter_version,
                    ),
                )
                for evaluation in evaluations
            ],
        },
    )


def overview(request: HttpRequest) -> HttpResponse:
    """Per principle: how many published projects meet it, breach it or lack evidence."""
    charter = charter_in_force()
    counts = selectors.principle_counts()
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
        request.POST or None,
        initial={"office": getattr(request.user, "office", None)},
        user=request.user,
    )
    # Council papers are linked once the project exists.
    del form.fields["council_papers"]
    if form.is_valid():
        project = services.project_create(actor=request.user, **form.cleaned_data)
        return redirect(project)
    return render(request, "registry/project_form.html", {"form": form})


def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_for(request, slug)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    # The office is fixed once a project exists.
    del form.fields["office"]
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        services.project_update(actor=request.user, project=project, **fields)
        return redirect(project)
    return render(request, "registry/project_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
def project_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a draft public, after asking: from then on everyone sees it and its history."""
    project = _project_for(request, slug)
    if not rules.can_publish_project(request.user, project):
        raise PermissionDenied
    if project.published_at is not None:
        return redirect(project)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("„%(title)s“ veröffentlichen?") % {"title": project.title},
            consequences=[
                _("Das Projekt ist dann für alle sichtbar, mit seinen Befunden nach der Charta."),
                _("Jede weitere Änderung erscheint im öffentlichen Änderungsprotokoll."),
                _("Die Veröffentlichung lässt sich nicht zurücknehmen."),
            ],
            confirm_label=_("Ja, veröffentlichen"),
            cancel_url=project.get_absolute_url(),
        )
    services.project_publish(actor=request.user, project=project)
    messages.success(request, _("Das Projekt ist veröffentlicht."))
    return redirect(project)


def _council_decision(form: TransitionForm) -> services.CouncilDecision | None:
    if not form.cleaned_data["decision_reference"]:
        return None
    return services.CouncilDecision(
        reference=form.cleaned_data["decision_reference"],
        decided_on=form.cleaned_data["decided_on"],
        justification=form.cleaned_data["justification"],
    )


def _confirm_transition(
    request: HttpRequest,
    project: Project,
    to: ProjectStatus,
    decision: services.CouncilDecision | None,
) -> HttpResponse:
    consequences = [
        _("Der neue Stand wird öffentlich angezeigt und im Änderungsprotokoll vermerkt."),
        _("Zurück zum bisherigen Stand geht es nicht."),
    ]
    if decision is not None:
        consequences.insert(
            0,
            _("Der Ratsbeschluss setzt die offenen Befunde der Charta öffentlich beiseite."),
        )
    return confirmation_page(
        request,
        title=_("„%(title)s“ nach „%(status)s“ bringen?")
        % {"title": project.title, "status": to.label},
        consequences=consequences,
        confirm_label=_("Ja, Stand ändern"),
        cancel_url=project.get_absolute_url(),
    )


@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    """Move a project on: a step its gate would refuse is refused at once, any other is asked
    about once more before it is taken."""
    project = _project_for(request, slug)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    form = TransitionForm(request.POST, project=project)
    if not form.is_valid():
        return _render_detail(request, project, transition_form=form, status=400)
    decision = _council_decision(form)
    try:
        if decision is None:
            project_gate(project=project, to=form.target())
        if not confirmed(request):
            return _confirm_transition(request, project, form.target(), decision)
        services.project_transition(
            actor=request.user, project=project, to=form.target(), council_decision=decision
        )
    except GateRefusedError as refusal:
        project.refresh_from_db()
        return _render_detail(
            request, project, transition_form=form, refused=refusal.findings, status=409
        )
    except ValidationError as error:
        form.add_error("to", error)
        return _render_detail(request, project, transition_form=form, status=400)
    messages.success(
        request,
        _("Das Projekt ist jetzt im Stand „%(status)s“.") % {"status": form.target().label},
    )
    return redirect(project)


@dataclass(frozen=True)
class PartKind:
    """A kind of thing that belongs to a project, as the staff pages add, change and remove it."""

    model: type[RegisterPart]
    form: type[forms.ModelForm[Any]]
    # The section of the project page that lists this kind (the charter's findings link there).
    anchor: str
    title: str | Promise
    # Access channels belong to one of the project's services, not to the project itself.
    in_service: bool = False

    @property
    def parent_field(self) -> str:
        return "service" if self.in_service else "project"


# Keyed by the word in the address: /projekte/<slug>/<kind>/neu/.
PART_KINDS: dict[str, PartKind] = {
    "finanzierung": PartKind(
        FundingSource, FundingSourceForm, "finanzierung", _("Finanzierungsquelle")
    ),
    "dienstleistung": PartKind(Service, ServiceForm, "dienstleistungen", _("Dienstleistung")),
    "zugangsweg": PartKind(
        AccessChannel, AccessChannelForm, "dienstleistungen", _("Zugangsweg"), in_service=True
    ),
    "software": PartKind(
        SoftwareComponent, SoftwareComponentForm, "software", _("Software-Komponente")
    ),
}


@dataclass(frozen=True)
class PartPage:
    """What a part's page works on: the project, the kind, its service and the part itself."""

    project: Project
    kind: PartKind
    service: Service | None
    part: RegisterPart

    @property
    def section_url(self) -> str:
        return f"{self.project.get_absolute_url()}#{self.kind.anchor}"

    def removed_along(self) -> list[AccessChannel]:
        """What goes with the part when it is removed: a service's access channels."""
        return list(self.part.channels.all()) if isinstance(self.part, Service) else []


def _part_page(
    request: HttpRequest, slug: str, kind: str, pk: int | None, service_pk: int | None
) -> PartPage:
    """The part the address names (a new one without ``pk``), for someone who may edit it.

    404 for a project the user may not see and for a part of another project; 403 for a
    project they may see but not change.
    """
    part_kind = PART_KINDS.get(kind)
    # Access channels are addressed through their service, everything else without one.
    if part_kind is None or part_kind.in_service != (service_pk is not None):
        raise Http404
    project = _project_for(request, slug)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    service = None
    if service_pk is not None:
        # Through the project's manager, so the service knows its project without a query.
        service = get_object_or_404(project.services, pk=service_pk)
    parent = service or project
    if pk is None:
        part = part_kind.model(**{part_kind.parent_field: parent})
    else:
        parts = part_kind.model._default_manager.filter(**{part_kind.parent_field: parent})
        try:
            part = parts.get(pk=pk)
        except ObjectDoesNotExist:
            raise Http404 from None
        # The parent is known already; spare the service layer a query to find the project.
        setattr(part, part_kind.parent_field, parent)
    return PartPage(project=project, kind=part_kind, service=service, part=part)


@require_http_methods(["GET", "POST"])
def project_part_edit(
    request: HttpRequest,
    slug: str,
    kind: str,
    pk: int | None = None,
    service_pk: int | None = None,
) -> HttpResponse:
    """Add (without ``pk``) or change something that belongs to a project."""
    page = _part_page(request, slug, kind, pk, service_pk)
    adding = page.part.pk is None
    if adding and page.service is not None:
        return _add_channels(request, page, page.service)
    form = page.kind.form(request.POST if request.method == "POST" else None, instance=page.part)
    if form.is_valid():
        try:
            services.project_part_save(actor=request.user, part=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(page.section_url)
    return render(
        request,
        "registry/part_form.html",
        {"page": page, "form": form, "adding": adding},
        status=400 if form.is_bound else 200,
    )


def _add_channels(request: HttpRequest, page: PartPage, service: Service) -> HttpResponse:
    """Add access channels to a service, several at once; rows left empty are left out."""
    rows = ACCESS_CHANNEL_ROWS(
        request.POST if request.method == "POST" else None, service=service, prefix="zugang"
    )
    refusal = None
    if rows.is_valid():
        parts = [form.instance for form in rows.filled()]
        try:
            services.project_parts_save(actor=request.user, parts=parts)
        except ValidationError as error:
            refusal = error.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s Zugangsweg ist eingetragen.",
                    "%(count)s Zugangswege sind eingetragen.",
                    len(parts),
                )
                % {"count": len(parts)},
            )
            return redirect(page.section_url)
    return render(
        request,
        "registry/part_form.html",
        {"page": page, "rows": rows, "adding": True, "refusal": refusal},
        status=400 if rows.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def project_part_delete(
    request: HttpRequest, slug: str, kind: str, pk: int, service_pk: int | None = None
) -> HttpResponse:
    """Remove something from a project, after asking."""
    page = _part_page(request, slug, kind, pk, service_pk)
    if request.method == "POST":
        services.project_part_delete(actor=request.user, part=page.part)
        return redirect(page.section_url)
    return render(request, "registry/part_confirm_delete.html", {"page": page})
