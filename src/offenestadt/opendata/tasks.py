"""Anonymization runs in the background worker: large files take longer than a request."""

from django.tasks import task

from offenestadt.opendata.models import PipelineStatus, RawUpload
from offenestadt.opendata.pipeline import anonymize_now


@task()
def anonymize_upload(upload_id: int) -> str:
    upload = RawUpload.objects.select_related("dataset").get(pk=upload_id)
    if upload.status != PipelineStatus.QUEUED:
        return str(upload.status)
    return str(anonymize_now(upload).status)
