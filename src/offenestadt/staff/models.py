"""The models of the staff's workplace, each defined in its feature (notifications),
imported here so that Django registers them under the app ``staff``."""

from offenestadt.staff.notifications.models import NoticeChoice, NoticeKind, NoticeLanguage

__all__ = ["NoticeChoice", "NoticeKind", "NoticeLanguage"]
