"""The public register of processing activities, its exports and deletion log, and the staff
pages that write entries and take them through the data protection officer's review."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.models import Role
from offenestadt.accounts.rules import reads_internal, staff_only
from offenestadt.audit.selectors import history_for
from offenestadt.charter.engine import evaluate
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.scorecard import Scorecard
from offenestadt.charter.selectors import charter_in_force
from offenestadt.contracts.selectors import contracts_with_data_flows
from offenestadt.core.confirm import confirmation_page, confirmed
from offenestadt.core.forms import show_validation_error
from offenestadt.core.parts import PartKind, PartPage, part_page
from offenestadt.processing import rules, selectors, services
from offenestadt.processing.compliance import submission_problems
from offenestadt.processing.export import export_csv, export_json
from offenestadt.processing.export_pdf import export_pdf
from offenestadt.processing.forms import (
    ActivityForm,
    DataCategoryForm,
    ReviewDecision,
    ReviewForm,
    SubmitForm,
    TransferForm,
)
from offenestadt.processing.models import (
    ActivityQuerySet,
    DataCategory,
    ProcessingActivity,
    RetentionRun,
    ReviewNote,
    Transfer,
)
from offenestadt.registry.forms import preselect_project, projects_to_link
from offenestadt.registry.selectors import projects_visible_to

PAGE_SIZE = 50
EXPORT_FILENAME = "verarbeitungsverzeichnis"


def activity_list(request: HttpRequest) -> HttpResponse:
    """What data the city processes, in plain words first; filtered by project."""
    projects = projects_visible_to(request.user)
    project_slug = request.GET.get("projekt", "").strip()
    activities = (
        selectors.activity_list(
            user=request.user, filters=selectors.ActivityFilters(project=project_slug)
        )
        .select_related("office")
        .prefetch_related(
            Prefetch("categories", queryset=DataCategory.objects.order_by("pk")),
            Prefetch("projects", queryset=projects.order_by("title")),
        )
        .order_by("is_platform_own", "title")
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "processing/activity_list.html",
        {
            "page": page,
            "project_slug": project_slug,
            "projects": projects.filter(
                processing_activities__in=ProcessingActivity.objects.visible_to(request.user)
            )
            .distinct()
            .order_by("title"),
            "internal": reads_internal(request.user),
            "can_create": rules.can_create_activity(request.user),
            "can_see_queue": rules.can_see_review_queue(request.user),
        },
    )


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.{extension}"'
    return response


def _published_register() -> ActivityQuerySet:
    """What the exports hold: the register as the public sees it, unfiltered."""
    return selectors.activity_list(user=AnonymousUser(), filters=selectors.ActivityFilters())


def register_json(request: HttpRequest) -> HttpResponse:
    """The published register as JSON, each field keyed by the letter of Art. 30(1)."""
    content = export_json(_published_register(), public=True)
    return _download(content, "application/json; charset=utf-8", "json")


def register_csv(request: HttpRequest) -> HttpResponse:
    """The published register as CSV, one row per data category."""
    content = export_csv(_published_register(), public=True)
    return _download(content, "text/csv; charset=utf-8", "csv")


def register_pdf(request: HttpRequest) -> HttpResponse:
    """The published register as a PDF document, as a supervisory authority would ask for it."""
    content = export_pdf(_published_register(), public=True)
    return _download(content, "application/pdf", "pdf")


def _activity_for(request: HttpRequest, slug: str) -> ProcessingActivity:
    """The entry, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(
        ProcessingActivity.objects.visible_to(request.user).select_related("office"), slug=slug
    )


def _editable_activity(request: HttpRequest, slug: str) -> ProcessingActivity:
    """404 for an entry the user may not see; 403 for one they may see but not change."""
    activity = _activity_for(request, slug)
    if not rules.can_edit_activity(request.user, activity):
        raise PermissionDenied
    return activity


def activity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_detail(request, _activity_for(request, slug))


def _review_notes(activity: ProcessingActivity) -> list[tuple[ReviewNote, str]]:
    """The steps of the review, each with the label of the role that took it."""
    roles = dict(Role.choices)
    return [
        (note, str(roles.get(note.author_role, note.author_role)))
        for note in activity.review_notes.all()
    ]


def _render_detail(
    request: HttpRequest,
    activity: ProcessingActivity,
    *,
    submit_form: SubmitForm | None = None,
    review_form: ReviewForm | None = None,
    refusal: GateRefusedError | None = None,
    status: int = 200,
) -> HttpResponse:
    internal = reads_internal(request.user)
    # The charter's rules and the page read the same categories and transfers.
    prefetch_related_objects([activity], "categories", "transfers")
    charter = charter_in_force()
    can_submit = rules.can_submit_activity(request.user, activity)
    can_review = rules.can_review_activity(request.user, activity)
    contracts = contracts_with_data_flows(user=request.user).filter(processing_activities=activity)
    return render(
        request,
        "processing/activity_detail.html",
        {
            "activity": activity,
            "contracts": contracts,
            "projects": activity.projects.visible_to(request.user).order_by("title"),
            "scorecard": Scorecard.build(evaluate(activity, charter) if charter else [], charter),
            "history": history_for(activity, request.user),
            "review_notes": _review_notes(activity) if internal else [],
            "can_edit": rules.can_edit_activity(request.user, activity),
            "submit_form": (submit_form or SubmitForm()) if can_submit else None,
            "refusal": refusal,
            "submission_ahead": submission_problems(activity) if can_submit and not refusal else [],
            "review_form": (review_form or ReviewForm()) if can_review else None,
            "changes_since_return": (
                selectors.changes_since_return(activity, request.user) if can_review else None
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Enter a processing activity (without ``slug``) or change one; a change of an approved
    entry sends it back to review."""
    if slug is None:
        staff_only(request.user, rules.can_create_activity(request.user))
        activity = ProcessingActivity()
    else:
        activity = _editable_activity(request, slug)
    form = ActivityForm(
        request.POST if request.method == "POST" else None, instance=activity, user=request.user
    )
    if slug is None:
        preselect_project(form, request.GET.get("projekt", ""))
    if form.is_valid():
        try:
            services.activity_save(
                actor=request.user,
                activity=form.instance,
                projects=projects_to_link(form, activity),
                contracts=list(form.cleaned_data["contracts"]),
            )
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Sie dürfen diese Projekte nicht verknüpfen."))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(form.instance)
    return render(
        request,
        "processing/activity_form.html",
        {"form": form, "activity": activity if activity.pk else None},
    )


@require_http_methods(["GET", "POST"])
def activity_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Hand the entry to the data protection officer; what is missing shows on its page.
    Opened (GET, a charter finding's "beheben"), the form alone, with what it would meet."""
    activity = _activity_for(request, slug)
    if not rules.can_submit_activity(request.user, activity):
        raise PermissionDenied
    if request.method == "GET":
        return render(
            request,
            "processing/activity_submit.html",
            {
                "activity": activity,
                "form": SubmitForm(),
                "ahead": submission_problems(activity),
            },
        )
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.activity_submit(
                actor=request.user, activity=activity, comment=form.cleaned_data["comment"]
            )
        except GateRefusedError as refusal:
            return _render_detail(request, activity, submit_form=form, refusal=refusal, status=409)
        else:
            messages.success(request, _("Der Eintrag ist zur Prüfung eingereicht."))
            return redirect(f"{activity.get_absolute_url()}#pruefung")
    return _render_detail(request, activity, submit_form=form, status=400)


@require_POST
def activity_review(request: HttpRequest, slug: str) -> HttpResponse:
    """The DPO approves (and so publishes) a submitted entry, or returns it with comments."""
    activity = _activity_for(request, slug)
    if not rules.can_review_activity(request.user, activity):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == ReviewDecision.APPROVE
        if approve and not confirmed(request):
            return confirmation_page(
                request,
                title=_("„%(title)s“ freigeben und veröffentlichen?") % {"title": activity.title},
                consequences=[
                    _("Der Eintrag steht dann so im öffentlichen Verzeichnis."),
                    _("Die Veröffentlichung lässt sich nicht zurücknehmen."),
                ],
                confirm_label=_("Ja, freigeben und veröffentlichen"),
                cancel_url=f"{activity.get_absolute_url()}#pruefung",
            )
        decide = services.activity_approve if approve else services.activity_return
        try:
            decide(actor=request.user, activity=activity, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Der Eintrag ist freigegeben und veröffentlicht.")
                if approve
                else _("Der Eintrag ist mit Anmerkungen zurückgegeben."),
            )
            return redirect(f"{activity.get_absolute_url()}#pruefung")
    return _render_detail(request, activity, review_form=form, status=400)


def review_queue(request: HttpRequest) -> HttpResponse:
    """The entries waiting for the data protection officer, oldest submission first."""
    staff_only(request.user, rules.can_see_review_queue(request.user))
    activities = selectors.review_queue()
    return render(request, "processing/review_queue.html", {"activities": activities})


# Keyed by the word in the address: /verarbeitungen/<slug>/<kind>/neu/.
PART_KINDS: dict[str, PartKind] = {
    "kategorie": PartKind(DataCategory, DataCategoryForm, "kategorien", _("Datenkategorie")),
    "uebermittlung": PartKind(
        Transfer, TransferForm, "uebermittlungen", _("Übermittlung in ein Drittland")
    ),
}


def _part_page(request: HttpRequest, slug: str, kind: str, pk: int | None) -> PartPage:
    """The part the address names (a new one without ``pk``), for the entry's editors."""
    return part_page(PART_KINDS, kind, _editable_activity(request, slug), "activity", pk)


@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, slug: str, kind: str, pk: int | None = None) -> HttpResponse:
    """Add (without ``pk``) or change a data category or a transfer of an entry."""
    page = _part_page(request, slug, kind, pk)
    form = page.kind.form(request.POST if request.method == "POST" else None, instance=page.part)
    if form.is_valid():
        try:
            services.activity_part_save(actor=request.user, part=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect(page.section_url)
    return render(request, "processing/part_form.html", {"page": page, "form": form})


@require_http_methods(["GET", "POST"])
def part_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """Remove a data category or a transfer from an entry, after asking."""
    page = _part_page(request, slug, kind, pk)
    if request.method == "POST":
        services.activity_part_delete(actor=request.user, part=page.part)
        return redirect(page.section_url)
    return render(request, "processing/part_confirm_delete.html", {"page": page})


@dataclass(frozen=True)
class RetentionCount:
    """How many records of one category a run erased: the number, never what they were."""

    key: str
    count: int
    category: DataCategory | None
    # Linked only when the reader may see the entry.
    activity_url: str


def retention_runs(request: HttpRequest) -> HttpResponse:
    """The public deletion log: when the retention task ran and how much it erased."""
    page = Paginator(RetentionRun.objects.order_by("-ran_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    keys = {key for run in page.object_list for key in run.counts}
    categories = {
        f"{category.activity.slug}/{category.key}": category
        for category in DataCategory.objects.select_related("activity")
        .filter(activity__slug__in={key.partition("/")[0] for key in keys})
        .exclude(key="")
    }
    visible = set(
        ProcessingActivity.objects.visible_to(request.user)
        .filter(pk__in={category.activity_id for category in categories.values()})
        .values_list("pk", flat=True)
    )
    runs = []
    for run in page.object_list:
        counts = []
        for key, count in sorted(run.counts.items()):
            category = categories.get(key)
            url = ""
            if category is not None and category.activity_id in visible:
                url = category.activity.get_absolute_url()
            counts.append(RetentionCount(key=key, count=count, category=category, activity_url=url))
        runs.append((run, counts))
    return render(request, "processing/retention_runs.html", {"page": page, "runs": runs})
