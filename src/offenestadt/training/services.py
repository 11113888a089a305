"""Writes of the training catalogue: courses and sessions through the audit path;
registrations as personal data outside it (never public, erased on schedule).

A session's places are counted under a lock on the session's row, so two people asking for
the last place at once get one place and one place on the waiting list; a cancellation moves
the first on the waiting list up in the same transaction.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.throttle import RateLimitedError, throttle_take
from offenestadt.training import rules
from offenestadt.training.models import (
    Channel,
    Course,
    Notice,
    NoticeKind,
    Registration,
    RegistrationStatus,
    Session,
)
from offenestadt.training.notices import notices_queue, reminders_schedule
from offenestadt.training.signals import courses_changed

REGISTRATION_THROTTLE_SCOPE = "training:registration"


@transaction.atomic
def course_save(*, actor: Actor, course: Course) -> Course:
    """Create or change a course; the public history shows each change."""
    adding = course._state.adding
    stored = None if adding else Course.objects.get(pk=course.pk)
    allowed = (
        rules.can_create_course(actor)
        and rules.offices_for_courses(actor).filter(pk=course.office_id).exists()
        if stored is None
        else rules.can_edit_course(actor, stored) and rules.can_edit_course(actor, course)
    )
    if not allowed:
        raise PermissionDenied(_("Nur die Dienststelle der Schulung ändert sie."))
    course.full_clean()
    save_record(
        record=course, actor=actor, event=AuditEvent.CREATED if adding else AuditEvent.CHANGED
    )
    # The project it supported before and the one it supports now are judged again.
    _projects_changed(course.project_id, stored.project_id if stored else None)
    return course


def _projects_changed(*project_ids: int | None) -> None:
    """Tell the project register which projects' courses changed (P4 reads them)."""
    projects = sorted({pk for pk in project_ids if pk is not None})
    if projects:
        courses_changed.send(sender=Course, projects=projects)


def _promote_waiting(session: Session) -> list[Registration]:
    """Move people up from the waiting list while the (locked) session has free places."""
    free = (
        session.capacity - session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    )
    if free <= 0:
        return []
    moved = list(
        session.registrations.filter(status=RegistrationStatus.WAITING).order_by(
            "created_at", "pk"
        )[:free]
    )
    for registration in moved:
        registration.status = RegistrationStatus.CONFIRMED
        # unaudited: a registration is personal data, not a public record
        registration.save(update_fields=["status"])
    _notify(moved, NoticeKind.MOVED_UP)
    return moved


def _notify(registrations: list[Registration], kind: NoticeKind) -> list[Notice]:
    """Note that these people must be told ``kind`` (once each): e-mails go out through the
    worker after the commit, phone numbers land on the office's call list."""
    # unaudited: notices are about personal data, not a public record
    created = Notice.objects.bulk_create(
        [Notice(registration=r, kind=kind) for r in registrations if not r.erased],
        ignore_conflicts=True,
    )
    notices_queue(registrations=registrations, kind=kind)
    return created


def _moved(stored: Session, session: Session) -> bool:
    """Whether the people registered must hear of a change: a new time or place."""
    return (stored.starts_at, stored.ends_at, stored.place) != (
        session.starts_at,
        session.ends_at,
        session.place,
    ) and not stored.has_ended


def _tell_of_the_move(session: Session) -> None:
    """Everyone with a place or waiting hears the new time and place, at each move again:
    an earlier move's notice (told or still on the call list) gives way to this one."""
    people = list(session.registrations.exclude(status=RegistrationStatus.CANCELLED))
    # unaudited: notices are about personal data, not a public record
    Notice.objects.filter(registration__in=people, kind=NoticeKind.SESSION_MOVED).delete()
    _notify(people, NoticeKind.SESSION_MOVED)


@transaction.atomic
def session_save(*, actor: Actor, session: Session) -> Session:
    """Create or change a date of a course. More places move the waiting list up; fewer
    places take no one's place away."""
    if not rules.can_edit_course(actor, session.course):
        raise PermissionDenied(_("Nur die Dienststelle der Schulung ändert ihre Termine."))
    adding = session._state.adding
    stored = None
    if not adding:
        stored = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        if not rules.can_edit_course(actor, stored.course):
            raise PermissionDenied(_("Nur die Dienststelle der Schulung ändert ihre Termine."))
    session.full_clean()
    save_record(
        record=session, actor=actor, event=AuditEvent.CREATED if adding else AuditEvent.CHANGED
    )
    if stored is None or stored.starts_at != session.starts_at:
        reminders_schedule(session=session)
    if stored is not None and not session.is_cancelled:
        if _moved(stored, session):
            _tell_of_the_move(session)
        _promote_waiting(session)
    _projects_changed(session.course.project_id)
    return session


@transaction.atomic
def session_cancel(*, actor: Actor, session: Session) -> Session:
    """Call a session off: it leaves the public list and everyone registered or waiting is
    told (by e-mail, or on the office's call list). The registrations stay for that list."""
    if not rules.can_edit_course(actor, session.course):
        raise PermissionDenied(_("Nur die Dienststelle der Schulung sagt ihre Termine ab."))
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.is_cancelled:
        return session
    if session.has_ended:
        raise ValidationError(_("Ein vergangener Termin kann nicht mehr abgesagt werden."))
    session.cancelled_at = timezone.now()
    save_record(record=session, actor=actor, event=AuditEvent.CHANGED)
    people = list(session.registrations.exclude(status=RegistrationStatus.CANCELLED))
    _notify(people, NoticeKind.SESSION_CANCELLED)
    _projects_changed(session.course.project_id)
    return session


@transaction.atomic
def notice_done(*, actor: Actor, notice: Notice) -> Notice:
    """Staff have told the person (on the phone, in a letter): off the call list."""
    notice = Notice.objects.select_related("registration__session__course").get(pk=notice.pk)
    if not rules.can_edit_course(actor, notice.registration.session.course):
        raise PermissionDenied(_("Nur die Dienststelle der Schulung führt ihre Anrufliste."))
    if notice.done_at is None:
        notice.done_at = timezone.now()
        # unaudited: notices are about personal data, not a public record
        notice.save(update_fields=["done_at"])
    return notice


@transaction.atomic
def session_attendance(*, actor: Actor, session: Session, attended: int) -> Session:
    """How many people came: a number only, no names."""
    if not rules.can_edit_course(actor, session.course):
        raise PermissionDenied(_("Nur die Dienststelle der Schulung trägt die Teilnahme ein."))
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.has_ended:
        raise ValidationError(
            {"attended_count": _("Die Teilnahme wird erst nach dem Termin eingetragen.")}
        )
    session.attended_count = attended
    session.full_clean()
    save_record(record=session, actor=actor, event=AuditEvent.CHANGED)
    return session


def _throttle(source: str) -> None:
    verdict = throttle_take(
        scope=REGISTRATION_THROTTLE_SCOPE,
        key=source,
        limit=settings.TRAINING_REGISTRATION_LIMIT,
        window_seconds=settings.TRAINING_REGISTRATION_WINDOW_SECONDS,
    )
    if not verdict.allowed:
        minutes = verdict.retry_after_minutes
        raise RateLimitedError(
            ngettext(
                "Zu viele Anmeldungen von diesem Anschluss; bitte in einer Minute noch einmal "
                "versuchen oder anrufen.",
                "Zu viele Anmeldungen von diesem Anschluss; bitte in %(minutes)s Minuten noch "
                "einmal versuchen oder anrufen.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=verdict.retry_after,
        )


@transaction.atomic
def registration_create(
    *,
    session: Session,
    name: str,
    contact: str,
    channel: Channel,
    actor: Actor | None = None,
    source: str = "",
    language: str = "",
) -> Registration:
    """Register someone for a session: a place while there is one, else the waiting list.

    Online (``channel`` ONLINE) anyone may, throttled by ``source`` (core.throttle.address_key);
    by phone or in person, staff of the course's office enter it (``actor``). ``language``:
    of the pages the person registered on, for their e-mails (else the site's).
    """
    if channel != Channel.ONLINE and (
        actor is None or not rules.can_edit_course(actor, session.course)
    ):
        raise PermissionDenied(
            _("Anmeldungen per Telefon oder vor Ort trägt die Dienststelle der Schulung ein.")
        )
    # The lock on the session's row makes the count of places and the insert one step.
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError(_("Dieser Termin ist abgesagt."))
    if session.starts_at <= timezone.now():
        raise ValidationError(_("Dieser Termin hat schon begonnen; Anmeldungen sind vorbei."))
    # A form sent twice (a double click, a reload) must not take a second place.
    if (
        session.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .filter(name__iexact=name.strip(), contact__iexact=contact.strip(), erased=False)
        .exists()
    ):
        raise ValidationError(
            _(
                "Diese Person ist für diesen Termin schon angemeldet (gleicher Name, gleiche "
                "Kontaktangabe)."
            )
        )
    registration = Registration(
        session=session,
        name=name,
        contact=contact,
        channel=channel,
        language=(language or settings.LANGUAGE_CODE)[:10],
    )
    confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    registration.status = (
        RegistrationStatus.CONFIRMED if confirmed < session.capacity else RegistrationStatus.WAITING
    )
    registration.full_clean()
    if channel == Channel.ONLINE:
        _throttle(source)
    # unaudited: a registration is personal data, not a public record
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: Actor | None = None
) -> list[Registration]:
    """Cancel a registration (the person by their link, with no ``actor``, or the office's
    staff); the first on the waiting list gets the place. Returns who moved up."""
    session = (
        Session.objects.select_for_update().select_related("course").get(pk=registration.session_id)
    )
    if actor is not None and not rules.can_edit_course(actor, session.course):
        raise PermissionDenied(_("Nur die Dienststelle der Schulung ändert Anmeldungen."))
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    registration.status = RegistrationStatus.CANCELLED
    # unaudited: a registration is personal data, not a public record
    registration.save(update_fields=["status"])
    if actor is not None or registration.by_email:
        # Who cancelled by their own link needs no call back.
        _notify([registration], NoticeKind.CANCELLED)
    if session.is_cancelled:
        return []
    return _promote_waiting(session)
