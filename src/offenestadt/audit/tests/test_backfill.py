"""After an upgrade that audits a model, its earlier records have no entry and verification
names them. `offenestadt audit backfill APP.MODEL` takes them in once, visibly: each gets an entry
"recorded afterwards" by the system, and the chain verifies again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry, AuditEvent
from offenestadt.audit.selectors import history_for
from offenestadt.audit.verification import verify_chain
from offenestadt.registry import services
from offenestadt.registry.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(editor: User, office: Office) -> Project:
    project = services.project_create(
        actor=editor, office=office, title="Sensoren im Park", summary="Bodenfeuchte messen."
    )
    return services.project_publish(actor=editor, project=project)


def _stored_before_auditing(office: Office, slug: str, **fields: object) -> Project:
    """A row as an earlier version, which did not audit the model, left it."""
    return Project.objects.create(
        office=office, slug=slug, title=slug.title(), summary="Vor dem Update angelegt.", **fields
    )


def _backfill(label: str) -> str:
    out = StringIO()
    call_command("audit", "backfill", label, stdout=out)
    return out.getvalue()


def test_records_from_before_are_taken_in_once_and_the_chain_verifies(
    audited: Project, office: Office
) -> None:
    earlier = [_stored_before_auditing(office, slug) for slug in ("alt-eins", "alt-zwei")]
    report = verify_chain()
    assert not report.ok
    assert "offenestadt audit backfill APP.MODEL" in report.problem
    entries_of_audited = AuditEntry.objects.for_record(audited).count()

    assert (
        _backfill("registry.project") == "registry.project: 2 records taken into the audit trail\n"
    )

    assert verify_chain().ok
    for project in earlier:
        (entry,) = AuditEntry.objects.for_record(project)
        assert (entry.action, entry.event, entry.actor_role) == (
            Action.CREATE,
            AuditEvent.RECORDED,
            "system",
        )
        assert entry.changes["title"] == [None, project.title]
        assert entry.is_public is False  # a draft stays internal
    assert AuditEntry.objects.for_record(audited).count() == entries_of_audited
    assert (
        _backfill("registry.project") == "registry.project: 0 records taken into the audit trail\n"
    )


def test_the_history_says_the_record_was_recorded_afterwards(office: Office, editor: User) -> None:
    earlier = _stored_before_auditing(office, "alt-oeffentlich")
    _backfill("registry.project")
    (entry,) = history_for(earlier, editor)
    assert str(entry.what_happened()) == "nachträglich in die Änderungshistorie aufgenommen"


def test_only_audited_models_can_be_backfilled() -> None:
    with pytest.raises(CommandError, match=r"'accounts.user' is not an audited model; audited"):
        _backfill("accounts.user")
    with pytest.raises(CommandError, match=r"audited models: .*registry\.project"):
        _backfill("registry.nothing")
