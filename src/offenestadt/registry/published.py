"""Records that are drafts until published: what the public sees of them, and what staff see."""

from typing import Self

from django.db import models

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal


class PublishedQuerySet[M: models.Model](models.QuerySet[M]):
    """Records with a ``published_at``: public once set, drafts until then."""

    def published(self) -> Self:
        return self.filter(published_at__isnull=False)

    def visible_to(self, user: Actor) -> Self:
        """Published records for everyone; drafts only for the city's internal roles."""
        if reads_internal(user):
            return self.all()
        return self.published()
