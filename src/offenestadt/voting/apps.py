from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "offenestadt.voting"
    verbose_name = _("Abstimmungen")

    def ready(self) -> None:
        from offenestadt.core import pagecache
        from offenestadt.voting.models import Vote

        # A vote's page and the lists change when it opens, closes and may be counted.
        pagecache.changes_at(Vote, "opens_at", "closes_at", "results_after")
