"""A project's days in public before its decision count from its publication, which is
never backdated (core.gate_dates)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.registry import services
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory


def test_a_projects_publication_is_never_backdated(office: Office, editor: User) -> None:
    project = ProjectFactory.create(office=office, draft=True)
    services.project_publish(actor=editor, project=project)
    published_at = Project.objects.get(pk=project.pk).published_at
    assert published_at is not None
    project.published_at = published_at - timedelta(days=90)
    with pytest.raises(ValidationError, match="nicht zurückdatiert"):
        save_record(record=project, actor=editor, event=AuditEvent.CHANGED)
    assert Project.objects.get(pk=project.pk).published_at == published_at
    # Later is allowed: the charter's days in public only grow stricter.
    project.published_at = timezone.now() + timedelta(minutes=1)
    save_record(record=project, actor=editor, event=AuditEvent.CHANGED)
