from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "offenestadt.processing"
    verbose_name = _("Verarbeitungstätigkeiten")
