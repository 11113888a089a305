"""Work for the background worker: anonymization and the check of public files take longer
than a request."""

from django.tasks import task

from offenestadt.opendata.filescan.models import FileScan
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.opendata.pipeline.services import anonymize_now


@task()
def anonymize_upload(upload_id: int) -> str:
    upload = RawUpload.objects.select_related("dataset").get(pk=upload_id)
    if upload.status != PipelineStatus.QUEUED:
        return str(upload.status)
    return str(anonymize_now(upload).status)


@task()
def scan_public_file(scan_id: int) -> str:
    """Check a file that may become public for personal data."""
    from offenestadt.opendata.filescan.services import file_scan_run

    scan = FileScan.objects.filter(pk=scan_id).first()
    if scan is None:
        # Its record was deleted before the worker came to it.
        return "gone"
    return str(file_scan_run(scan).state)
