"""Reading the pipeline for someone's work: uploads waiting for the DPO's review, results the
DPO returned, and runs that failed or wait for a step."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.opendata.pipeline import rules
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload

# Runs that need their office: a failure to look into, a scan whose privacy model waits to
# be confirmed; and runs still with the worker.
RUNS_TO_FOLLOW = (
    PipelineStatus.FAILED,
    PipelineStatus.SCANNED,
    PipelineStatus.QUEUED,
    PipelineStatus.RUNNING,
)
RUNS_NEEDING_A_STEP = (PipelineStatus.FAILED, PipelineStatus.SCANNED)


def uploads_awaiting_review(user: Actor) -> QuerySet[RawUpload]:
    """The anonymized results ``user`` may decide on, the oldest upload first."""
    return rules.uploads_reviewable_by(user).select_related("dataset").order_by("uploaded_at", "pk")


def uploads_returned_to(user: Actor) -> QuerySet[RawUpload]:
    """Results the DPO returned (``review_comment`` says why) to ``user``'s office."""
    return (
        rules.uploads_configurable_by(user)
        .filter(status=PipelineStatus.RETURNED)
        .select_related("dataset")
        .order_by("uploaded_at", "pk")
    )


def runs_to_follow(user: Actor) -> QuerySet[RawUpload]:
    """``user``'s office's runs that failed, wait for their privacy model or are running."""
    return (
        rules.uploads_configurable_by(user)
        .filter(status__in=RUNS_TO_FOLLOW)
        .select_related("dataset")
        .order_by("uploaded_at", "pk")
    )
