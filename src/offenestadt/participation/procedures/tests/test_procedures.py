"""Procedures, their phases, texts, meetings and result report: who may, and what is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry
from offenestadt.contracts.models import Contract
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import rules as moderation_rules
from offenestadt.participation.procedures import rules, services
from offenestadt.participation.procedures.models import (
    Document,
    Meeting,
    Paragraph,
    Phase,
    PhaseKind,
    Procedure,
)
from offenestadt.participation.procedures.tests.procedure_setup import (
    consultation,
    end_consultation,
    paragraph,
)
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.registry.models import Project, ProjectEvaluation
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "ours", "theirs", "charter", "create", "enter"),
    [
        ("anonymous", False, False, False, False, False),
        ("resident", False, False, False, False, False),
        ("council", False, False, False, False, False),
        ("dpo", False, False, False, False, False),
        ("editor", True, False, False, True, True),
        ("other_editor", False, True, False, True, True),
        ("admin", True, True, True, True, True),
    ],
)
def test_who_may_run_procedures(
    people: dict[str, User | None],
    office: Office,
    other_office: Office,
    role: str,
    ours: bool,
    theirs: bool,
    charter: bool,
    create: bool,
    enter: bool,
) -> None:
    user = people[role] or AnonymousUser()
    our_procedure = Procedure(title="A", slug="a", summary="S", office=office)
    their_procedure = Procedure(title="B", slug="b", summary="S", office=other_office)
    # The charter's procedure, even with an office, is for administrators.
    charter_procedure = Procedure(
        title="C", slug="c", summary="S", office=office, amends_charter=True
    )
    assert rules.can_edit_procedure(user, our_procedure) is ours
    assert moderation_rules.can_moderate_procedure(user, our_procedure) is ours
    assert rules.can_edit_procedure(user, their_procedure) is theirs
    assert rules.can_edit_procedure(user, charter_procedure) is charter
    assert rules.can_create_procedure(user) is create
    assert rules.can_create_charter_procedure(user) is charter
    # Letters and calls reach any office: every editor may enter them.
    assert rules.can_enter_contributions(user, our_procedure) is enter


# --- procedures ----------------------------------------------------------------------


def test_an_editor_sets_up_a_procedure_for_a_project_of_their_office(
    editor: User, office: Office
) -> None:
    project = ProjectFactory.create(office=office)
    procedure = Procedure(title="Radwege in der Innenstadt", summary="Wo?", office=office)

    services.procedure_save(actor=editor, procedure=procedure, projects=[project])

    procedure.refresh_from_db()
    assert procedure.slug == "radwege-in-der-innenstadt"
    assert list(procedure.projects.all()) == [project]
    (entry,) = AuditEntry.objects.for_record(procedure)
    assert (entry.action, entry.actor_role, entry.is_public) == (Action.CREATE, "editor", False)


def test_a_slug_never_takes_a_word_of_the_addresses(editor: User, office: Office) -> None:
    procedure = Procedure(title="Neu", summary="S", office=office)
    services.procedure_save(
        actor=editor, procedure=procedure, projects=[ProjectFactory.create(office=office)]
    )
    assert procedure.slug == "neu-2"


def test_editors_write_for_their_own_office_only(
    editor: User, office: Office, other_office: Office
) -> None:
    project = ProjectFactory.create(office=office)
    with pytest.raises(PermissionDenied):
        services.procedure_save(
            actor=editor,
            procedure=Procedure(title="X", summary="S", office=other_office),
            projects=[project],
        )
    with pytest.raises(PermissionDenied):
        services.procedure_save(
            actor=editor,
            procedure=Procedure(title="X", summary="S", office=office, amends_charter=True),
            projects=[project],
        )
    # Nor may they link a project of another office.
    with pytest.raises(PermissionDenied):
        services.procedure_save(
            actor=editor,
            procedure=Procedure(title="X", summary="S", office=office),
            projects=[ProjectFactory.create(office=other_office)],
        )
    assert not Procedure.objects.exists()


def test_a_procedure_about_a_contract_of_another_office_is_refused(
    editor: User, other_editor: User, office: Office, other_office: Office
) -> None:
    theirs = Contract(title="Wartung", published_at=timezone.now())
    linked_record_save(
        actor=other_editor, record=theirs, projects=[ProjectFactory.create(office=other_office)]
    )
    ours = Contract(title="Sensoren", published_at=timezone.now())
    project = ProjectFactory.create(office=office)
    linked_record_save(actor=editor, record=ours, projects=[project])
    with pytest.raises(PermissionDenied):
        services.procedure_save(
            actor=editor,
            procedure=Procedure(title="X", summary="S", office=office, contract=theirs),
            projects=[project],
        )
    procedure = Procedure(title="Y", summary="S", office=office, contract=ours)
    services.procedure_save(actor=editor, procedure=procedure, projects=[project])
    assert procedure.contract == ours


def test_administrators_run_the_charters_procedure_without_a_project(
    administrator: User,
) -> None:
    procedure = Procedure(title="Die Charta überarbeiten", summary="S", amends_charter=True)
    services.procedure_save(actor=administrator, procedure=procedure, projects=[])
    assert Procedure.objects.get().amends_charter


def test_publishing_needs_the_phases(editor: User) -> None:
    procedure = consultation(editor, publish=False, days=(0, 10), information_days=None)
    bare = Procedure(title="Ohne Phasen", summary="S", office=editor.office)
    services.procedure_save(
        actor=editor, procedure=bare, projects=[ProjectFactory.create(office=editor.office)]
    )
    with pytest.raises(ValidationError, match="Phasen"):
        services.procedure_publish(actor=editor, procedure=bare)

    services.procedure_publish(actor=editor, procedure=procedure)

    assert procedure.published_at is not None
    entry = AuditEntry.objects.for_record(procedure).order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.is_public) == (Action.TRANSITION, True)


def test_others_may_not_publish(editor: User, other_editor: User) -> None:
    procedure = consultation(editor, publish=False)
    with pytest.raises(PermissionDenied):
        services.procedure_publish(actor=other_editor, procedure=procedure)


# --- phases --------------------------------------------------------------------------


def test_phases_do_not_overlap_and_end_after_they_begin(editor: User) -> None:
    procedure = consultation(editor)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="überschneidet"):
        services.phase_save(
            actor=editor,
            phase=Phase(
                procedure=procedure,
                kind=PhaseKind.VOTE,
                starts_on=today + timedelta(days=10),
                ends_on=today + timedelta(days=20),
            ),
        )
    with pytest.raises(ValidationError, match="endet vor ihrem Beginn"):
        services.phase_save(
            actor=editor,
            phase=Phase(
                procedure=procedure,
                kind=PhaseKind.VOTE,
                starts_on=today + timedelta(days=30),
                ends_on=today + timedelta(days=25),
            ),
        )
    services.phase_save(
        actor=editor,
        phase=Phase(
            procedure=procedure,
            kind=PhaseKind.EVALUATION,
            starts_on=today + timedelta(days=11),
            ends_on=today + timedelta(days=20),
        ),
    )
    assert procedure.phase_on(today + timedelta(days=15)).kind == PhaseKind.EVALUATION  # type: ignore[union-attr]
    assert procedure.ends_on == today + timedelta(days=20)


def _p3_status(project: Project) -> str:
    evaluation = ProjectEvaluation.objects.get(project=project, is_current=True)
    (finding,) = [f for f in evaluation.findings if f["rule"] == "participation-before-decision"]
    return str(finding["status"])


def test_the_project_is_evaluated_again_as_the_procedure_goes_on(
    editor: User, charter: object
) -> None:
    project = ProjectFactory.create(office=editor.office)
    procedure = consultation(editor, project=project)
    assert _p3_status(project) == "missing"
    end_consultation(procedure)
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Gut.")
    assert _p3_status(project) == "met"
    # A new phase reopens the procedure: the project is no longer ready for its decision.
    today = timezone.localdate()
    services.phase_save(
        actor=editor,
        phase=Phase(
            procedure=procedure,
            kind=PhaseKind.EVALUATION,
            starts_on=today,
            ends_on=today + timedelta(days=7),
        ),
    )
    assert _p3_status(project) == "missing"


# --- the text ------------------------------------------------------------------------


def test_a_text_is_split_into_paragraphs_and_grows_at_its_end(editor: User) -> None:
    procedure = consultation(editor)
    document = procedure.documents.get()
    assert [p.text for p in document.paragraphs.all()] == [
        "Die Sensoren messen stündlich.",
        "Die Messwerte erscheinen als offene Daten.",
        "Nach fünf Jahren wird geprüft.",
    ]
    added = services.paragraph_save(
        actor=editor, paragraph=Paragraph(document=document, text="  Neu.  ")
    )
    assert (added.position, added.text) == (4, "Neu.")
    # Every paragraph has its own public history.
    assert AuditEntry.objects.for_record(added).public().exists()


def test_a_text_without_paragraphs_is_refused(editor: User) -> None:
    procedure = consultation(editor)
    with pytest.raises(ValidationError, match="keinen Absatz"):
        services.document_create(
            actor=editor, document=Document(procedure=procedure, title="Leer"), text="\n \n"
        )


def test_commented_text_stays(editor: User) -> None:
    procedure = consultation(editor)
    commented = paragraph(procedure, 2)
    comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=commented, text="Gut."
    )
    with pytest.raises(ValidationError, match="Kommentare"):
        services.paragraph_delete(actor=editor, paragraph=commented)
    with pytest.raises(ValidationError, match="Kommentare"):
        services.document_delete(actor=editor, document=commented.document)
    services.paragraph_delete(actor=editor, paragraph=paragraph(procedure, 3))
    assert Paragraph.objects.filter(document__procedure=procedure).count() == 2
    assert Comment.objects.count() == 1


def test_others_may_not_change_the_text(editor: User, other_editor: User) -> None:
    procedure = consultation(editor)
    target = paragraph(procedure, 1)
    target.text = "Anders."
    with pytest.raises(PermissionDenied):
        services.paragraph_save(actor=other_editor, paragraph=target)


# --- meetings ------------------------------------------------------------------------


def _meeting(procedure: Procedure, days: int, minutes: str = "") -> Meeting:
    return Meeting(
        procedure=procedure,
        title="Infoabend",
        starts_at=timezone.now() + timedelta(days=days),
        place="Rathaus, Saal 2",
        accessibility="Stufenlos, Induktionsschleife.",
        minutes=minutes,
    )


def test_minutes_are_published_after_the_meeting(editor: User) -> None:
    procedure = consultation(editor)
    coming = services.meeting_save(actor=editor, meeting=_meeting(procedure, 3, "Vorab."))
    with pytest.raises(ValidationError, match="nach der Veranstaltung"):
        services.meeting_minutes_publish(actor=editor, meeting=coming)
    # A meeting that took place: announced while it was ahead, as stored now.
    past = _meeting(procedure, -1)
    past.save()
    with pytest.raises(ValidationError, match="Protokoll"):
        services.meeting_minutes_publish(actor=editor, meeting=past)
    past.minutes = "20 Menschen kamen."
    services.meeting_save(actor=editor, meeting=past)
    services.meeting_minutes_publish(actor=editor, meeting=past)
    assert Meeting.objects.get(pk=past.pk).minutes_published_at is not None


def test_a_meeting_needs_its_place_and_accessibility(editor: User) -> None:
    procedure = consultation(editor)
    meeting = _meeting(procedure, 3)
    meeting.accessibility = ""
    with pytest.raises(ValidationError):
        services.meeting_save(actor=editor, meeting=meeting)


# --- the result report ---------------------------------------------------------------


def test_the_result_report_follows_the_consultation(editor: User) -> None:
    procedure = consultation(editor)
    with pytest.raises(ValidationError, match="beendet"):
        services.procedure_report_publish(actor=editor, procedure=procedure, report="Gut.")
    end_consultation(procedure)
    with pytest.raises(ValidationError, match="Ergebnisbericht"):
        services.procedure_report_publish(actor=editor, procedure=procedure, report="  ")

    services.procedure_report_publish(actor=editor, procedure=procedure, report="Aufgenommen.")

    procedure.refresh_from_db()
    published_at = procedure.result_report_published_at
    assert (procedure.result_report, published_at is not None) == ("Aufgenommen.", True)
    # A correction keeps the date; the history shows what changed.
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Berichtigt.")
    procedure.refresh_from_db()
    assert procedure.result_report_published_at == published_at
    changes = [e.changes for e in AuditEntry.objects.for_record(procedure).public()]
    assert ["Aufgenommen.", "Berichtigt."] in [c.get("result_report") for c in changes]


def test_the_result_report_answers_every_proposal(editor: User) -> None:
    procedure = consultation(editor)
    proposal = Proposal.objects.create(procedure=procedure, title="Mehr Bänke", text="Bitte.")
    end_consultation(procedure)
    with pytest.raises(ValidationError, match="Mehr Bänke"):
        services.procedure_report_publish(actor=editor, procedure=procedure, report="Gut.")
    proposal.proposal_status = ProposalStatus.ACCEPTED
    proposal.answer = "Kommen 2027."
    proposal.answered_at = timezone.now()
    proposal.save()
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Gut.")


def test_a_draft_has_no_result_report(editor: User) -> None:
    procedure = consultation(editor, publish=False)
    end_consultation(procedure)
    with pytest.raises(ValidationError, match="nicht veröffentlicht"):
        services.procedure_report_publish(actor=editor, procedure=procedure, report="Gut.")


# --- the demo ------------------------------------------------------------------------


def test_the_demo_has_each_kind_of_contribution(charter: object) -> None:
    from offenestadt.core.demo_loader import load_demo_content

    load_demo_content()
    load_demo_content()  # again: nothing doubles
    running = Procedure.objects.get(slug="bodenfeuchte-online")
    finished = Procedure.objects.get(slug="wlan-buergerwerkstatt")
    assert finished.result_report_published_at is not None
    assert running.result_report_published_at is None
    assert running.comments.filter(channel="phone", entered_by_role="editor").exists()
    assert running.comments.filter(status="hidden").exclude(hidden_reason="").exists()
    assert running.comments.filter(parent__isnull=False).exists()
    assert Meeting.objects.filter(minutes_published_at__isnull=False).count() == 2
    assert Procedure.objects.count() == 2
    # The finished workshop answered every proposal, as its report must.
    assert not finished.proposals.filter(answered_at__isnull=True).exists()
    assert finished.proposals.filter(channel="phone").exists()
    assert running.proposals.get().supports.filter(channel="post").count() == 12
    # The write path left its trail: the hidden comment's reason is in the public history.
    hidden = running.comments.get(status="hidden")
    assert AuditEntry.objects.for_record(hidden).public().count() == 2
