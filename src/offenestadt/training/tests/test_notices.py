"""Registered people hear what changed: whoever gave an e-mail address gets one e-mail per
event from the task worker (a reminder TRAINING_REMINDER_DAYS before, a place from the
waiting list, a cancellation, a session moved or called off), in the language they registered in,
with links under SITE_URL; whoever gave a phone number is on the office's call list, which
only the office sees (also as a tagged PDF), and never in the audit trail."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.core.tests.pdfs import assert_accessible_pdf, structure_tags
from offenestadt.training import services
from offenestadt.training.models import Channel, Course, Notice, Registration, Session
from offenestadt.training.notices import send_reminders
from offenestadt.training.selectors import calls_due
from offenestadt.training.tests.conftest import add_session

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]
SITE = "https://stadt.example.org"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE
    settings.TRAINING_REMINDER_DAYS = 2


@pytest.fixture
def session(editor: User, office: Office, course: Course) -> Session:
    """One place, five days ahead; the office has a phone number."""
    office.phone = "0234 910-0"
    office.save()
    return add_session(editor, course, starts_at=timezone.now() + timedelta(days=5))


def _register(session: Session, name: str, contact: str, language: str = "de") -> Registration:
    return services.registration_create(
        session=session, name=name, contact=contact, channel=Channel.ONLINE, language=language
    )


def _due_now() -> None:
    """Time moves on: every queued task is due."""
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))


def test_a_place_from_the_waiting_list_and_a_cancellation_are_mailed_once(
    session: Session, editor: User, run_worker: Callable[[], None]
) -> None:
    anna = _register(session, "Anna", "anna@example.org")
    bernd = _register(session, "Bernd", "bernd@example.org", language="en")
    mail.outbox.clear()
    services.registration_cancel(registration=anna, actor=editor)
    run_worker()
    run_worker()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["anna@example.org", "bernd@example.org"]
    assert len(mail.outbox) == 2

    cancelled = by_address["anna@example.org"]
    assert cancelled.subject.startswith("Abgemeldet: Online-Termine buchen am ")
    assert "Guten Tag Anna," in cancelled.body and "ist storniert" in cancelled.body
    assert f"{SITE}/schulungen/" in cancelled.body
    moved_up = by_address["bernd@example.org"]
    # Bernd registered on the English pages.
    assert moved_up.subject.startswith("A place has become free: Online-Termine buchen")
    assert f"{SITE}/en/schulungen/abmelden/{bernd.cancel_token}/" in moved_up.body
    assert isinstance(moved_up, EmailMultiAlternatives)
    html, media_type = moved_up.alternatives[0]
    assert media_type == "text/html" and '<html lang="en">' in str(html)
    assert f'href="{SITE}/en/schulungen/termin/{session.pk}/"' in str(html)
    # Done, and the personal data stay out of the trail.
    assert not Notice.objects.filter(done_at__isnull=True).exists()
    assert not AuditEntry.objects.filter(object_type="training.registration").exists()


def test_the_reminder_goes_out_days_before_and_only_once(
    session: Session, editor: User, run_worker: Callable[[], None]
) -> None:
    _register(session, "Anna", "anna@example.org")
    mail.outbox.clear()
    run_worker()  # three days early: nothing is due
    assert mail.outbox == []
    reminder = DBTaskResult.objects.get(task_path__endswith="send_reminders")
    assert abs(reminder.run_after - (session.starts_at - timedelta(days=2))) < timedelta(seconds=1)
    _due_now()
    run_worker()
    assert [m.subject[:22] for m in mail.outbox] == ["Erinnerung: Online-Ter"]
    assert "Sie haben einen Platz in „Online-Termine buchen“" in mail.outbox[0].body
    assert f"{SITE}/schulungen/abmelden/" in mail.outbox[0].body
    # Another run of the same reminder (a retry, a second worker) sends nothing more.
    services.session_save(actor=editor, session=session)
    _register(session, "Cem", "cem@example.org")
    send_reminders.enqueue(session_id=session.pk, starts_at=session.starts_at.timestamp())
    run_worker()
    assert len(mail.outbox) == 1


def test_a_moved_session_is_reminded_at_its_new_time(
    session: Session, editor: User, run_worker: Callable[[], None]
) -> None:
    _register(session, "Anna", "anna@example.org")
    session = Session.objects.get(pk=session.pk)
    session.starts_at += timedelta(days=7)
    session.ends_at += timedelta(days=7)
    services.session_save(actor=editor, session=session)
    run_worker()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Neuer Termin"]
    mail.outbox.clear()
    # The task for the old time is due: the session has moved, nobody is reminded yet.
    DBTaskResult.objects.filter(run_after__lt=timezone.now() + timedelta(days=4)).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    run_worker()
    assert mail.outbox == []
    _due_now()
    run_worker()
    assert len(mail.outbox) == 1


def test_a_new_time_or_place_is_told_to_everyone_at_each_move(
    session: Session, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    _register(session, "Anna", "anna@example.org")
    _register(session, "Ben", "ben@example.org")  # on the waiting list: he hears it too
    phone = services.registration_create(
        session=session, name="Frau K.", contact="0234 98765", channel=Channel.PHONE, actor=editor
    )
    run_worker()
    mail.outbox.clear()

    # More places are no news to those who have one (Ben moves up and hears of that).
    session = Session.objects.get(pk=session.pk)
    session.capacity = 3
    services.session_save(actor=editor, session=session)
    run_worker()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Ein Platz ist frei geworden"]
    mail.outbox.clear()

    # The form says before saving who will hear of a new time.
    form = client_for(editor).get(f"/schulungen/termin/{session.pk}/bearbeiten/").content.decode()
    assert "wird allen Angemeldeten und Wartenden mitgeteilt" in form
    session.starts_at += timedelta(days=1, hours=2)
    session.ends_at += timedelta(days=1, hours=2)
    services.session_save(actor=editor, session=session)
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "ben@example.org"]
    new_day = f"{timezone.localtime(session.starts_at):%d.%m.%Y}"
    assert mail.outbox[0].subject == f"Neuer Termin: Online-Termine buchen am {new_day}"
    assert "ist verlegt" in mail.outbox[0].body
    assert f"{SITE}/schulungen/abmelden/" in mail.outbox[0].body
    told = [str(n.get_kind_display()) for n in calls_due(session) if n.registration == phone]
    assert "Termin verlegt" in told

    # Moved again, to another room: told again, and the call list names it once.
    mail.outbox.clear()
    session.place = "Rathaus, Raum 12"
    services.session_save(actor=editor, session=session)
    run_worker()
    assert len(mail.outbox) == 2 and "Rathaus, Raum 12" in mail.outbox[0].body
    moved_calls = [n for n in calls_due(session) if n.kind == "session_moved"]
    assert [n.registration for n in moved_calls] == [phone]


def test_staff_call_a_session_off_and_everyone_is_told(
    session: Session, editor: User, client_for: ClientFor, run_worker: Callable[[], None]
) -> None:
    _register(session, "Anna", "anna@example.org")
    services.registration_create(
        session=session, name="Frau K.", contact="0234 98765", channel=Channel.PHONE, actor=editor
    )
    mail.outbox.clear()
    staff = client_for(editor)
    url = f"/schulungen/termin/{session.pk}/absagen/"
    asked = staff.get(url).content.decode()
    assert "2 Personen sind angemeldet oder warten." in asked
    done = staff.post(url, follow=True).content.decode()
    assert "Der Termin ist abgesagt." in done
    assert "Frau K.</strong>, 0234 98765: Termin abgesagt" in done
    session.refresh_from_db()
    assert session.cancelled_at is not None
    # Public: the session is off the list, its page says so, no one registers any more.
    public = Client()
    assert f"/schulungen/termin/{session.pk}/" not in public.get("/schulungen/").content.decode()
    page = public.get(session.get_absolute_url()).content.decode()
    assert "Dieser Termin ist abgesagt." in page and 'name="contact"' not in page
    refused = public.post(session.get_absolute_url(), {"name": "Z", "contact": "z@example.org"})
    assert refused.status_code == 400 and "Dieser Termin ist abgesagt." in refused.content.decode()
    # The call-off is a public change; who was registered is not.
    assert AuditEntry.objects.filter(object_type="training.session").count() == 2

    run_worker()
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert mail.outbox[0].subject.startswith("Abgesagt: Online-Termine buchen am ")
    assert "fällt leider aus" in mail.outbox[0].body
    # The reminder of a called-off session does not go out.
    _due_now()
    run_worker()
    assert len(mail.outbox) == 1


def test_the_call_list_is_the_offices_and_emptied_by_calling(
    session: Session,
    editor: User,
    other_editor: User,
    client_for: ClientFor,
    run_worker: Callable[[], None],
) -> None:
    first = services.registration_create(
        session=session, name="Frau K.", contact="0234 98765", channel=Channel.PHONE, actor=editor
    )
    services.registration_create(
        session=session, name="Herr L.", contact="0234 55555", channel=Channel.PHONE, actor=editor
    )
    _due_now()
    run_worker()
    url = f"/schulungen/termin/{session.pk}/anrufliste.pdf"
    assert Client().get(url).status_code == 404
    assert client_for(other_editor).get(url).status_code == 403
    staff = client_for(editor)
    response = staff.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    day = f"{timezone.localtime(session.starts_at):%d.%m.%Y}"
    reader = assert_accessible_pdf(
        response.content, title=f"Anrufliste: Online-Termine buchen, {day}", language="de"
    )
    assert "/Table" in structure_tags(reader.root_object["/StructTreeRoot"])
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Frau K." in text and "0234 98765" in text and "Erinnerung an den Termin" in text

    # Frau K. is cancelled by the office: Herr L. moves up; she hears of the cancellation.
    staff.post(
        f"/schulungen/termin/{session.pk}/anmeldungen/",
        {"action": "cancel", "registration": str(first.pk)},
    )
    calls = {(n.registration.name, n.kind) for n in _calls(session)}
    assert calls == {("Frau K.", "cancelled"), ("Herr L.", "moved_up")}
    page = staff.get(f"/schulungen/termin/{session.pk}/anmeldungen/").content.decode()
    assert "Von der Warteliste nachgerückt" in page
    for notice in _calls(session):
        staff.post(
            f"/schulungen/termin/{session.pk}/anmeldungen/",
            {"action": "called", "notice": str(notice.pk)},
        )
    assert list(_calls(session)) == []
    assert (
        "Niemand muss angerufen werden."
        in staff.get(f"/schulungen/termin/{session.pk}/anmeldungen/").content.decode()
    )
    # Nonsense in the form is a 404, not an error of the server.
    bad = staff.post(
        f"/schulungen/termin/{session.pk}/anmeldungen/", {"action": "called", "notice": "x"}
    )
    assert bad.status_code == 404
    assert not AuditEntry.objects.filter(object_type="training.notice").exists()


def _calls(session: Session) -> list[Notice]:
    return list(calls_due(session))
