from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "offenestadt.audit"
    verbose_name = _("Änderungsprotokoll")

    def ready(self) -> None:
        from offenestadt.audit.models import AuditEntry
        from offenestadt.core.pagecache import sql

        # A record's page shows its history: an entry about it freshens that page only.
        sql.reference(AuditEntry._meta.db_table, type_column="object_type", id_column="object_id")
