"""Atom feed of every public change."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.audit.models import AuditEntry
from offenestadt.audit.selectors import public_changes
from offenestadt.core.feeds import AtomFeed


class ChangesFeed(AtomFeed[AuditEntry, None]):
    title = _("Öffentliches Änderungsprotokoll")
    subtitle = _("Jede Änderung an öffentlichen Datensätzen, mit Hash-Kette.")

    def link(self) -> str:
        return reverse("audit:changes")

    def items(self) -> list[AuditEntry]:
        return list(public_changes()[:100])

    def item_title(self, item: AuditEntry) -> str:
        return f"{item.object_label}: {item.what_happened()}"

    def item_description(self, item: AuditEntry) -> str:
        return ", ".join(sorted(str(change.field) for change in item.readable_changes()))

    def item_link(self, item: AuditEntry) -> str:
        # The page that starts with this entry, however many came after it.
        return f"{reverse('audit:changes')}?vor={item.seq + 1}#eintrag-{item.seq}"

    def item_guid(self, item: AuditEntry) -> str:
        return f"urn:sha256:{item.entry_hash}"

    def item_pubdate(self, item: AuditEntry) -> datetime:
        return item.created_at

    def item_updateddate(self, item: AuditEntry) -> datetime:
        return item.created_at
