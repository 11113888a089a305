"""The register of processing activities, its review by the DPO, and deletion on schedule."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_platform_register(**kwargs: Any) -> None:
    from offenestadt.processing.platform import platform_register_ensure

    platform_register_ensure()


class ProcessingConfig(AppConfig):
    name = "offenestadt.processing"
    verbose_name = _("Verarbeitungstätigkeiten")

    def ready(self) -> None:
        from offenestadt.core.retention import retention_period_source
        from offenestadt.processing import checks  # noqa: F401  (registers the retention check)
        from offenestadt.processing.retention import category_of

        # Apps ask the register how long a category is kept without importing it.
        retention_period_source(category_of)

        # Every installation lists the platform's own processings in its register.
        post_migrate.connect(_ensure_platform_register, sender=self)
