from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "offenestadt.staff"
    verbose_name = _("Arbeitsplatz")

    def ready(self) -> None:
        from offenestadt.audit.signals import record_saved
        from offenestadt.charter.gates import gate_refused
        from offenestadt.staff.notifications import services

        # Notices for staff follow what the audit trail records and what gates refuse.
        record_saved.connect(services.notice_for_saved_record, dispatch_uid="staff-notices")
        gate_refused.connect(services.notice_for_refusal, dispatch_uid="staff-notices")
