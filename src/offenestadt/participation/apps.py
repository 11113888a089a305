from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "offenestadt.participation"
    verbose_name = _("Beteiligung")

    def ready(self) -> None:
        from offenestadt.core import pagecache
        from offenestadt.participation.procedures.models import Meeting

        # A procedure's meetings move from "coming" to "held" when they start.
        pagecache.changes_at(Meeting, "starts_at")
        from offenestadt.core.display import register_labels

        # The keys of a proposal's charter change (amendments.services.charter_change_clean)
        # as its history shows them.
        register_labels(
            {
                "text_de": _("Text (deutsch)"),
                "text_en": _("Text (englisch)"),
                "parameter": _("Parameter"),
                "value": _("Wert"),
                "check": _("Prüfung"),
                "bind": _("binden an das Prinzip"),
                "release": _("lösen vom Prinzip"),
                "new_principle": _("Neues Prinzip"),
                "title_de": _("Titel (deutsch)"),
                "title_en": _("Titel (englisch)"),
                "description_de": _("Beschreibung (deutsch)"),
                "description_en": _("Beschreibung (englisch)"),
            }
        )
