from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "offenestadt.core"
    verbose_name = _("Grundlagen")

    def ready(self) -> None:
        from offenestadt.core import checks  # noqa: F401  (registers the deployment checks)
