"""Meine Aufgaben: each member of staff sees what waits for them, and only that, each item
linked to where it is handled; staff land there after signing in and see the count in the
navigation."""

import re
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offenestadt.accounts.models import Office, Role, User
from offenestadt.charter.models import CharterVersion
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import Contract, ContractStatus, DataOwner
from offenestadt.opendata.catalogue.tests.support import make_dataset
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.procedures.models import Phase, PhaseKind, Procedure
from offenestadt.participation.proposals import services as proposal_services
from offenestadt.participation.proposals.models import Proposal
from offenestadt.participation.proposals.tests.proposal_setup import running_procedure
from offenestadt.processing import services as processing_services
from offenestadt.processing.models import ProcessingActivity
from offenestadt.processing.tests.test_review import complete_activity
from offenestadt.registry.models import Project, ProjectStatus
from offenestadt.registry.services import linked_record_save, project_evaluate
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]
PASSWORD = "ein langes Passwort für den Test"


def returned_activity(editor: User, dpo: User, title: str, comment: str) -> ProcessingActivity:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    activity = complete_activity(editor, project)
    activity.title = title
    activity.save(update_fields=["title"])
    processing_services.activity_submit(actor=editor, activity=activity)
    return processing_services.activity_return(actor=dpo, activity=activity, comment=comment)


def reported_proposal(editor: User, procedure: Procedure, title: str) -> Proposal:
    """A proposal taken on the phone, reported as advertising."""
    proposal = proposal_services.proposal_create(
        actor=editor,
        procedure=procedure,
        title=title,
        text="Werbung.",
        channel="phone",
        pseudonym="Werbung GmbH",
    )
    Report.objects.create(proposal=proposal, reason="Werbung")
    return proposal


def inbox_page(client: Client) -> str:
    response = client.get("/aufgaben/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_editor_sees_their_office_s_returned_entries_with_the_dpo_s_comment(
    editor: User, other_editor: User, dpo: User, client_for: ClientFor
) -> None:
    ours = returned_activity(editor, dpo, "Terminvergabe Bürgerbüro", "Löschfrist begründen.")
    theirs = returned_activity(other_editor, dpo, "Baumkataster", "Zweck fehlt.")

    page = inbox_page(client_for(editor))

    assert f'href="/verarbeitungen/{ours.slug}/#pruefung"' in page
    assert "Terminvergabe Bürgerbüro" in page and "Löschfrist begründen." in page
    assert "Baumkataster" not in page and "Zweck fehlt." not in page
    assert theirs.slug not in page
    # The DPO's review queue is not the editor's.
    assert "Warten auf Ihre Prüfung" not in page


def test_the_dpo_sees_what_waits_for_review_and_the_raw_data_queue(
    editor: User, dpo: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=editor.office, processes_personal_data=True)
    activity = complete_activity(editor, project)
    processing_services.activity_submit(actor=editor, activity=activity)
    dataset = make_dataset(editor, project, name="baeume", content=None, publish=False)
    upload = RawUpload.objects.create(
        dataset=dataset,
        original_name="baeume-roh.csv",
        uploaded_by=editor,
        status=PipelineStatus.REVIEW,
    )

    page = inbox_page(client_for(dpo))

    assert f'href="/verarbeitungen/{activity.slug}/#pruefung"' in page
    assert 'href="/verarbeitungen/pruefung/"' in page
    assert f'href="/rohdaten/{upload.pk}/"' in page
    assert 'href="/rohdaten/"' in page
    # The DPO returns entries; nothing is returned to them.
    assert "An Sie zurückgegeben" not in page


def test_the_dpo_does_not_review_what_they_submitted(dpo: User, client_for: ClientFor) -> None:
    activity = ProcessingActivity.objects.create(
        slug="eigene", title="Eigener Eintrag", review_status="submitted", submitted_by=dpo
    )
    page = inbox_page(client_for(dpo))
    # (The platform's own entries wait for review from the start.)
    assert activity.title not in page


def test_moderators_see_reported_contributions_of_their_procedures(
    office: Office,
    editor: User,
    other_editor: User,
    administrator: User,
    client_for: ClientFor,
) -> None:
    proposal = reported_proposal(editor, running_procedure(office), "Kauft bei Firma X!")
    link = f'href="/beteiligung/meldungen/vorschlag/{proposal.pk}/"'

    for person in (editor, administrator):
        page = inbox_page(client_for(person))
        assert link in page and "Kauft bei Firma X!" in page
    assert link not in inbox_page(client_for(other_editor))


def test_projects_and_contracts_held_at_a_gate_say_what_is_missing(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(
        office=editor.office, status=ProjectStatus.CONSULTATION, title="Sensoren am Ring"
    )
    project_evaluate(project=project)
    contract = held_contract(editor, project, "Wartungsvertrag Sensoren")

    page = inbox_page(client_for(editor))

    assert f'href="/projekte/{project.slug}/"' in page
    # P1: whether it processes personal data is not declared; "beheben" leads to the form.
    # Each finding under its principle's name, once, and nothing else beside "beheben".
    assert "P1 Datensparsamkeit: Geben Sie an, ob das Projekt personenbezogene Daten" in page
    assert f'href="/projekte/{project.slug}/bearbeiten/#id_processes_personal_data"' in page
    assert ", P1)" not in page and "visually-hidden" not in page.split('id="schwellen"')[1]
    assert f'href="/vertraege/{contract.pk}/"' in page
    # Waiting for the days in public is told by its dates, without a link.
    assert "vor der Beratung müssen es mindestens 28 Tage sein" in page
    assert "beraten werden kann er also frühestens am" in page
    # The council's meeting is entered on the contract's form.
    assert "Tragen Sie Gremium und Sitzungstag der Beratung ein." in page
    address = f"/vertraege/{contract.pk}/bearbeiten/#id_council_body"
    assert f'href="{address}"' in page
    form = client_for(editor).get(address).content.decode()
    assert 'id="id_council_body"' in form and 'id="id_meeting_date"' in form


def test_dates_ahead_and_pipeline_runs(office: Office, editor: User, client_for: ClientFor) -> None:
    procedure = running_procedure(office)
    Phase.objects.create(
        procedure=procedure,
        kind=PhaseKind.VOTE,
        starts_on=timezone.localdate() + timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=10),
    )
    project = ProjectFactory.create(office=office)
    dataset = make_dataset(editor, project, name="parken", content=None, publish=False)
    failed = RawUpload.objects.create(
        dataset=dataset, original_name="parken-roh.csv", status=PipelineStatus.FAILED
    )

    page = inbox_page(client_for(editor))

    assert "Phase „Abstimmung“ beginnt" in page
    assert f'href="/beteiligung/{procedure.slug}/"' in page
    assert f'href="/rohdaten/{failed.pk}/"' in page and "Anonymisierung fehlgeschlagen" in page


def test_empty_sections_say_so(editor: User, client_for: ClientFor) -> None:
    page = inbox_page(client_for(editor))
    assert 'href="/aufgaben/benachrichtigungen/"' in page
    for empty in (
        "Nichts ist an Sie zurückgegeben.",
        "Keine Schwelle hält Ihre Projekte und Verträge an.",
        "Keine offenen Meldungen.",
        "Keine Termine.",
        "Kein Lauf ist fehlgeschlagen oder wartet.",
    ):
        assert empty in page


@pytest.mark.parametrize("who", ["resident", "council"])
def test_only_staff_have_an_inbox(
    who: str, people: dict[str, User | None], client_for: ClientFor
) -> None:
    client = client_for(people[who])
    assert client.get("/aufgaben/").status_code == 404
    assert "Meine Aufgaben" not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/aufgaben/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/anmelden/?next=/aufgaben/"


@pytest.mark.parametrize(
    ("role", "path", "landing"),
    [
        (Role.EDITOR, "/konto/anmelden/", "/aufgaben/"),
        (Role.EDITOR, "/en/konto/anmelden/", "/en/aufgaben/"),
        (Role.RESIDENT, "/konto/anmelden/", "/"),
    ],
)
def test_staff_land_on_their_inbox_after_signing_in(
    role: Role, path: str, landing: str, office: Office, client: Client
) -> None:
    User.objects.create_user(
        username="person",
        password=PASSWORD,
        role=role,
        office=office if role == Role.EDITOR else None,
    )
    response = client.post(path, {"username": "person", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == landing


def test_a_page_asked_for_before_signing_in_comes_first(office: Office, client: Client) -> None:
    User.objects.create_user(username="person", password=PASSWORD, role=Role.EDITOR, office=office)
    response = client.post(
        "/konto/anmelden/", {"username": "person", "password": PASSWORD, "next": "/projekte/"}
    )
    assert response["Location"] == "/projekte/"


class _InboxItems(HTMLParser):
    """Counts the items the inbox lists: the entries of its lists, not what they hold."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: list[bool] = []  # for each open list: whether it is one of the inbox's
        self.items = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul":
            self.lists.append(("class", "inbox-items") in attrs)
        elif tag == "li" and self.lists and self.lists[-1]:
            self.items += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.lists.pop()


def listed_items(page: str) -> int:
    parser = _InboxItems()
    parser.feed(page)
    return parser.items


def nav_count(page: str) -> int:
    return int(re.findall(r'href="/aufgaben/"[^>]*>Meine Aufgaben \((\d+)\)</a>', page)[0])


def held_contract(editor: User, project: Project, title: str) -> Contract:
    """A published contract whose council meeting is not entered yet (nor its days public)."""
    contract = Contract(title=title, data_owner=DataOwner.CITY)
    linked_record_save(actor=editor, record=contract, projects=[project])
    return contract_services.contract_transition(
        actor=editor, contract=contract, to=ContractStatus.PUBLISHED, today=timezone.localdate()
    )


def test_the_navigation_counts_the_tasks_with_a_few_queries(
    charter: CharterVersion, office: Office, editor: User, dpo: User, client_for: ClientFor
) -> None:
    """The count takes a fixed number of queries, however many tasks there are."""
    client = client_for(editor)

    def queries_for_a_page() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/datenschutz/").content.decode()
        return len(captured), page

    def more_tasks(number: int) -> None:
        returned_activity(editor, dpo, f"Eintrag {number}", "Bitte ergänzen.")
        project = ProjectFactory.create(office=office, status=ProjectStatus.CONSULTATION)
        project_evaluate(project=project)
        held_contract(editor, project, f"Vertrag {number}")
        running_procedure(office, slug=f"verfahren-{number}", started_days_ago=-3)

    more_tasks(0)
    client.get("/datenschutz/")  # the session is read and refreshed once
    one, page = queries_for_a_page()
    assert nav_count(page) == listed_items(inbox_page(client))
    for number in (1, 2):
        more_tasks(number)
    three, page = queries_for_a_page()
    assert nav_count(page) == listed_items(inbox_page(client)) >= 3 * 4
    assert one == three <= 12


def test_the_count_matches_the_inbox(
    charter: CharterVersion, office: Office, editor: User, dpo: User, client_for: ClientFor
) -> None:
    returned_activity(editor, dpo, "Eintrag", "Bitte ergänzen.")
    project = ProjectFactory.create(
        office=office, processes_personal_data=True, status=ProjectStatus.CONSULTATION
    )
    activity = complete_activity(editor, project)
    processing_services.activity_submit(actor=editor, activity=activity)
    project_evaluate(project=project)
    held_contract(editor, project, "Wartungsvertrag")
    procedure = running_procedure(office)
    Phase.objects.create(
        procedure=procedure,
        kind=PhaseKind.VOTE,
        starts_on=timezone.localdate() + timedelta(days=11),
        ends_on=timezone.localdate() + timedelta(days=20),
    )
    reported_proposal(editor, procedure, "Werbung")
    dataset = make_dataset(editor, project, name="parken", content=None, publish=False)
    RawUpload.objects.create(dataset=dataset, original_name="roh.csv", status=PipelineStatus.FAILED)
    RawUpload.objects.create(
        dataset=dataset, original_name="laeuft.csv", status=PipelineStatus.RUNNING
    )
    # The platform's own entries wait for the DPO from the start, beside the office's one.
    waiting = ProcessingActivity.objects.filter(review_status="submitted").count()

    page = inbox_page(client_for(dpo))
    assert nav_count(page) == listed_items(page) == waiting
    page = inbox_page(client_for(editor))
    # Returned, a project and a contract held, a report, two runs, the vote's start.
    assert nav_count(page) == listed_items(page) == 1 + 2 + 1 + 2 + 1


def test_procedures_before_phases_are_not_deadlines(
    office: Office, editor: User, client_for: ClientFor
) -> None:
    Procedure.objects.create(slug="leer", title="Ohne Phasen", summary="-", office=office)
    assert "Keine Termine." in inbox_page(client_for(editor))


def test_projects_without_findings_are_not_held(
    charter: CharterVersion, editor: User, client_for: ClientFor
) -> None:
    project: Project = ProjectFactory.create(office=editor.office, status=ProjectStatus.IDEA)
    project_evaluate(project=project)
    assert project.slug not in inbox_page(client_for(editor))
