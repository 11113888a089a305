"""The staff pages of the publication pipeline: upload raw data, confirm the privacy model,
follow the anonymization, let the DPO review the result, and publish it.

The raw file is never served: no page links to it and no address returns it. Only the first
rows of the anonymized output are shown, and only to those who may see the upload.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from offenestadt.accounts.models import Actor, User
from offenestadt.core.confirm import confirmation_page, confirmed
from offenestadt.core.forms import show_validation_error
from offenestadt.core.retention import OPEN_DATA, RetentionPeriod, retention_period
from offenestadt.core.worker import missing_worker_notice
from offenestadt.opendata.catalogue import rules as catalogue_rules
from offenestadt.opendata.catalogue.models import Distribution
from offenestadt.opendata.filescan import rules as filescan_rules
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.filescan.findings import ScanRow, scan_rows
from offenestadt.opendata.filescan.models import FileScan, ScanState
from offenestadt.opendata.pipeline import rules
from offenestadt.opendata.pipeline import services as pipeline
from offenestadt.opendata.pipeline.aggregates import DP_AGGREGATES, K_ANONYMITY
from offenestadt.opendata.pipeline.forms import (
    GENERALISATION_CHOICES,
    MODE_CHOICES,
    ROLE_CHOICES,
    FileApprovalForm,
    PrivacyModelForm,
    ReviewDecision,
    ReviewForm,
    UploadForm,
)
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload

PAGE_SIZE = 50
PREVIEW_ROWS = 10
RETENTION_CATEGORY = "raw-uploads"
# While the worker has the upload, its page reloads itself (a meta refresh, no script).
REFRESH_SECONDS = 2
FOLLOW = "verfolgen"
CONFIGURABLE = frozenset(
    {
        PipelineStatus.SCANNED,
        PipelineStatus.FAILED,
        PipelineStatus.RETURNED,
        PipelineStatus.REVIEW,
    }
)
# Above this share of information lost (in per cent), the result page warns before approval.
HIGH_LOSS_PERCENT = 50
WORKING = frozenset({PipelineStatus.QUEUED, PipelineStatus.RUNNING})
# A run's result is shown while it stands: not once the model changes or a new run starts.
WITH_RESULT = frozenset(
    {
        PipelineStatus.REVIEW,
        PipelineStatus.RETURNED,
        PipelineStatus.APPROVED,
        PipelineStatus.PUBLISHED,
    }
)


def _pipeline_user(user: Actor) -> User:
    """The person working with raw uploads: for anyone else the pipeline does not exist."""
    if not isinstance(user, User) or not rules.uses_pipeline(user):
        raise Http404
    return user


def _upload_for(request: HttpRequest, pk: int) -> RawUpload:
    """The upload, for someone who may see it: for anyone else it does not exist."""
    upload = get_object_or_404(rules.visible_uploads(_pipeline_user(request.user)), pk=pk)
    if not rules.can_see_upload(request.user, upload):
        raise Http404
    return upload


def _retention_category() -> RetentionPeriod | None:
    """The register's entry for raw uploads: its retention decides when they are deleted."""
    return retention_period(activity=OPEN_DATA, category=RETENTION_CATEGORY)


def upload_list(request: HttpRequest) -> HttpResponse:
    """Raw uploads the user may see, newest first; for the DPO those to review come first."""
    user = _pipeline_user(request.user)
    uploads = rules.visible_uploads(user)
    if rules.reviews_uploads(user):
        uploads = uploads.annotate(
            waiting=Case(
                When(status=PipelineStatus.REVIEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("waiting", "-uploaded_at", "-pk")
    else:
        uploads = uploads.order_by("-uploaded_at", "-pk")
    page = Paginator(uploads, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "opendata/pipeline_list.html",
        {
            "page": page,
            "can_upload": catalogue_rules.can_create_dataset(user),
            "waiting": RawUpload.objects.filter(status=PipelineStatus.REVIEW).count()
            if rules.reviews_uploads(user)
            else None,
            "files_waiting": len(_waiting_scans()) if rules.reviews_uploads(user) else None,
        },
    )


@require_http_methods(["GET", "POST"])
def upload_create(request: HttpRequest) -> HttpResponse:
    """Hand in a raw file for a dataset: it is stored privately and scanned at once."""
    user = _pipeline_user(request.user)
    if not catalogue_rules.can_create_dataset(user):
        raise PermissionDenied
    initial = {}
    name = request.GET.get("datensatz", "").strip()
    if name:
        dataset = catalogue_rules.datasets_editable_by(user).filter(name=name).first()
        if dataset is not None:
            initial["dataset"] = dataset
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        initial=initial,
    )
    if form.is_valid():
        try:
            upload = pipeline.upload_create(
                actor=request.user,
                dataset=form.cleaned_data["dataset"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("pipeline:detail", upload.pk)
    category = _retention_category()
    return render(
        request,
        "opendata/pipeline_upload.html",
        {"form": form, "retention": category.retention_text if category else ""},
        status=400 if form.is_bound else 200,
    )


def _scan_rows(upload: RawUpload) -> list[ScanRow]:
    return scan_rows(upload.scan)


@dataclass(frozen=True)
class Risk:
    """Re-identification risk of a table (prosecutor model), as the risk report gives it."""

    highest: float
    average: float
    records_at_risk: int
    share_at_risk: float
    smallest_class: int | None
    classes: int

    @classmethod
    def of(cls, report: dict[str, Any]) -> "Risk":
        prosecutor = report.get("prosecutor") or {}
        return cls(
            highest=100 * float(prosecutor.get("highest", 0)),
            average=100 * float(prosecutor.get("average", 0)),
            records_at_risk=int(report.get("records_at_risk", 0)),
            share_at_risk=100 * float(report.get("share_at_risk", 0)),
            smallest_class=report.get("smallest_class"),
            classes=int(report.get("classes", 0)),
        )


@dataclass(frozen=True)
class Result:
    """What the DPO judges: the figures of the run and the first rows of its output."""

    mode: str
    # The privacy mode as the page names it, and for DP aggregates the epsilon spent.
    mode_label: str
    epsilon: float | None
    rows: int
    suppressed: int
    levels: list[tuple[str, int]]
    removed: list[str]
    # The model of the run, column by column: name, role, generalisation (quasi-identifiers).
    columns: list[tuple[str, str, str]]
    suppression: float
    loss: float
    before: Risk
    after: Risk
    header: list[str]
    preview: list[list[str]]

    @property
    def dp(self) -> bool:
        return self.mode == DP_AGGREGATES

    @property
    def high_loss(self) -> bool:
        """More than half of the information lost: the DPO is warned before approving."""
        return self.loss > HIGH_LOSS_PERCENT


def _preview(upload: RawUpload) -> tuple[list[str], list[list[str]]]:
    """The header and first rows of the anonymized output, read from private storage."""
    if not upload.output:
        return [], []
    with upload.output.open("rb") as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        rows = list(islice(csv.reader(text), PREVIEW_ROWS + 1))
    return (rows[0], rows[1:]) if rows else ([], [])


def _result(upload: RawUpload) -> Result | None:
    report = upload.report
    if not report or upload.status not in WITH_RESULT:
        return None
    roles, generalisations = dict(ROLE_CHOICES), dict(GENERALISATION_CHOICES)
    columns = [
        (
            name,
            str(roles.get(column.get("role"), column.get("role"))),
            str(generalisations.get(column.get("generalisation"), ""))
            if column.get("role") == "quasi"
            else "",
        )
        for name, column in upload.config.get("columns", {}).items()
    ]
    header, preview = _preview(upload)
    risk = report.get("risk") or {}
    mode = upload.config.get("mode", K_ANONYMITY)
    return Result(
        mode=mode,
        mode_label=str(dict(MODE_CHOICES).get(mode, mode)),
        epsilon=report.get("epsilon"),
        rows=int(report.get("rows", 0)),
        suppressed=int(report.get("suppressed", 0)),
        levels=sorted((report.get("levels") or {}).items()),
        removed=list(report.get("identifiers_removed") or []),
        columns=columns,
        suppression=100 * float(upload.config.get("suppression", 0)),
        loss=100 * float(report.get("loss", 0)),
        before=Risk.of(risk.get("before") or {}),
        after=Risk.of(risk.get("after") or {}),
        header=header,
        preview=preview,
    )


def _model_form(upload: RawUpload, data: Any = None) -> PrivacyModelForm:
    columns, identifiers = pipeline.scanned_columns(upload)
    return PrivacyModelForm(data, columns=columns, config=upload.config, identifiers=identifiers)


def _deleted_on(upload: RawUpload) -> datetime | None:
    category = _retention_category()
    if category is None or not category.has_retention:
        return None
    return category.retention_ends(upload.uploaded_at)


def _render_detail(
    request: HttpRequest,
    upload: RawUpload,
    *,
    model_form: PrivacyModelForm | None = None,
    review_form: ReviewForm | None = None,
    publish_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = catalogue_rules.can_edit_dataset(request.user, upload.dataset)
    working = upload.status in WORKING
    configurable = can_edit and upload.status in CONFIGURABLE
    return render(
        request,
        "opendata/pipeline_detail.html",
        {
            "upload": upload,
            "statuses": PipelineStatus,
            "working": working,
            "worker_notice": missing_worker_notice() if working else None,
            # Only when asked for (WCAG 2.2.1): the form's box, or the link on the page.
            "refresh": working and request.GET.get(FOLLOW) == "1",
            "refresh_seconds": REFRESH_SECONDS,
            "follow_parameter": FOLLOW,
            "scan_rows": _scan_rows(upload),
            "model_form": model_form or (_model_form(upload) if configurable else None),
            "result": _result(upload),
            "review_form": (review_form or ReviewForm())
            if rules.can_review_upload(request.user, upload)
            else None,
            "can_publish": can_edit and upload.status == PipelineStatus.APPROVED,
            "deleted_on": _deleted_on(upload),
            "publish_errors": publish_errors or [],
        },
        status=status,
    )


def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _upload_for(request, pk))


@require_POST
def upload_configure(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the privacy model and hand the anonymization to the background worker."""
    upload = _upload_for(request, pk)
    if not catalogue_rules.can_edit_dataset(request.user, upload.dataset):
        raise PermissionDenied
    form = _model_form(upload, request.POST)
    if form.is_valid():
        try:
            pipeline.upload_configure(actor=request.user, upload=upload, config=form.config())
            pipeline.upload_run(actor=request.user, upload=upload)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            target = reverse("pipeline:detail", args=[upload.pk])
            return redirect(f"{target}?{FOLLOW}=1" if form.cleaned_data["follow"] else target)
    upload.refresh_from_db()
    return _render_detail(request, upload, model_form=form, status=400)


@require_POST
def upload_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The DPO approves the anonymized result, or returns it saying what must change."""
    upload = _upload_for(request, pk)
    if not rules.can_review_upload(request.user, upload):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == ReviewDecision.APPROVE
        comment = form.cleaned_data["comment"]
        try:
            if approve:
                pipeline.upload_approve(actor=request.user, upload=upload, comment=comment)
            else:
                pipeline.upload_return(actor=request.user, upload=upload, comment=comment)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            section = "veroeffentlichung" if approve else "zurueckgegeben"
            return redirect(reverse("pipeline:detail", args=[upload.pk]) + f"#{section}")
    return _render_detail(request, upload, review_form=form, status=400)


@require_POST
def upload_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved, anonymized output becomes a file of the dataset, after asking; nothing
    else can, and anything else is refused at once, without asking."""
    upload = _upload_for(request, pk)
    if not catalogue_rules.can_edit_dataset(request.user, upload.dataset):
        raise PermissionDenied
    try:
        pipeline.upload_publish_gate(upload)
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("Die anonymisierte Datei zu „%(title)s“ veröffentlichen?")
                % {"title": upload.dataset.title},
                consequences=[
                    _(
                        "Die Datei wird dem Datensatz hinzugefügt und ist für alle abrufbar, "
                        "sobald der Datensatz im Katalog steht."
                    ),
                    _("Die Veröffentlichung lässt sich nicht zurücknehmen."),
                ],
                confirm_label=_("Ja, veröffentlichen"),
                cancel_url=reverse("pipeline:detail", args=[upload.pk]) + "#veroeffentlichung",
            )
        pipeline.upload_publish(actor=request.user, upload=upload)
    except ValidationError as error:
        return _render_detail(request, upload, publish_errors=error.messages, status=409)
    return redirect(reverse("pipeline:detail", args=[upload.pk]) + "#veroeffentlichung")


@dataclass
class FileDecision:
    """A file that waits for the DPO, with what the check found."""

    scan: FileScan
    record: Any
    record_url: str
    rows: list[ScanRow]
    form: FileApprovalForm | None


def _record_url(record: Any) -> str:
    if isinstance(record, Distribution):
        return f"{record.dataset.get_absolute_url()}#pruefung-{record.identifier}"
    url = getattr(record, "get_absolute_url", None)
    return str(url()) if url is not None else ""


def _waiting_scans() -> list[FileScan]:
    """Scans the DPO may still decide on, for the file their record holds now."""
    scans = FileScan.objects.filter(
        approved_at__isnull=True,
        state__in=(ScanState.NOT_SCANNABLE, ScanState.PERSONAL_DATA),
    ).select_related("content_type", "requested_by")
    waiting = []
    for scan in scans.order_by("requested_at", "pk"):
        record = scan.record
        file = getattr(record, scan.field_name, None) if record is not None else None
        if file and file.name == scan.file_name:
            waiting.append(scan)
    return waiting


@require_http_methods(["GET", "POST"])
def file_decisions(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Files the check could not clear; the DPO approves those that may be published."""
    user = _pipeline_user(request.user)
    posted: FileApprovalForm | None = None
    status = 200
    if pk is not None:
        if request.method != "POST":
            return redirect("pipeline:files")
        scan = get_object_or_404(FileScan, pk=pk)
        if not filescan_rules.can_see_scan(user, scan):
            raise Http404
        if not filescan_rules.can_approve_scan(user, scan):
            raise PermissionDenied
        posted = FileApprovalForm(request.POST, prefix=f"datei-{pk}")
        if posted.is_valid():
            try:
                filescan.file_scan_approve(actor=user, scan=scan, note=posted.cleaned_data["note"])
            except ValidationError as error:
                show_validation_error(posted, error)
            else:
                return redirect("pipeline:files")
        status = 400
    decisions = []
    for scan in _waiting_scans():
        if not filescan_rules.can_see_scan(user, scan):
            continue
        form = None
        if filescan_rules.can_approve_scan(user, scan):
            form = (
                posted
                if posted is not None and scan.pk == pk
                else FileApprovalForm(prefix=f"datei-{scan.pk}")
            )
        decisions.append(
            FileDecision(
                scan=scan,
                record=scan.record,
                record_url=_record_url(scan.record),
                rows=scan_rows(scan.findings),
                form=form,
            )
        )
    return render(
        request,
        "opendata/pipeline_files.html",
        {"decisions": decisions, "is_dpo": rules.reviews_uploads(user)},
        status=status,
    )
