"""The pages of procedures for everyone and for staff, their feeds and the API."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.core.tests.openapi import assert_matches_openapi
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import services as moderation_services
from offenestadt.participation.procedures import services
from offenestadt.participation.procedures.models import Document, Meeting, PhaseKind, Procedure
from offenestadt.participation.procedures.tests.procedure_setup import (
    consultation,
    end_consultation,
    info_evening,
    paragraph,
)
from offenestadt.participation.proposals.models import Proposal, ProposalStatus, Support
from offenestadt.registry.channels import Channel
from offenestadt.registry.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def procedure(editor: User) -> Procedure:
    return consultation(editor)


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --- public pages --------------------------------------------------------------------


def test_the_procedure_page_shows_the_phases_and_the_one_running(
    procedure: Procedure, client_for: ClientFor
) -> None:
    page = _page(client_for(None), procedure.get_absolute_url())
    consultation_phase = procedure.phases.get(kind=PhaseKind.CONSULTATION)
    assert f'<li id="phase-{consultation_phase.pk}" aria-current="step">' in page
    assert "läuft jetzt" in page
    assert "Information" in page and "Beteiligung" in page
    assert f"/beteiligung/{procedure.slug}/material/" in page
    assert f"/beteiligung/{procedure.slug}/feed.atom" in page
    # Residents learn that a call or a letter counts as much.
    assert "anrufen, schreiben oder vorbeikommen" in page


def test_the_list_shows_published_procedures_and_drafts_to_staff(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    consultation(editor, slug="entwurf", publish=False)
    public = _page(client_for(None), "/beteiligung/")
    assert procedure.title in public and "Beteiligung entwurf" not in public
    assert "Jetzt: Beteiligung" in public
    assert "Beteiligung entwurf" in _page(client_for(editor), "/beteiligung/")
    _page(client_for(None), "/beteiligung/entwurf/", 404)
    _page(client_for(editor), "/beteiligung/entwurf/", 200)


def test_the_material_and_its_printable_version(
    procedure: Procedure, client_for: ClientFor
) -> None:
    for url in (
        f"/beteiligung/{procedure.slug}/material/",
        f"/beteiligung/{procedure.slug}/material/drucken/",
    ):
        page = _page(client_for(None), url)
        assert "Die Sensoren messen nur die Erde." in page
        assert "Die Messwerte erscheinen als offene Daten." in page
    assert 'name="robots" content="noindex"' in page
    assert "zum Drucken gedacht" in page


def test_the_document_anchors_each_paragraph_with_its_comments(
    procedure: Procedure, client_for: ClientFor
) -> None:
    second = paragraph(procedure, 2)
    comment = comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=second, text="Zu Absatz zwei."
    )
    page = _page(client_for(None), f"/beteiligung/{procedure.slug}/texte/{second.document_id}/")
    for position in (1, 2, 3):
        assert f'<section id="absatz-{position}"' in page
    section = page[page.index('id="absatz-2"') : page.index('id="absatz-3"')]
    assert f'id="kommentar-{comment.pk}"' in section and "Zu Absatz zwei." in section
    assert f"/absaetze/{second.pk}/kommentieren/" in section
    # When the consultation is over, the links go and the reason shows.
    end_consultation(procedure)
    page = _page(client_for(None), f"/beteiligung/{procedure.slug}/texte/{second.document_id}/")
    assert "kommentieren/" not in page and "beendet" in page


def test_a_meetings_place_accessibility_and_published_minutes(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    # A meeting that took place (announced while it was ahead), as stored.
    meeting = Meeting.objects.create(
        procedure=procedure,
        title="Infoabend",
        starts_at=timezone.now() - timedelta(days=1),
        place="Rathaus, Saal 2",
        accessibility="Stufenlos, Induktionsschleife.",
        minutes="Geheimer Entwurf des Protokolls.",
    )
    url = f"/beteiligung/{procedure.slug}/veranstaltungen/{meeting.pk}/"
    page = _page(client_for(None), url)
    assert "Rathaus, Saal 2" in page and "Induktionsschleife" in page
    assert "Geheimer Entwurf" not in page
    assert "Geheimer Entwurf" in _page(client_for(editor), url)
    asked = _page(client_for(editor), f"{url}protokoll-veroeffentlichen/")
    assert "veröffentlichen?" in asked
    assert "Geheimer Entwurf" not in _page(client_for(None), url)
    response = client_for(editor).post(
        f"{url}protokoll-veroeffentlichen/", {"bestaetigt": "1"}, follow=True
    )
    assert "Das Protokoll ist veröffentlicht." in response.content.decode()
    assert "Geheimer Entwurf" in _page(client_for(None), url)
    results = _page(client_for(None), f"/beteiligung/{procedure.slug}/ergebnis/")
    assert url in results


def test_the_results_show_the_report_the_answers_and_the_channel_mix(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    comments_services.comment_post(actor=None, procedure=procedure, text="Online.")
    comments_services.comment_post(
        actor=editor, procedure=procedure, text="Brief.", channel=Channel.POST
    )
    proposal = Proposal.objects.create(
        procedure=procedure,
        title="Mehr Bänke",
        text="Im Park.",
        channel=Channel.IN_PERSON,
        proposal_status=ProposalStatus.PARTLY,
        answer="Zwei kommen.",
        answered_at=timezone.now(),
    )
    Support.objects.create(proposal=proposal, channel=Channel.PHONE)
    end_consultation(procedure)
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Das Ergebnis.")
    for url in (
        f"/beteiligung/{procedure.slug}/ergebnis/",
        f"/beteiligung/{procedure.slug}/ergebnis/drucken/",
    ):
        page = _page(client_for(None), url)
        assert "Das Ergebnis." in page
        assert "Mehr Bänke" in page and "Zwei kommen." in page and "teilweise aufgenommen" in page
        assert '<th scope="row">Post</th><td>1</td><td>0</td><td>0</td>' in page
        assert '<th scope="row">persönlich</th><td>0</td><td>1</td><td>0</td>' in page
        assert '<th scope="row">Telefon</th><td>0</td><td>0</td><td>1</td>' in page
        assert '<th scope="row">zusammen</th><td>2</td><td>1</td><td>1</td>' in page


# --- staff pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("resident", 404), ("dpo", 403), ("editor", 200), ("admin", 200)],
)
def test_who_may_open_the_staff_form(
    people: dict[str, User | None], client_for: ClientFor, role: str, status: int
) -> None:
    assert client_for(people[role]).get("/beteiligung/neu/").status_code == status


@pytest.mark.parametrize(
    "path",
    [
        "bearbeiten/",
        "phasen/neu/",
        "texte/neu/",
        "veranstaltungen/neu/",
        "ergebnis/bericht/",
        "kommentare/eintragen/",
    ],
)
def test_other_offices_may_not_run_the_procedure(
    procedure: Procedure, other_editor: User, resident: User, client_for: ClientFor, path: str
) -> None:
    url = f"/beteiligung/{procedure.slug}/{path}"
    assert client_for(resident).get(url).status_code == 403
    # Entering a call is open to every editor; running the procedure is not.
    expected = 200 if path == "kommentare/eintragen/" else 403
    assert client_for(other_editor).get(url).status_code == expected


def test_an_editor_runs_a_procedure_through_its_pages(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    client = client_for(editor)
    project = ProjectFactory.create(office=office)
    response = client.post(
        "/beteiligung/neu/",
        {"title": "Spielplätze", "summary": "Welche zuerst?", "projects": [project.pk]},
    )
    assert response.status_code == 302, response.content.decode()
    procedure = Procedure.objects.get()
    assert (procedure.office, procedure.slug) == (office, "spielplaetze")
    base = f"/beteiligung/{procedure.slug}/"
    # Without phases, publishing is refused at once, without asking (test_refused_before_asking).
    refused = client.post(f"{base}veroeffentlichen/", {"bestaetigt": "1"})
    assert refused.status_code == 409
    assert "Legen Sie vor der Veröffentlichung die Phasen" in refused.content.decode()
    assert Procedure.objects.get().published_at is None
    today = timezone.localdate()
    response = client.post(
        f"{base}phasen/neu/",
        {
            "kind": "consultation",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    asked = client.get(f"{base}veroeffentlichen/").content.decode()
    assert "„Spielplätze“ veröffentlichen?" in asked
    assert '<input type="hidden" name="bestaetigt" value="1">' in asked
    overlapping = client.post(
        f"{base}phasen/neu/",
        {"kind": "vote", "starts_on": today.isoformat(), "ends_on": today.isoformat()},
    )
    assert "überschneidet" in overlapping.content.decode()
    response = client.post(
        f"{base}texte/neu/", {"title": "Entwurf", "text": "Eins.\r\n\r\nZwei.\r\n\r\nDrei."}
    )
    document = Document.objects.get()
    assert response["Location"] == f"{base}texte/{document.pk}/"
    assert document.paragraphs.count() == 3
    response = client.post(f"{base}texte/{document.pk}/absaetze/neu/", {"text": "Vier."})
    assert response["Location"] == f"{base}texte/{document.pk}/#absatz-4"
    second = document.paragraphs.get(position=2)
    client.post(f"{base}texte/{document.pk}/absaetze/{second.pk}/aendern/", {"text": "Zwei!"})
    assert document.paragraphs.get(position=2).text == "Zwei!"
    client.post(f"{base}texte/{document.pk}/absaetze/{second.pk}/entfernen/")
    assert document.paragraphs.count() == 3
    published = client.post(f"{base}veroeffentlichen/", {"bestaetigt": "1"}, follow=True)
    assert "Das Verfahren ist veröffentlicht." in published.content.decode()
    assert Procedure.objects.get().published_at is not None
    response = client.post(
        f"{base}veranstaltungen/neu/",
        {
            "title": "Vor Ort",
            "starts_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Schulhof",
            "accessibility": "ebenerdig",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"{base}veranstaltungen/{meeting.pk}/"
    # The report waits for the end of the consultation, and says so.
    response = client.post(f"{base}ergebnis/bericht/", {"report": "Fertig."})
    assert response.status_code == 409
    assert "Beteiligung und Abstimmung beendet" in response.content.decode()


def test_an_editor_may_not_set_up_the_charters_procedure(
    editor: User, administrator: User, office: Office, client_for: ClientFor
) -> None:
    project = ProjectFactory.create(office=office)
    page = _page(client_for(editor), "/beteiligung/neu/")
    assert "amends_charter" not in page and 'name="office"' not in page
    client_for(editor).post(
        "/beteiligung/neu/",
        {"title": "Charta", "summary": "S", "projects": [project.pk], "amends_charter": "on"},
    )
    assert not Procedure.objects.filter(amends_charter=True).exists()
    response = client_for(administrator).post(
        "/beteiligung/neu/", {"title": "Charta", "summary": "S", "amends_charter": "on"}
    )
    assert response.status_code == 302
    assert Procedure.objects.get(amends_charter=True).office is None


# --- how many queries ----------------------------------------------------------------


def _comment_a_lot(procedure: Procedure, editor: User, count: int) -> None:
    for number in range(count):
        first = comments_services.comment_post(
            actor=None,
            procedure=procedure,
            paragraph=paragraph(procedure, 1 + number % 3),
            text=f"Kommentar {number}",
        )
        comments_services.comment_post(
            actor=editor, procedure=procedure, parent=first, text="Antwort", channel=Channel.PHONE
        )
        comments_services.comment_post(actor=None, procedure=procedure, text=f"Allgemein {number}")
        comments_services.comment_post(
            actor=None, procedure=procedure, parent=first, text="Noch eine Antwort"
        )
        proposal = Proposal.objects.create(procedure=procedure, title=f"V{number}", text="T")
        Support.objects.create(proposal=proposal)
        services.meeting_save(
            actor=editor,
            meeting=Meeting(
                procedure=procedure,
                title=f"Treffen {number}",
                starts_at=timezone.now(),
                place="Rathaus",
                accessibility="stufenlos",
            ),
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_procedure_pages_take_the_same_queries_for_more_comments(
    procedure: Procedure,
    editor: User,
    client_for: ClientFor,
    who: str,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(editor if who == "editor" else None)
    document = procedure.documents.get()
    urls = [
        procedure.get_absolute_url(),
        f"/beteiligung/{procedure.slug}/texte/{document.pk}/",
        f"/beteiligung/{procedure.slug}/ergebnis/",
        f"/beteiligung/{procedure.slug}/material/",
        "/beteiligung/",
        f"/beteiligung/{procedure.slug}/feed.atom",
        f"/beteiligung/{procedure.slug}/beitraege.csv",
        f"/api/v1/procedures/{procedure.slug}",
    ]
    _comment_a_lot(procedure, editor, 2)
    few = {url: _queries(client, url) for url in urls}
    _comment_a_lot(procedure, editor, 12)
    many = {url: _queries(client, url) for url in urls}
    assert many == few
    with django_assert_max_num_queries(25):
        client.get(procedure.get_absolute_url())


# --- feeds ---------------------------------------------------------------------------


def test_the_feeds_tell_what_happened_as_atom(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    comments_services.comment_post(
        actor=None,
        procedure=procedure,
        paragraph=paragraph(procedure, 2),
        pseudonym="Anna Beispiel",
        text="Ein Kommentar.",
    )
    hidden = comments_services.comment_post(actor=None, procedure=procedure, text="Gemein.")
    moderation_services.contribution_hide(actor=editor, contribution=hidden, reason="beleidigend")
    Proposal.objects.create(
        procedure=procedure,
        title="Mehr Bänke",
        text="Im Park.",
        proposal_status=ProposalStatus.ACCEPTED,
        answer="Kommen.",
        answered_at=timezone.now(),
    )
    # A meeting that took place (announced while it was ahead), as stored.
    meeting = info_evening(procedure, starts_in=timedelta(hours=-3), minutes="Es kamen viele.")
    services.meeting_minutes_publish(actor=editor, meeting=meeting)
    end_consultation(procedure)
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Das Ergebnis.")
    consultation(editor, slug="entwurf", publish=False)

    for url in (f"/beteiligung/{procedure.slug}/feed.atom", "/beteiligung/feed.atom"):
        response = client_for(None).get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)  # noqa: S314  (our own feed)
        assert feed.tag == f"{ATOM}feed"
        entries = feed.findall(f"{ATOM}entry")
        titles = [entry.findtext(f"{ATOM}title") or "" for entry in entries]
        text = response.content.decode()
        assert any("Kommentar zu Absatz 2" in title for title in titles)
        assert any("Vorschlag: Mehr Bänke" in title for title in titles)
        assert any("Antwort der Stadt" in title for title in titles)
        assert any("Protokoll: Infoabend" in title for title in titles)
        assert any("Ergebnisbericht veröffentlicht" in title for title in titles)
        assert any("Die Phase „Beteiligung“ beginnt" in title for title in titles)
        assert "Ausgeblendet: beleidigend" in text and "Gemein." not in text
        # Names stay out of feeds; drafts too.
        assert "Anna" not in text and "entwurf" not in text
        ids = [entry.findtext(f"{ATOM}id") for entry in entries]
        assert len(ids) == len(set(ids))
    assert client_for(None).get("/beteiligung/entwurf/feed.atom").status_code == 404


# --- the API -------------------------------------------------------------------------


def test_the_api_lists_published_procedures_with_counts(
    procedure: Procedure, editor: User, client: Client
) -> None:
    consultation(editor, slug="entwurf", publish=False)
    comments_services.comment_post(actor=None, procedure=procedure, text="Online.")
    comments_services.comment_post(
        actor=editor, procedure=procedure, text="Anruf.", channel=Channel.PHONE
    )
    response = client.get("/api/v1/procedures")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["slug"] == procedure.slug
    assert item["current_phase"]["code"] == "consultation"
    assert item["current_phase"]["label"]["de"] == "Beteiligung"
    assert (item["finished"], item["result_report_published_at"]) == (False, None)
    by_channel = {row["channel"]: row["comments"] for row in item["counts"]["by_channel"]}
    assert by_channel == {"online": 1, "phone": 1, "in_person": 0, "post": 0}
    assert item["html_url"] == f"http://testserver/beteiligung/{procedure.slug}/"
    assert_matches_openapi(client, "/api/v1/procedures", response)


def test_the_api_gives_a_procedure_with_phases_texts_and_report(
    procedure: Procedure, editor: User, client: Client
) -> None:
    comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=paragraph(procedure, 1), text="Eins."
    )
    hidden = comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=paragraph(procedure, 1), text="Weg."
    )
    moderation_services.contribution_hide(actor=editor, contribution=hidden, reason="Spam")
    # A meeting that took place (announced while it was ahead), as stored.
    info_evening(procedure, starts_in=timedelta(days=-1), minutes="Entwurf.")
    url = f"/api/v1/procedures/{procedure.slug}"
    body = client.get(url).json()
    assert [p["kind"]["code"] for p in body["phases"]] == ["information", "consultation"]
    assert [p["is_current"] for p in body["phases"]] == [False, True]
    (document,) = body["documents"]
    assert [p["comments"] for p in document["paragraphs"]] == [1, 0, 0]
    assert body["counts"]["hidden"] == 1 and body["counts"]["comments"] == 2
    assert body["meetings"][0]["minutes"] is None
    assert body["result_report"] is None
    end_consultation(procedure)
    services.procedure_report_publish(actor=editor, procedure=procedure, report="Ergebnis.")
    response = client.get(url)
    body = response.json()
    assert (body["result_report"], body["finished"]) == ("Ergebnis.", True)
    assert_matches_openapi(client, "/api/v1/procedures/{slug}", response)


def test_a_draft_does_not_exist_for_the_api(editor: User, client: Client) -> None:
    consultation(editor, slug="entwurf", publish=False)
    response = client.get("/api/v1/procedures/entwurf")
    assert response.status_code == 404
    assert_matches_openapi(client, "/api/v1/procedures/{slug}", response)


def test_comment_ids_in_pages_are_stable(procedure: Procedure, client_for: ClientFor) -> None:
    comment = comments_services.comment_post(actor=None, procedure=procedure, text="Allgemein.")
    page = _page(client_for(None), procedure.get_absolute_url())
    assert f'id="kommentar-{comment.pk}"' in page
    assert Comment.objects.count() == 1
