from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "offenestadt.charter"
    verbose_name = _("Charta")

    def ready(self) -> None:
        # Each domain declares its rules in a `compliance` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("compliance")
