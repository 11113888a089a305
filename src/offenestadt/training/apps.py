from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "offenestadt.training"
    verbose_name = _("Schulungen")

    def ready(self) -> None:
        from offenestadt.core import pagecache
        from offenestadt.training.models import Session

        # Sessions leave the lists of places to book when they start, and end.
        pagecache.changes_at(Session, "starts_at", "ends_at")
