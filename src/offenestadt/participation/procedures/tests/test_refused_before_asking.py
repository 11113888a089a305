"""Publishing a procedure or a meeting's minutes, removing a phase, a text or a paragraph: what
would refuse the step shows in place of its button, and a step asked for anyway is refused at
once, never confirmed first."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.procedures import services
from offenestadt.participation.procedures.models import Meeting, PhaseKind, Procedure
from offenestadt.participation.procedures.tests.procedure_setup import (
    consultation,
    end_consultation,
    info_evening,
    paragraph,
)

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]
ALERT = 'role="alert" tabindex="-1" autofocus'
CONFIRM = 'name="bestaetigt" value="1"'


def _refused_at_once(client: Client, url: str) -> str:
    """Ask for the step by opening its address, then as a careless editor would, posting the
    confirmation straight away: both times the refusal, under the heading, and no question."""
    before = AuditEntry.objects.count()
    opened, sent = client.get(url), client.post(url, {"bestaetigt": "1"})
    assert (opened.status_code, sent.status_code) == (200, 409)
    for response in (opened, sent):
        page = response.content.decode()
        assert page.index("<h1>") < page.index(ALERT)
        assert CONFIRM not in page
    assert AuditEntry.objects.count() == before
    return page


def test_a_procedure_without_phases_says_so_instead_of_asking(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor, publish=False)
    procedure.phases.all().delete()
    client = client_for(editor)
    base = procedure.get_absolute_url()
    detail = client.get(base).content.decode()
    assert "Vor der Veröffentlichung ist noch offen:" in detail
    assert f'href="{base}veroeffentlichen/"' not in detail
    assert f'href="{base}phasen/neu/">beheben</a>' in detail
    page = _refused_at_once(client, f"{base}veroeffentlichen/")
    assert "Legen Sie vor der Veröffentlichung die Phasen mit ihren Daten an." in page
    assert f'href="{base}phasen/neu/">beheben</a>' in page
    assert Procedure.objects.get().published_at is None


def test_a_procedure_whose_phase_has_begun_links_the_phase_to_move(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor, days=(-1, 5), information_days=None, publish=False)
    phase = procedure.phases.get()
    base = procedure.get_absolute_url()
    page = _refused_at_once(client_for(editor), f"{base}veroeffentlichen/")
    assert "Diese Phasen haben schon begonnen" in page
    assert f'href="{base}phasen/{phase.pk}/aendern/">beheben</a>' in page
    assert Procedure.objects.get().published_at is None


def test_a_procedure_ready_to_publish_is_asked_about_then_published(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor, days=(1, 10), information_days=None, publish=False)
    client = client_for(editor)
    base = procedure.get_absolute_url()
    detail = client.get(base).content.decode()
    assert "Vor der Veröffentlichung ist noch offen:" not in detail
    assert f'href="{base}veroeffentlichen/"' in detail
    asked = client.get(f"{base}veroeffentlichen/").content.decode()
    assert CONFIRM in asked and ALERT not in asked
    assert Procedure.objects.get().published_at is None
    response = client.post(f"{base}veroeffentlichen/", {"bestaetigt": "1"})
    assert response.status_code == 302
    assert Procedure.objects.get().published_at is not None


def test_minutes_that_cannot_be_published_yet_say_what_is_missing(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    meeting = info_evening(procedure, starts_in=timedelta(days=2))
    client = client_for(editor)
    url = f"{procedure.get_absolute_url()}veranstaltungen/{meeting.pk}/"
    detail = client.get(url).content.decode()
    assert "Vor der Veröffentlichung des Protokolls ist noch offen:" in detail
    assert f'href="{url}protokoll-veroeffentlichen/"' not in detail
    page = _refused_at_once(client, f"{url}protokoll-veroeffentlichen/")
    assert "Schreiben Sie zuerst das Protokoll." in page
    assert "Das Protokoll folgt nach der Veranstaltung." in page
    assert f'href="{url}aendern/">beheben</a>' in page
    assert Meeting.objects.get().minutes_published_at is None


def test_published_minutes_are_not_asked_about_again(editor: User, client_for: ClientFor) -> None:
    procedure = consultation(editor)
    meeting = info_evening(procedure, starts_in=timedelta(days=-1), minutes="Es wurde gesprochen.")
    services.meeting_minutes_publish(actor=editor, meeting=meeting)
    url = f"{procedure.get_absolute_url()}veranstaltungen/{meeting.pk}/"
    response = client_for(editor).get(f"{url}protokoll-veroeffentlichen/")
    assert (response.status_code, response["Location"]) == (302, url)


def test_a_begun_phase_is_not_offered_for_removal(editor: User, client_for: ClientFor) -> None:
    procedure = consultation(editor)
    running = procedure.phases.get(kind=PhaseKind.CONSULTATION)
    url = f"{procedure.get_absolute_url()}phasen/{running.pk}/entfernen/"
    before = AuditEntry.objects.count()
    opened, sent = client_for(editor).get(url), client_for(editor).post(url)
    assert (opened.status_code, sent.status_code) == (200, 409)
    for response in (opened, sent):
        page = response.content.decode()
        assert page.index("<h1>") < page.index(ALERT)
        assert "nicht gelöscht" in page
        assert ">Entfernen</button>" not in page
    assert AuditEntry.objects.count() == before
    assert procedure.phases.filter(pk=running.pk).exists()


def test_a_commented_paragraph_or_text_is_not_offered_for_removal(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    commented = paragraph(procedure, 2)
    comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=commented, text="Gut."
    )
    document = commented.document
    text = f"{procedure.get_absolute_url()}texte/{document.pk}/"
    client = client_for(editor)
    before = AuditEntry.objects.count()
    for url in (f"{text}absaetze/{commented.pk}/entfernen/", f"{text}entfernen/"):
        opened, sent = client.get(url), client.post(url)
        assert (opened.status_code, sent.status_code) == (200, 409)
        for response in (opened, sent):
            page = response.content.decode()
            assert "Zu diesem Text gibt es schon Kommentare" in page
            assert ">Entfernen</button>" not in page
    assert AuditEntry.objects.count() == before
    assert document.paragraphs.count() == 3
    # A paragraph nobody commented on is asked about, then removed.
    free = f"{text}absaetze/{paragraph(procedure, 3).pk}/entfernen/"
    assert ">Entfernen</button>" in client.get(free).content.decode()
    assert client.post(free).status_code == 302
    assert document.paragraphs.count() == 2


def test_the_result_report_says_what_is_missing_before_it_is_written(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    url = f"{procedure.get_absolute_url()}ergebnis/bericht/"
    client = client_for(editor)
    opened = client.get(url)
    assert opened.status_code == 200
    page = opened.content.decode()
    assert page.index("<h1>") < page.index(ALERT)
    assert "Der Ergebnisbericht folgt erst, wenn Beteiligung und Abstimmung beendet sind." in page
    assert 'name="report"' not in page
    before = AuditEntry.objects.count()
    sent = client.post(url, {"report": "Fertig.", "bestaetigt": "1"})
    assert sent.status_code == 409
    assert sent.content.decode().index("<h1>") < sent.content.decode().index(ALERT)
    assert AuditEntry.objects.count() == before
    assert Procedure.objects.get().result_report_published_at is None


def test_the_result_report_is_asked_about_then_published(
    editor: User, client_for: ClientFor
) -> None:
    procedure = consultation(editor)
    end_consultation(procedure)
    url = f"{procedure.get_absolute_url()}ergebnis/bericht/"
    client = client_for(editor)
    assert 'name="report"' in client.get(url).content.decode()
    asked = client.post(url, {"report": "Fertig."}).content.decode()
    assert CONFIRM in asked and '<input type="hidden" name="report" value="Fertig.">' in asked
    assert Procedure.objects.get().result_report_published_at is None
    published = client.post(url, {"report": "Fertig.", "bestaetigt": "1"})
    assert published.status_code == 302
    assert Procedure.objects.get().result_report == "Fertig."
