from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfrastructureConfig(AppConfig):
    name = "offenestadt.infrastructure"
    verbose_name = _("Infrastrukturregister")
