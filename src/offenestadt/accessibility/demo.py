"""Demo statement, as the administration would write it after the suite's checks, and one
piece of feedback waiting in the administration's inbox."""

from django.utils import timezone

from offenestadt.accessibility import services
from offenestadt.accessibility.models import Conformance, Feedback
from offenestadt.accounts.models import User

GAPS = (
    "Vertragsdokumente, die Firmen als PDF liefern, sind nicht immer getaggt. Auf Wunsch "
    "senden wir Ihnen den Inhalt als Text.\n"
    "Ältere Anlagen zu Vorlagen des Rats kommen aus dem Ratsinformationssystem; für sie "
    "gilt dessen Erklärung zur Barrierefreiheit."
)


def load_demo() -> list[str]:
    statement = services.current_statement()
    if statement.pk is None:
        admin = User.objects.get(username="admin")
        statement.conformance = Conformance.PARTIAL
        statement.known_gaps = GAPS
        statement.checked_on = timezone.localdate()
        statement.method = (
            "Selbstbewertung: automatische Prüfung aller Seiten mit axe (WCAG 2.1 AA) bei "
            "1280, 360 und 320 Pixel Breite, Prüfung der PDF-Dokumente, Test mit Tastatur."
        )
        services.statement_save(actor=admin, statement=statement)
    if not Feedback.objects.exists():
        services.feedback_send(
            page="/vertraege/",
            message="Die Tabelle der Verträge liest mein Bildschirmleser Zeile für Zeile "
            "ohne Spaltenüberschriften vor.",
            contact="",
            source="demo",
        )
    return []
