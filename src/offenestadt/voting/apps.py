from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "offenestadt.voting"
    verbose_name = _("Abstimmungen")
