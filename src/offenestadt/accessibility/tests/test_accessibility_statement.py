"""The accessibility statement says how accessible the platform is and where to turn; anyone
can report a barrier without an account; the administration answers within its period, and
the way to reply goes on schedule."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from offenestadt.accessibility.models import Feedback, FeedbackStatus, Statement
from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.core.retention import ACCESSIBILITY_FEEDBACK
from offenestadt.processing.models import DataCategory
from offenestadt.processing.retention import retention_enforce
from offenestadt.staff.inbox.tests.test_inbox import inbox_page, listed_items, nav_count

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]

STATEMENT = {
    "conformance": "partial",
    "known_gaps": "Alte Vertragsdokumente sind nicht getaggt.\n\nDie Karte hat kein Textbild.",
    "checked_on": "2026-11-30",
    "method": "Selbstbewertung mit axe",
    "updated_on": "2026-12-01",
}


def _send(client: Client, **data: str) -> object:
    return client.post("/barrierefreiheit/rueckmeldung/", data)


def test_before_the_city_writes_it_the_statement_says_so(client: Client) -> None:
    page = client.get("/barrierefreiheit/").content.decode()
    assert "teilweise vereinbar" in page
    assert "die Stadt hat ihre Erklärung noch nicht eingetragen" in page
    # The enforcement body is a setting; without it people are told whom to ask.
    assert "noch nicht eingetragen. Die Beauftragte" in page
    assert 'href="/barrierefreiheit/rueckmeldung/"' in page
    assert 'href="/barrierefreiheit/leichte-sprache/"' in page


@override_settings(
    ACCESSIBILITY_ENFORCEMENT_NAME="Ombudsstelle für barrierefreie IT",
    ACCESSIBILITY_ENFORCEMENT_URL="https://ombudsstelle.example.org/",
)
def test_the_administration_writes_the_statement_and_its_history_is_public(
    administrator: User, editor: User, client_for: ClientFor
) -> None:
    assert client_for(None).get("/barrierefreiheit/bearbeiten/").status_code == 404
    assert client_for(editor).post("/barrierefreiheit/bearbeiten/", STATEMENT).status_code == 403
    assert not Statement.objects.exists()

    admin = client_for(administrator)
    saved = admin.post("/barrierefreiheit/bearbeiten/", STATEMENT, follow=True)
    assert "Die Erklärung zur Barrierefreiheit ist gespeichert." in saved.content.decode()
    page = client_for(None).get("/barrierefreiheit/").content.decode()
    assert "<li>Alte Vertragsdokumente sind nicht getaggt.</li>" in page
    assert "<li>Die Karte hat kein Textbild.</li>" in page
    assert "30. November 2026" in page
    assert "Ombudsstelle für barrierefreie IT" in page
    assert 'href="https://ombudsstelle.example.org/"' in page

    changed = {**STATEMENT, "conformance": "full", "known_gaps": ""}
    admin.post("/barrierefreiheit/bearbeiten/", changed)
    assert Statement.objects.count() == 1
    statement = Statement.objects.get()
    entries = list(AuditEntry.objects.for_record(statement).order_by("seq"))
    assert [e.action for e in entries] == ["create", "update"]
    assert "vollständig vereinbar" in client_for(None).get("/barrierefreiheit/").content.decode()


def test_a_bad_date_is_named_and_nothing_is_stored(
    administrator: User, client_for: ClientFor
) -> None:
    answer = client_for(administrator).post(
        "/barrierefreiheit/bearbeiten/", {**STATEMENT, "checked_on": "31.02.2026"}
    )
    assert answer.status_code == 400
    assert "Bitte ein gültiges Datum eingeben" in answer.content.decode()
    assert not Statement.objects.exists()


def test_anyone_reports_a_barrier_without_an_account(client: Client) -> None:
    form = client.get("/barrierefreiheit/rueckmeldung/?seite=/vertraege/")
    assert 'value="/vertraege/"' in form.content.decode()
    # How long the way to reply is kept, as the register of processing activities says.
    assert "Aufbewahrt: 3 Monate ab der Antwort." in form.content.decode()
    sent = client.post(
        "/barrierefreiheit/rueckmeldung/",
        {"message": "Die Tabelle hat keine Überschriften.", "page": "/vertraege/", "contact": ""},
        follow=True,
    )
    feedback = Feedback.objects.get()
    due = timezone.localdate() + timedelta(days=30)
    assert feedback.reply_due == due
    assert (feedback.page, feedback.contact, feedback.status) == ("/vertraege/", "", "open")
    assert "Sie haben keine Adresse für eine Antwort angegeben" in sent.content.decode()
    # A message to the city, not a public record: nothing of it in the public trail.
    assert not AuditEntry.objects.for_record(feedback).exists()


def test_an_empty_message_is_refused_in_german(client: Client) -> None:
    answer = client.post("/barrierefreiheit/rueckmeldung/", {"message": "  ", "contact": "x"})
    assert answer.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in answer.content.decode()
    assert not Feedback.objects.exists()


@override_settings(ACCESSIBILITY_FEEDBACK_LIMIT=2)
def test_a_flood_of_messages_is_slowed(client: Client) -> None:
    answers = [
        client.post("/barrierefreiheit/rueckmeldung/", {"message": f"Nachricht {n}"})
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert "Zu viele Nachrichten in kurzer Zeit" in answers[2].content.decode()
    assert Feedback.objects.count() == 2


def test_the_administration_answers_from_its_inbox(
    administrator: User, editor: User, client_for: ClientFor
) -> None:
    client_for(None).post(
        "/barrierefreiheit/rueckmeldung/",
        {"message": "Der Kontrast ist zu schwach.", "contact": "leser@example.org"},
    )
    feedback = Feedback.objects.get()
    for outsider, status in ((None, 404), (editor, 403)):
        visitor = client_for(outsider)
        assert visitor.get("/barrierefreiheit/rueckmeldungen/").status_code == status
        assert visitor.get(feedback.get_absolute_url()).status_code == status
    assert "Der Kontrast" not in client_for(editor).get("/aufgaben/").content.decode()

    admin = client_for(administrator)
    inbox = inbox_page(admin)
    assert f'href="{feedback.get_absolute_url()}"' in inbox
    assert nav_count(inbox) == listed_items(inbox)
    detail = admin.get(feedback.get_absolute_url()).content.decode()
    assert "Der Kontrast ist zu schwach." in detail and "leser@example.org" in detail

    refused = admin.post(feedback.get_absolute_url(), {"note": ""})
    assert refused.status_code == 400
    admin.post(feedback.get_absolute_url(), {"note": "Farben geändert, per E-Mail geantwortet."})
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED and feedback.answered_at is not None
    assert f'href="{feedback.get_absolute_url()}"' not in inbox_page(admin)


def test_the_way_to_reply_goes_three_months_after_the_answer(client: Client) -> None:
    contact = DataCategory.objects.get(activity__slug=ACCESSIBILITY_FEEDBACK, key="reply-contact")
    message = DataCategory.objects.get(
        activity__slug=ACCESSIBILITY_FEEDBACK, key="feedback-message"
    )
    now = timezone.now()
    contact_cutoff = contact.retention_cutoff(now)
    for n in range(3):
        client.post(
            "/barrierefreiheit/rueckmeldung/",
            {"message": f"Barriere {n}", "contact": f"person{n}@example.org"},
        )
    first, second, third = Feedback.objects.order_by("pk")
    # Answered a minute before and a minute after the cut-off; the third is still open.
    Feedback.objects.filter(pk=first.pk).update(
        status="answered", answered_at=contact_cutoff - timedelta(minutes=1)
    )
    Feedback.objects.filter(pk=second.pk).update(
        status="answered", answered_at=contact_cutoff + timedelta(minutes=1)
    )
    Feedback.objects.filter(pk=third.pk).update(received_at=contact_cutoff - timedelta(days=1))
    run = retention_enforce(now=now)
    assert run.counts[f"{ACCESSIBILITY_FEEDBACK}/reply-contact"] == 1
    assert dict(Feedback.objects.values_list("message", "contact")) == {
        "Barriere 0": "",
        "Barriere 1": "person1@example.org",
        "Barriere 2": "person2@example.org",
    }
    # The message itself goes after its own period from its arrival.
    message_cutoff = message.retention_cutoff(now)
    Feedback.objects.filter(pk=third.pk).update(received_at=message_cutoff - timedelta(minutes=1))
    retention_enforce(now=now)
    assert set(Feedback.objects.values_list("message", flat=True)) == {"Barriere 0", "Barriere 1"}


def test_the_easy_read_page_explains_the_platform_in_short_sentences(client: Client) -> None:
    page = client.get("/barrierefreiheit/leichte-sprache/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1].split("</main>", 1)[0])
    sentences = [s for s in re.split(r"[.?!:]\s", " ".join(text.split())) if s.strip()]
    assert "Sie haben keinen Computer?" in page
    assert 'href="/barrierefreiheit/rueckmeldung/"' in page
    # Easy Read: short sentences (the longest of the page's own text, not the menu).
    assert max(len(s.split()) for s in sentences) <= 15
