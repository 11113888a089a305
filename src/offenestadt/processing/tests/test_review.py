"""The four-eyes review: staff submit, the DPO approves or returns; a change reopens it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Status, evaluate
from offenestadt.charter.mentions import findings_shown_to
from offenestadt.charter.models import CharterVersion
from offenestadt.processing import services
from offenestadt.processing.models import (
    DataCategory,
    LegalBasis,
    ProcessingActivity,
    ReviewNote,
    ReviewStatus,
)
from offenestadt.registry.models import Project
from offenestadt.registry.tests.factories import ProjectFactory


@pytest.fixture
def project(editor: User) -> Project:
    return ProjectFactory.create(office=editor.office, processes_personal_data=True)


def complete_activity(editor: User, project: Project) -> ProcessingActivity:
    activity = ProcessingActivity(
        title="Terminvergabe",
        office=editor.office,
        purposes="Termine vergeben.",
        data_subjects="Einwohner",
        recipients="Bürgerbüro",
        security_measures="TLS",
    )
    services.activity_save(actor=editor, activity=activity, projects=[project])
    services.activity_part_save(
        actor=editor,
        part=DataCategory(
            activity=activity,
            name="Name",
            purpose="Aufrufen",
            legal_basis=LegalBasis.ART6_E,
            retention_amount=1,
            necessity="Zuordnung des Termins",
        ),
    )
    return activity


def _status(activity: ProcessingActivity) -> str:
    activity.refresh_from_db()
    return activity.review_status


def test_submit_then_approve_publishes_and_counts_as_met(
    editor: User, dpo: User, project: Project, charter: CharterVersion
) -> None:
    activity = complete_activity(editor, project)
    finding = {f.rule: f.status for f in evaluate(activity, charter)}
    assert finding["reviewed-by-dpo"] == Status.MISSING
    services.activity_submit(actor=editor, activity=activity)
    assert _status(activity) == ReviewStatus.SUBMITTED
    assert activity.published_at is None
    services.activity_approve(actor=dpo, activity=activity, comment="In Ordnung.")
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.APPROVED
    assert activity.published_at is not None
    assert {f.rule: f.status for f in evaluate(activity, charter)}["reviewed-by-dpo"] == Status.MET
    project_p1 = {f.rule: f.status for f in evaluate(project, charter)}
    assert project_p1["processing-minimised"] == Status.MET
    decisions = list(activity.review_notes.values_list("decision", "author_role"))
    assert decisions == [("submitted", "editor"), ("approved", "dpo")]


def test_the_project_counts_an_entry_only_once_approved(
    editor: User, dpo: User, project: Project, charter: CharterVersion
) -> None:
    complete_activity(editor, project)
    finding = next(f for f in evaluate(project, charter) if f.rule == "processing-minimised")
    assert finding.status == Status.MISSING
    # Not yet public: the finding names the entry only to those who may read it.
    assert "Terminvergabe" not in finding.message.de
    (shown,) = findings_shown_to(editor, [finding])
    assert shown.message.de == "Terminvergabe (nicht öffentlich): Nachweis fehlt."


def test_only_the_dpo_approves_and_never_their_own_submission(
    editor: User, dpo: User, administrator: User, project: Project
) -> None:
    activity = complete_activity(editor, project)
    services.activity_submit(actor=editor, activity=activity)
    for someone in (editor, administrator):
        with pytest.raises(PermissionDenied):
            services.activity_approve(actor=someone, activity=activity)
    ProcessingActivity.objects.filter(pk=activity.pk).update(submitted_by=dpo)
    with pytest.raises(PermissionDenied):
        services.activity_approve(actor=dpo, activity=activity)
    assert _status(activity) == ReviewStatus.SUBMITTED


def test_a_draft_cannot_be_approved_without_submission(
    editor: User, dpo: User, project: Project
) -> None:
    activity = complete_activity(editor, project)
    with pytest.raises(PermissionDenied):
        services.activity_approve(actor=dpo, activity=activity)


def test_returning_needs_a_comment_and_the_editor_can_resubmit(
    editor: User, dpo: User, project: Project
) -> None:
    activity = complete_activity(editor, project)
    services.activity_submit(actor=editor, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_return(actor=dpo, activity=activity, comment="  ")
    assert _status(activity) == ReviewStatus.SUBMITTED
    services.activity_return(actor=dpo, activity=activity, comment="Frist zu lang.")
    assert _status(activity) == ReviewStatus.RETURNED
    assert activity.review_notes.last().comment == "Frist zu lang."  # type: ignore[union-attr]
    services.activity_submit(actor=editor, activity=activity)
    assert _status(activity) == ReviewStatus.SUBMITTED


def test_an_entry_without_categories_cannot_be_submitted(editor: User, project: Project) -> None:
    activity = ProcessingActivity(title="Leer", office=editor.office)
    services.activity_save(actor=editor, activity=activity, projects=[project])
    with pytest.raises(ValidationError):
        services.activity_submit(actor=editor, activity=activity)
    assert _status(activity) == ReviewStatus.DRAFT


@pytest.mark.parametrize("change", ["field", "category", "project"])
def test_a_change_after_approval_goes_back_to_review(
    editor: User, dpo: User, project: Project, change: str
) -> None:
    activity = complete_activity(editor, project)
    services.activity_submit(actor=editor, activity=activity)
    services.activity_approve(actor=dpo, activity=activity)
    activity.refresh_from_db()
    if change == "field":
        activity.purposes = "Termine vergeben und Statistik führen."
        services.activity_save(actor=editor, activity=activity, projects=[project])
    elif change == "category":
        category = activity.categories.get()
        category.retention_amount = 6
        services.activity_part_save(actor=editor, part=category)
    else:
        other = ProjectFactory.create(office=editor.office)
        services.activity_save(actor=editor, activity=activity, projects=[project, other])
    activity.refresh_from_db()
    assert activity.review_status == ReviewStatus.DRAFT
    # It stays public, with its history, while the change waits for review.
    assert activity.published_at is not None


def test_saving_unchanged_keeps_the_approval(editor: User, dpo: User, project: Project) -> None:
    activity = complete_activity(editor, project)
    services.activity_submit(actor=editor, activity=activity)
    services.activity_approve(actor=dpo, activity=activity)
    activity.refresh_from_db()
    services.activity_save(actor=editor, activity=activity, projects=[project])
    assert _status(activity) == ReviewStatus.APPROVED


def test_editors_write_only_for_their_own_office(
    editor: User, other_editor: User, resident: User, project: Project
) -> None:
    activity = complete_activity(editor, project)
    for outsider in (other_editor, resident):
        activity.refresh_from_db()
        activity.purposes = "Fremd"
        with pytest.raises(PermissionDenied):
            services.activity_save(actor=outsider, activity=activity, projects=[project])
        with pytest.raises(PermissionDenied):
            services.activity_submit(actor=outsider, activity=activity)
    assert ProcessingActivity.objects.get(pk=activity.pk).purposes == "Termine vergeben."


def test_every_step_is_in_the_audit_trail(editor: User, dpo: User, project: Project) -> None:
    activity = complete_activity(editor, project)
    services.activity_submit(actor=editor, activity=activity)
    services.activity_return(actor=dpo, activity=activity, comment="Bitte ergänzen.")
    states = [
        (entry.actor_role, entry.changes.get("review_status"))
        for entry in AuditEntry.objects.for_record(activity).order_by("seq")
        if "review_status" in entry.changes
    ]
    assert states == [
        ("editor", [None, "draft"]),
        ("editor", ["draft", "submitted"]),
        ("dpo", ["submitted", "returned"]),
    ]
    assert ReviewNote.objects.filter(activity=activity).count() == 2


def test_a_title_like_a_page_of_the_register_gets_its_own_address(
    editor: User, project: Project
) -> None:
    # "Prüfung" spells out as "pruefung", the address of the DPO's queue.
    activity = ProcessingActivity(title="Prüfung", office=editor.office)
    services.activity_save(actor=editor, activity=activity, projects=[project])
    assert activity.slug == "pruefung-2"
    activity = ProcessingActivity(title="Neu", office=editor.office)
    services.activity_save(actor=editor, activity=activity, projects=[project])
    assert activity.slug == "neu-2"
