"""Sending staff notices: who gets one, the e-mail (plain text and HTML, in the person's
language, links under SITE_URL), and the task the worker runs to send them.
"""

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from offenestadt.accounts.models import User
from offenestadt.core.mail import send_in_batches, site_url
from offenestadt.staff.notifications import notices
from offenestadt.staff.notifications.models import NoticeChoice, NoticeKind


def _addressees(kind: NoticeKind, record: models.Model, actor_id: int | None) -> list[User]:
    """Who gets the notice: not who acted, only with an address, and only if they want it."""
    turned_off = NoticeChoice.objects.filter(kind=kind, enabled=False).values("user")
    addressees = notices.recipients(kind, record).exclude(email="").exclude(pk__in=turned_off)
    if actor_id is not None:
        addressees = addressees.exclude(pk=actor_id)
    return list(addressees.select_related("notice_language").distinct().order_by("pk"))


def _language(user: User) -> str:
    chosen = getattr(user, "notice_language", None)
    return chosen.language if chosen is not None else settings.LANGUAGE_CODE


def _email(
    user: User, kind: NoticeKind, record: models.Model, reasons: list[str]
) -> EmailMultiAlternatives:
    with translation.override(_language(user)):
        content = notices.message(kind, record, reasons)
        context = {
            "message": content,
            "url": site_url(content.path),
            "preferences_url": site_url(reverse("staff:notice_choices")),
            "site_name": settings.SITE_NAME,
        }
        email = EmailMultiAlternatives(
            subject=content.subject,
            body=render_to_string("staff/notifications/notice_mail.txt", context),
            to=[user.email],
        )
        email.attach_alternative(
            render_to_string("staff/notifications/notice_mail.html", context), "text/html"
        )
    return email


def notices_send(
    *, kind: str, object_type: str, object_id: str, actor_id: int | None, reasons: list[str]
) -> int:
    """Send a notice to everyone who should get it; returns how many e-mails were sent.

    Nothing when the record has gone meanwhile.
    """
    model = apps.get_model(object_type)
    record = model._default_manager.filter(pk=object_id).first()
    if record is None:
        return 0
    notice_kind = NoticeKind(kind)
    return send_in_batches(
        _email(user, notice_kind, record, reasons)
        for user in _addressees(notice_kind, record, actor_id)
    )


@task()
def send_notice(
    kind: str, object_type: str, object_id: str, actor_id: int | None, reasons: list[str]
) -> int:
    return notices_send(
        kind=kind, object_type=object_type, object_id=object_id, actor_id=actor_id, reasons=reasons
    )
