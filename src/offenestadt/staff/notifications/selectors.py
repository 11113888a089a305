"""A person's notice choices as the preferences page shows them."""

from django.conf import settings

from offenestadt.accounts.models import User
from offenestadt.staff.notifications.models import NoticeChoice, NoticeKind, NoticeLanguage


def notices_chosen_by(user: User) -> set[NoticeKind]:
    """The kinds ``user`` gets: all but those turned off."""
    off = set(NoticeChoice.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return {kind for kind in NoticeKind if kind not in off}


def notice_language_of(user: User) -> str:
    chosen = NoticeLanguage.objects.filter(user=user).first()
    return chosen.language if chosen is not None else settings.LANGUAGE_CODE
