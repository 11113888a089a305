"""The ways people reach the city and take part: online, by phone, in person, by post.

A project's services name them, and so do contributions to a procedure and ballots in a vote.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PHONE = "phone", _("Telefon")
    IN_PERSON = "in_person", _("persönlich")
    POST = "post", _("Post")


# The ways that need no internet: the charter checks that a project does not take them away.
NON_DIGITAL_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON, Channel.POST})
