from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "offenestadt.core"
    verbose_name = _("Grundlagen")

    def ready(self) -> None:
        from django.db.models import fields

        from offenestadt.core import checks  # noqa: F401  (registers the deployment checks)
        from offenestadt.core.pagecache import tracking

        # Every write invalidates the cached pages that showed what it changed.
        tracking.connect()

        # Django's blank choice of every select ("- Select an option -") has no German in
        # Django's catalogue; Django asks apps to set their own label here.
        fields.BLANK_CHOICE_LABEL = _("– bitte auswählen –")
