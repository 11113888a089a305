"""E-mail from the platform: absolute links (no request to ask for the host) and sending
many messages in batches over one connection to the mail server."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.template.loader import render_to_string

# Messages go out in batches over one connection to the mail server.
MAIL_BATCH = 100


def site_url(path: str) -> str:
    """The absolute address of ``path`` for links in e-mails (SITE_URL, no request to ask)."""
    return settings.SITE_URL + path


def templated_email(
    *, subject: str, template: str, context: dict[str, object], to: str
) -> EmailMultiAlternatives:
    """An e-mail in plain text (``template``.txt) with an HTML alternative (``template``.html),
    both rendered in the active language."""
    email = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to]
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


def send_in_batches(messages: Iterable[EmailMessage]) -> int:
    """Send ``messages`` MAIL_BATCH at a time; returns how many were sent."""
    sent = 0
    batch: list[EmailMessage] = []
    for message in messages:
        batch.append(message)
        if len(batch) == MAIL_BATCH:
            sent += mailers.default.send_messages(batch) or 0
            batch = []
    if batch:
        sent += mailers.default.send_messages(batch) or 0
    return sent
