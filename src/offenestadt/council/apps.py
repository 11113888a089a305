from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "offenestadt.council"
    verbose_name = _("Rat")

    def ready(self) -> None:
        from offenestadt.core import pagecache
        from offenestadt.council.models import AgendaItem, Meeting

        # The calendar and the papers tell coming meetings from past ones.
        pagecache.changes_at(Meeting, "start", "end")
        pagecache.changes_at(AgendaItem, "start", "end")
