from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "offenestadt.opendata"
    verbose_name = _("Offene Daten")

    def ready(self) -> None:
        from offenestadt.core import pagecache
        from offenestadt.opendata.catalogue.models import (
            Dataset,
            DatasetTheme,
            Distribution,
            Keyword,
        )

        # On PostgreSQL a trigger keeps each dataset's facet values (migration 0006), which
        # the search's facets read instead of these tables.
        pagecache.rewritten_by(Dataset, DatasetTheme, Keyword, Distribution)
