from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "offenestadt.overview"
    verbose_name = _("Stand des Programms")
