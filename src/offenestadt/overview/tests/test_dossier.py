"""A meeting's dossier for council members: a tagged PDF that holds, for every smart-city item
on the agenda, the project's scorecard, its contracts with data locations and redactions, its
processing activities, the result report of its participation and its open findings; only
what the public may see."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from offenestadt.accounts.models import User
from offenestadt.charter.engine import Status
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.scorecard import ICONS
from offenestadt.contracts import services as contract_services
from offenestadt.contracts.models import Contract, Redaction, RedactionReason
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags
from offenestadt.council import models as m
from offenestadt.council.tests import factories as council
from offenestadt.overview.dossier import meeting_dossier
from offenestadt.overview.tests.fixtures import contract_for
from offenestadt.participation.procedures.models import Procedure
from offenestadt.processing.models import DataCategory, ProcessingActivity
from offenestadt.registry.models import Project, ProjectEvaluation
from offenestadt.registry.services import linked_record_save, project_evaluate
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Session:
    meeting: m.Meeting
    park: Project
    ring: Project
    draft: Project


def _project(editor: User, title: str, paper: m.Paper, **fields: object) -> Project:
    project = ProjectFactory.create(office=editor.office, title=title, **fields)
    project.council_papers.add(paper)
    return project


@pytest.fixture
def session(charter: CharterVersion, editor: User) -> Session:
    """A meeting whose agenda has two items with linked projects (one also with a draft
    project and a contract of its own), and one item no record of the platform is linked to."""
    body = council.body()
    location = m.Location.objects.create(
        oparl_id="https://ris.example/location/1",
        description="Rathaus, Ratssaal",
        street_address="Willy-Brandt-Platz 2",
        postal_code="44787",
        locality="Bochum",
    )
    meeting = council.meeting(
        body, timezone.localdate() + timedelta(days=20), name="Rat der Stadt", location=location
    )
    organization = m.Organization.objects.create(
        oparl_id="https://ris.example/organization/1", body=body, name="Ausschuss für Digitales"
    )
    meeting.organizations.add(organization)

    parking = council.paper(body, "2026/0815", "Sensoren im Stadtpark")
    ringpark = council.paper(body, "2026/0816", "Messnetz am Ring")
    budget = council.paper(body, "2026/0900", "Haushalt")
    for order, (paper, name) in enumerate(
        [(parking, "Sensoren"), (ringpark, "Messnetz"), (budget, "Haushalt")], start=1
    ):
        item = m.AgendaItem.objects.create(
            oparl_id=f"https://ris.example/item/{order}",
            meeting=meeting,
            order=order,
            number=f"Ö {order}",
            name=name,
        )
        council.consult(paper, meeting, agenda_item=item)

    park = _project(editor, "Parksensoren", parking)
    draft = _project(editor, "Geheime Kameras", parking, draft=True)
    ring = _project(editor, "Bodenfeuchte am Ring", ringpark)

    cloud = contract_for(editor, park, "Cloud-Sensorik", ["US"])
    contract_services.contract_clause_save(
        actor=editor,
        clause=Redaction(
            contract=cloud,
            passage="Anlage 3, Stückpreise",
            category=RedactionReason.TRADE_SECRET,
            legal_basis="§ 6 IFG NRW",
            reason="Die Stückpreise zeigen die Kalkulation des Anbieters.",
        ),
    )
    contract_for(editor, draft, "Kamerawartung", ["DE"]).projects.add(draft)
    hidden = Contract(title="Entwurf Wartungsvertrag")
    linked_record_save(actor=editor, record=hidden, projects=[park])
    measuring = contract_for(editor, ring, "Messnetz Betrieb", ["FR"])
    # A contract on the paper itself, of no project.
    own = Contract.objects.create(title="Funknetz Rahmenvertrag", published_at=timezone.now())
    own.council_papers.add(ringpark)
    measuring.council_papers.add(ringpark)  # shown once, with its project

    activity = ProcessingActivity(
        slug="parkraum",
        title="Parkraumerfassung",
        purposes="Freie Plätze anzeigen",
        published_at=timezone.now(),
    )
    linked_record_save(actor=editor, record=activity, projects=[park])
    DataCategory.objects.create(activity=activity, name="Kennzeichen")
    unpublished = ProcessingActivity(slug="kamera", title="Kamerabilder auswerten")
    linked_record_save(actor=editor, record=unpublished, projects=[park])

    procedure = Procedure(
        slug="stadtpark",
        title="Beteiligung Stadtpark",
        summary="Was wird aus dem Park?",
        published_at=timezone.now(),
        result_report="Die Sensoren kommen, die Kameras nicht.",
        result_report_published_at=timezone.now(),
    )
    linked_record_save(actor=editor, record=procedure, projects=[park])
    for project in (park, ring, draft):
        project_evaluate(project=project)
    return Session(meeting, park, ring, draft)


def _text(response_content: bytes, title: str, language: str = "de") -> str:
    """The text of a tagged PDF/UA document with ``title`` in ``language``."""
    reader = assert_accessible_pdf(response_content, title=title, language=language)
    # Lines broken in a table cell come back as separate lines: compare on one line.
    return " ".join("".join(page.extract_text() for page in reader.pages).split())


def _dossier(client: Client, meeting: m.Meeting, prefix: str = "") -> bytes:
    response = client.get(f"{prefix}/rat/sitzungen/{meeting.pk}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_dossier_holds_every_items_scorecard_contracts_processings_and_results(
    session: Session, charter: CharterVersion, client_for: ClientFor
) -> None:
    content = _dossier(client_for(None), session.meeting)
    text = _text(content, "Dossier: Rat der Stadt")

    # Items, projects and their parts as headings, scorecards as tables with a header row.
    tags = structure_tags(PdfReader(io.BytesIO(content)).root_object["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/H4", "/H5", "/Table", "/TH"} <= tags
    # The cover: the meeting, its body, its start in the city's time zone, its place.
    assert "Ausschuss für Digitales" in text
    start = timezone.localtime(session.meeting.start)
    assert f"{start.day}. " in text and "18:00" in text
    assert "Rathaus, Ratssaal, Willy-Brandt-Platz 2, 44787 Bochum" in text
    # Each smart-city item, the one without linked records left out.
    assert "Tagesordnungspunkt Ö 1: Sensoren" in text
    assert "Tagesordnungspunkt Ö 2: Messnetz" in text
    assert "Haushalt" not in text
    assert "2026/0815 Sensoren im Stadtpark" in text
    # Each project's scorecard: every principle with its status as stored.
    for project, following in ((session.park, "Tagesordnungspunkt Ö 2"), (session.ring, None)):
        section = text.split(f"Projekt: {project.title}")[1].split(following or "\0")[0]
        evaluation = project.evaluations.get(is_current=True)
        statuses = dict(evaluation.principles.values_list("principle", "status"))
        for principle in charter.principles():
            status = Status(statuses[principle.id])
            assert f"{principle.id}: {principle.title} {ICONS[status]} {status.label}" in section
    assert "Geprüft nach Charta-Version" in text
    assert "verletzt" in text
    # Contracts with where their data goes and what is redacted.
    assert "Vertrag: Cloud-Sensorik" in text
    assert "Verarbeitung: US" in text
    assert "auch in Drittländern" in text
    assert "Anlage 3, Stückpreise" in text
    assert "Die Stückpreise zeigen die Kalkulation des Anbieters." in text
    assert "Vertrag: Messnetz Betrieb" in text and "Verarbeitung: FR" in text
    assert text.count("Vertrag: Messnetz Betrieb") == 1
    assert "Vertrag: Funknetz Rahmenvertrag Auftragnehmer" in text
    # Processing activities, participation results, open findings with their dates.
    assert "Parkraumerfassung" in text and "Kennzeichen" in text
    assert "Die Sensoren kommen, die Kameras nicht." in text
    assert "Offene Befunde" in text
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Geben Sie an, ob das Projekt personenbezogene Daten verarbeitet. {today}" in text


def test_the_dossier_holds_only_what_the_public_may_see(
    session: Session, client_for: ClientFor, editor: User
) -> None:
    # Even for the city's staff: a dossier is handed round.
    text = _text(_dossier(client_for(editor), session.meeting), "Dossier: Rat der Stadt")
    assert "Geheime Kameras" not in text
    assert "Kamerawartung" not in text
    assert "Entwurf Wartungsvertrag" not in text
    assert "Kamerabilder auswerten" not in text
    assert "Noch nicht abgestimmt" not in text  # a draft's internal note


def test_the_dossier_in_english(session: Session, client_for: ClientFor) -> None:
    content = _dossier(client_for(None), session.meeting, prefix="/en")
    text = _text(content, "Dossier: Rat der Stadt", language="en")
    assert "Agenda item Ö 1: Sensoren" in text
    assert "Open findings" in text
    assert "Die Sensoren kommen, die Kameras nicht." in text


def test_the_meeting_page_links_its_dossier(session: Session, client_for: ClientFor) -> None:
    page = client_for(None).get(f"/rat/sitzungen/{session.meeting.pk}/").content.decode()
    assert f'href="/rat/sitzungen/{session.meeting.pk}/dossier.pdf"' in page
    assert "Dossier (PDF)" in page


def test_a_meeting_without_smart_city_items_gets_a_short_dossier(
    db: None, client_for: ClientFor
) -> None:
    body = council.body()
    meeting = council.meeting(body, timezone.localdate(), name="Bezirksvertretung Mitte")
    item = council.item(meeting, name="Spielplatz")
    council.consult(council.paper(body), meeting, agenda_item=item)

    text = _text(_dossier(client_for(None), meeting), "Dossier: Bezirksvertretung Mitte")
    assert "steht kein Punkt" in text
    assert "Spielplatz" not in text


def test_a_cancelled_meeting_says_so_and_a_deleted_one_is_gone(
    session: Session, client_for: ClientFor
) -> None:
    session.meeting.cancelled = True
    session.meeting.save()
    text = _text(_dossier(client_for(None), session.meeting), "Dossier: Rat der Stadt")
    assert "Die Sitzung ist abgesagt." in text
    assert "Projekt: Parksensoren" in text

    session.meeting.deleted = True
    session.meeting.save()
    client = client_for(None)
    assert client.get(f"/rat/sitzungen/{session.meeting.pk}/dossier.pdf").status_code == 404
    assert client.get("/rat/sitzungen/999999/dossier.pdf").status_code == 404


def test_an_open_finding_is_dated_from_the_first_evaluation_that_published_it(
    session: Session,
) -> None:
    """Of the evaluations in a row holding the finding, the first; never before the project
    was published, and not from before a gap in which the finding was gone."""
    park = session.park
    park.evaluations.filter(is_current=False).delete()  # those of the set-up, seconds ago
    current = park.evaluations.get(is_current=True)
    days = [timezone.now() - timedelta(days=n) for n in (30, 20, 10)]
    park.published_at = days[0] - timedelta(days=5)
    park.save(update_fields=["published_at"])
    gone = [f for f in current.findings if f["rule"] != "free-training"]
    for moment, findings in zip(days, [current.findings, gone, current.findings], strict=True):
        ProjectEvaluation.objects.create(
            project=park,
            charter_version=current.charter_version,
            findings=findings,
            evaluated_at=moment,
            is_current=False,
        )

    (entry,) = meeting_dossier(session.meeting).items[0].projects
    since = {o.finding.rule: o.published_at for o in entry.open_findings}
    assert since["free-training"] == days[2]  # back again ten days ago, not thirty
    assert since["public-before-decision"] == days[0]
    park.published_at = days[0] + timedelta(days=1)
    park.save(update_fields=["published_at"])
    (entry,) = meeting_dossier(session.meeting).items[0].projects
    assert {o.published_at for o in entry.open_findings if o.finding.rule != "free-training"} == {
        park.published_at
    }


def test_a_project_not_yet_evaluated_says_so_and_shows_its_records(
    session: Session, client_for: ClientFor
) -> None:
    ProjectEvaluation.objects.filter(project=session.park).delete()
    text = _text(_dossier(client_for(None), session.meeting), "Dossier: Rat der Stadt")
    park = text.split("Projekt: Parksensoren")[1].split("Tagesordnungspunkt Ö 2")[0]
    assert "Das Projekt ist noch nicht nach der Charta geprüft." in park
    assert "Keine offenen Befunde." in park
    assert "Vertrag: Cloud-Sensorik" in park and "Parkraumerfassung" in park
