"""Raw uploads of the publication pipeline go when their retention ends."""

from datetime import datetime

from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import delete_record
from offenestadt.core.retention import OPEN_DATA, retention_rule
from offenestadt.opendata.models import RawUpload


@retention_rule(activity=OPEN_DATA, category="raw-uploads")
def raw_uploads(cutoff: datetime) -> int:
    """Whether published or abandoned: what was published lives on as the anonymized file."""
    expired = RawUpload.objects.filter(uploaded_at__lt=cutoff)
    count = 0
    for upload in expired:
        # unaudited: the raw file; its upload is erased through delete_record below
        upload.file.delete(save=False)
        if upload.output:
            # unaudited: the anonymized file; its upload is erased through delete_record below
            upload.output.delete(save=False)
        delete_record(record=upload, actor=None, event=AuditEvent.ERASED)
        count += 1
    return count
