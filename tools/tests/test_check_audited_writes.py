"""`make lint` refuses a write around the audit trail: services write through save_record /
delete_record, or say beside the write why it needs no entry (`# unaudited: <reason>`)."""

from tools import check_audited_writes
from tools.repository import ROOT

from .conftest import Repository

WRITES = """\
from offenestadt.things.models import Thing


def thing_rename(thing, title):
    thing.title = title
    thing.save()


def things_close(pks):
    Thing.objects.filter(pk__in=pks).update(closed=True)


def thing_link(thing, projects):
    thing.projects.set(projects)
    if Thing.objects.filter(pk=thing.pk).delete():
        Thing.objects.bulk_create([Thing(title="neu")])
"""

MARKED = """\
import hashlib

from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.things.models import Counter, Thing


def thing_rename(*, thing, title, actor):
    thing.title = title
    save_record(record=thing, actor=actor, event=AuditEvent.CHANGED)


def visits_count(thing):
    # unaudited: a visit counter, no public record
    Counter.objects.filter(thing=thing).update(
        visits=1,
    )
    Counter.objects.create(thing=thing)  # unaudited: a visit counter, no public record


def digest(chunks, changes):
    seen, result = set(), hashlib.sha256()
    for chunk in chunks:
        result.update(chunk)
        seen.add(chunk)
    changes.update({"title": None})
    return result.hexdigest()
"""


def test_the_repository_writes_through_the_audit_trail_or_says_why_not() -> None:
    offences = check_audited_writes.check(ROOT)
    assert [str(offence) for offence in offences] == []


def test_each_write_around_the_trail_is_named_with_its_line(repository: Repository) -> None:
    root = repository({"src/offenestadt/things/services.py": WRITES})
    offences = check_audited_writes.check(root)
    assert [(offence.line, offence.call) for offence in offences] == [
        (6, "save"),
        (10, "update"),
        (14, "set"),
        (15, "delete"),
        (16, "bulk_create"),
    ]
    assert str(offences[0]).startswith(
        "src/offenestadt/things/services.py:6: .save() writes around the audit trail: write it "
        "with save_record/delete_record, or mark it `# unaudited: <reason>`"
    )


def test_marked_writes_dicts_and_hashes_pass(repository: Repository) -> None:
    root = repository({"src/offenestadt/things/services.py": MARKED})
    assert check_audited_writes.check(root) == []


def test_writing_modules_are_checked_and_others_are_not(repository: Repository) -> None:
    checked = [
        "src/offenestadt/things/tasks.py",
        "src/offenestadt/things/retention.py",
        "src/offenestadt/things/services/publishing.py",
    ]
    not_checked = [
        "src/offenestadt/audit/services.py",
        "src/offenestadt/things/tests/test_services.py",
        "src/offenestadt/things/views.py",
        "src/offenestadt/things/migrations/0002_fill.py",
    ]
    root = repository(dict.fromkeys(checked + not_checked, WRITES))
    offences = check_audited_writes.check(root)
    assert sorted({offence.path for offence in offences}) == sorted(checked)
    # A module that writes through the audit trail is a writing module, whatever its name.
    pipeline = "src/offenestadt/things/pipeline.py"
    root = repository({pipeline: "from offenestadt.audit.services import save_record\n" + WRITES})
    offences = check_audited_writes.check(root)
    assert {offence.path for offence in offences} == set(checked) | {pipeline}
    # So is a module that defines background tasks.
    sending = "src/offenestadt/things/sending.py"
    root = repository({sending: "from django.tasks import task\n" + WRITES})
    offences = check_audited_writes.check(root)
    assert sending in {offence.path for offence in offences}
