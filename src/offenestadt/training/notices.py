"""Telling registered people what changed: a reminder some days before their session, a
place from the waiting list, a cancellation, a session moved or called off. Whoever gave an
e-mail address gets an e-mail (plain text and HTML, in the language they registered in,
links under SITE_URL) from the task worker; whoever gave a phone number is on the office's
call list (``call_list_pdf``).

Each notice is a row (``Notice``, one per registration and kind); the worker claims a row
before sending its e-mail, so no one gets the same e-mail twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from offenestadt.core.mail import send_in_batches, site_url, templated_email
from offenestadt.training.models import (
    Notice,
    NoticeKind,
    Registration,
    RegistrationStatus,
    Session,
)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    # Whether the person still has a place (or a place on the waiting list) to cancel.
    can_cancel: bool


def _when(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return _("%(day)s, %(start)s bis %(end)s Uhr") % {
        "day": formats.date_format(start, "l, j. F Y"),
        "start": formats.time_format(start, "TIME_FORMAT"),
        "end": formats.time_format(end, "TIME_FORMAT"),
    }


def message(notice: Notice) -> Message:
    """What the person is told, in the active language (e-mail and call list alike)."""
    registration = notice.registration
    session = registration.session
    words = {
        "course": session.course.title,
        "when": _when(session),
        "place": ", ".join(p for p in (session.place, session.district) if p),
        "day": formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT"),
    }
    kind = NoticeKind(notice.kind)
    if kind == NoticeKind.REMINDER:
        return Message(
            _("Erinnerung: %(course)s am %(day)s") % words,
            _("Sie haben einen Platz in „%(course)s“: %(when)s, %(place)s.") % words,
            can_cancel=True,
        )
    if kind == NoticeKind.MOVED_UP:
        return Message(
            _("Ein Platz ist frei geworden: %(course)s am %(day)s") % words,
            _(
                "Jemand hat abgesagt: Sie sind von der Warteliste nachgerückt und haben jetzt "
                "einen Platz in „%(course)s“: %(when)s, %(place)s."
            )
            % words,
            can_cancel=True,
        )
    if kind == NoticeKind.SESSION_MOVED:
        return Message(
            _("Neuer Termin: %(course)s am %(day)s") % words,
            _(
                "Der Termin „%(course)s“ ist verlegt. Er ist jetzt: %(when)s, %(place)s. "
                "Wenn Sie dann nicht können, melden Sie sich bitte ab, damit jemand anderes "
                "den Platz bekommt."
            )
            % words,
            can_cancel=True,
        )
    if kind == NoticeKind.CANCELLED:
        return Message(
            _("Abgemeldet: %(course)s am %(day)s") % words,
            _("Ihre Anmeldung für „%(course)s“ am %(when)s ist storniert.") % words,
            can_cancel=False,
        )
    return Message(
        _("Abgesagt: %(course)s am %(day)s") % words,
        _(
            "Der Termin „%(course)s“ am %(when)s, %(place)s, fällt leider aus. "
            "Sie müssen nichts tun."
        )
        % words,
        can_cancel=False,
    )


def _email(notice: Notice) -> EmailMultiAlternatives:
    registration = notice.registration
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        content = message(notice)
        context = {
            "name": registration.name,
            "message": content,
            "session_url": site_url(registration.session.get_absolute_url()),
            "cancel_url": site_url(registration.get_cancel_url()) if content.can_cancel else "",
            "list_url": site_url(reverse("training:list")),
            "office": registration.session.course.office,
            "site_name": settings.SITE_NAME,
        }
        return templated_email(
            subject=content.subject,
            template="training/notice_mail",
            context=context,
            to=registration.contact,
        )


def _claimed(notices: Iterable[Notice]) -> Iterable[Notice]:
    """The notices this run sends: each is marked done first, so a second run skips it."""
    for notice in notices:
        # unaudited: notices are about personal data, not a public record
        if Notice.objects.filter(pk=notice.pk, done_at__isnull=True).update(done_at=timezone.now()):
            yield notice


def notices_send(*, registration_ids: list[int], kind: str) -> int:
    """E-mail the notices of ``kind`` to these registrations that gave an e-mail address and
    have not had it yet; returns how many went out."""
    pending = (
        Notice.objects.filter(
            registration_id__in=registration_ids,
            kind=kind,
            done_at__isnull=True,
            registration__erased=False,
            registration__contact__contains="@",
        )
        .select_related("registration__session__course__office")
        .order_by("pk")
    )
    return send_in_batches(_email(notice) for notice in _claimed(list(pending)))


def notices_queue(*, registrations: list[Registration], kind: NoticeKind) -> None:
    """Hand the e-mails for these notices to the worker; it sends them once the change that
    called for them is committed (a rolled-back change leaves no task behind)."""
    ids = [r.pk for r in registrations if r.by_email and not r.erased]
    if ids:
        send_notices.enqueue(registration_ids=ids, kind=str(kind))


def reminder_time(session: Session) -> datetime:
    return session.starts_at - timedelta(days=settings.TRAINING_REMINDER_DAYS)


def reminders_schedule(*, session: Session) -> None:
    """Have the people with a place reminded TRAINING_REMINDER_DAYS before the session; call
    it when a session is added or moves. A task queued for an old time finds the session
    moved and does nothing."""
    send_reminders.using(run_after=reminder_time(session)).enqueue(
        session_id=session.pk, starts_at=session.starts_at.timestamp()
    )


def reminders_create(*, session_id: int, starts_at: float) -> list[int]:
    """The reminders of a session that still takes place when it was planned to; returns the
    registrations that have one now (e-mail and phone alike)."""
    session = Session.objects.filter(pk=session_id).first()
    if (
        session is None
        or session.is_cancelled
        or abs(session.starts_at.timestamp() - starts_at) >= 1
        or session.starts_at <= timezone.now()
    ):
        return []
    people = list(session.registrations.filter(status=RegistrationStatus.CONFIRMED, erased=False))
    # unaudited: notices are about personal data, not a public record
    Notice.objects.bulk_create(
        [Notice(registration=r, kind=NoticeKind.REMINDER) for r in people],
        ignore_conflicts=True,
    )
    return [r.pk for r in people]


@task()
def send_notices(registration_ids: list[int], kind: str) -> int:
    return notices_send(registration_ids=registration_ids, kind=kind)


@task()
def send_reminders(session_id: int, starts_at: float) -> int:
    """Queued by reminders_schedule for TRAINING_REMINDER_DAYS before the session."""
    reminded = reminders_create(session_id=session_id, starts_at=starts_at)
    return notices_send(registration_ids=reminded, kind=NoticeKind.REMINDER)
