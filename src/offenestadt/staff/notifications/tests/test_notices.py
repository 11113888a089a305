"""Staff notices by e-mail: sent by the task worker after the change is committed, to whom
the notice concerns and who has not turned it off, in plain text and HTML, with links
under SITE_URL."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from conftest import make_user
from offenestadt.accounts.models import Office, Role, User
from offenestadt.charter.gates import GateRefusedError
from offenestadt.charter.models import CharterVersion
from offenestadt.participation.moderation import services as moderation_services
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.tests.proposal_setup import running_procedure
from offenestadt.processing import services as processing_services
from offenestadt.processing.models import ProcessingActivity
from offenestadt.processing.tests.test_review import complete_activity
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import Project, ProjectStatus
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.staff.notifications.models import NoticeKind, NoticeLanguage

ClientFor = Callable[[User | None], Client]
SITE = "https://stadt.example.org"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def addressed(editor: User, dpo: User) -> None:
    for user, address in ((editor, "redaktion@example.org"), (dpo, "datenschutz@example.org")):
        user.email = address
        user.save()


@pytest.fixture
def activity(editor: User, addressed: None) -> ProcessingActivity:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    return complete_activity(editor, project)


def _html(message: EmailMultiAlternatives) -> str:
    (html,) = [content for content, kind in message.alternatives if kind == "text/html"]
    return str(html)


def test_a_submitted_entry_reaches_the_dpo_with_an_absolute_link(
    activity: ProcessingActivity, editor: User, dpo: User, run_worker: Callable[[], None]
) -> None:
    processing_services.activity_submit(actor=editor, activity=activity)
    assert mail.outbox == []  # the worker sends, not the request
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["datenschutz@example.org"]
    assert message.subject == "Zur Prüfung: „Terminvergabe“"
    link = f"{SITE}/verarbeitungen/{activity.slug}/#pruefung"
    assert link in str(message.body)
    assert f"{SITE}/aufgaben/benachrichtigungen/" in str(message.body)
    assert isinstance(message, EmailMultiAlternatives)
    assert f'href="{link}"' in _html(message)


def test_a_returned_entry_reaches_its_editors_with_the_dpos_comment(
    activity: ProcessingActivity, editor: User, dpo: User, run_worker: Callable[[], None]
) -> None:
    processing_services.activity_submit(actor=editor, activity=activity)
    run_worker()
    mail.outbox.clear()
    processing_services.activity_return(
        actor=dpo, activity=activity, comment="Die Speicherdauer <fehlt> noch."
    )
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]
    assert message.subject == "Zurückgegeben: „Terminvergabe“"
    assert "Die Speicherdauer <fehlt> noch." in str(message.body)
    assert isinstance(message, EmailMultiAlternatives)
    assert "Die Speicherdauer &lt;fehlt&gt; noch." in _html(message)


def test_whoever_turned_a_notice_off_gets_none(
    activity: ProcessingActivity,
    editor: User,
    dpo: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    for person, off in ((dpo, NoticeKind.SUBMITTED), (editor, NoticeKind.APPROVED)):
        chosen = [kind for kind in NoticeKind if kind != off]
        response = client_for(person).post(
            "/aufgaben/benachrichtigungen/", {"kinds": chosen, "language": "de"}
        )
        assert response.status_code == 302
    processing_services.activity_submit(actor=editor, activity=activity)
    run_worker()
    assert mail.outbox == []
    # Turning one kind off leaves the others on.
    processing_services.activity_return(actor=dpo, activity=activity, comment="Zweck?")
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]


def test_a_notice_comes_in_the_persons_language(
    activity: ProcessingActivity, editor: User, dpo: User, run_worker: Callable[[], None]
) -> None:
    NoticeLanguage.objects.create(user=dpo, language="en")
    processing_services.activity_submit(actor=editor, activity=activity)
    run_worker()
    (message,) = mail.outbox
    assert message.subject == "For review: “Terminvergabe”"


def test_an_approval_reaches_the_editors_not_the_dpo(
    activity: ProcessingActivity, editor: User, dpo: User, run_worker: Callable[[], None]
) -> None:
    processing_services.activity_submit(actor=editor, activity=activity)
    processing_services.activity_approve(actor=dpo, activity=activity)
    mail.outbox.clear()
    run_worker()
    assert sorted(m.subject for m in mail.outbox) == [
        "Freigegeben: „Terminvergabe“",
        "Zur Prüfung: „Terminvergabe“",
    ]
    (approval,) = [m for m in mail.outbox if m.subject.startswith("Freigegeben")]
    assert approval.to == ["redaktion@example.org"]


def test_a_new_report_reaches_the_procedures_moderators(
    office: Office, editor: User, other_editor: User, run_worker: Callable[[], None]
) -> None:
    editor.email = "redaktion@example.org"
    editor.save()
    other_editor.email = "umwelt@example.org"
    other_editor.save()
    procedure = running_procedure(office)
    proposal = proposals_services.proposal_create(
        actor=editor, procedure=procedure, title="Bänke", text="Mehr Bänke.", channel=Channel.POST
    )
    run_worker()
    mail.outbox.clear()
    moderation_services.report_create(contribution=proposal, reason="Werbung")
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]
    assert procedure.title in message.subject
    assert f"{SITE}/beteiligung/meldungen/" in str(message.body)
    assert "Werbung" not in str(message.body)  # the reason stays in the queue


def test_a_refused_gate_reaches_the_records_other_editors(
    office: Office, editor: User, charter: CharterVersion, run_worker: Callable[[], None]
) -> None:
    colleague = make_user("kollegin", Role.EDITOR, office)
    colleague.email = "kollegin@example.org"
    colleague.save()
    editor.email = "redaktion@example.org"
    editor.save()
    project = registry_services.project_create(
        actor=editor, office=office, title="Parkplatzsuche", summary="Sensoren."
    )
    registry_services.project_publish(actor=editor, project=project)
    for status in (ProjectStatus.PLANNING, ProjectStatus.CONSULTATION):
        registry_services.project_transition(actor=editor, project=project, to=status)
    with pytest.raises(GateRefusedError):
        registry_services.project_transition(
            actor=editor, project=project, to=ProjectStatus.DECISION
        )
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.CONSULTATION
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["kollegin@example.org"]
    assert message.subject == "Schritt abgelehnt: „Parkplatzsuche“"
    assert "P4:" in str(message.body)
    assert f"{SITE}/projekte/{project.slug}/" in str(message.body)
