from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "offenestadt.charter"
    verbose_name = _("Charta")

    def ready(self) -> None:
        # Each domain declares its rules in a `compliance` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("compliance")

        from offenestadt.charter.comparison import content_summary
        from offenestadt.charter.engine import Status
        from offenestadt.charter.parameters import parameter_labels
        from offenestadt.core.display import register_labels, register_summary

        # A parameter's key stored in a record (a proposed change) reads as its name, and
        # the findings a record keeps (a council's override) as the scorecard shows them.
        register_labels(parameter_labels())
        register_labels(dict(Status.choices))
        register_labels(
            {
                "principle": _("Prinzip"),
                "rule": _("Regel"),
                "status": _("Ergebnis"),
                "message": _("Befund"),
                "fix_url": _("Beheben unter"),
            }
        )
        # A version's content in the public history: its principles and parameters, not
        # the whole document key by key.
        register_summary("charter.charterversion.content", content_summary)
