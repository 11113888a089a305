"""The link in an e-mail that confirms a subscription or a support (double opt-in): a random
token of which only a hash is stored (absolute addresses for e-mails: core.mail.site_url).
"""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.proposals.models import SupportConfirmation


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Geben Sie eine gültige E-Mail-Adresse an.")}) from None
    return email


def with_new_link[Pending: (Subscription, SupportConfirmation)](
    model: type[Pending], found: Pending | None, **fields: Any
) -> tuple[Pending, str] | None:
    """A request waiting for its e-mail's link (``found``, or a new ``model`` with
    ``fields``) with a new link token; only the token's hash is stored. None when the same
    address asked twice at once: the other request sends the link."""
    token = secrets.token_urlsafe(32)
    if found is None:
        try:
            with transaction.atomic():
                found = model.objects.create(**fields, token_hash=hash_token(token))
        except IntegrityError:
            return None
    else:
        found.token_hash = hash_token(token)
        found.save(update_fields=["token_hash"])
    return found, token
