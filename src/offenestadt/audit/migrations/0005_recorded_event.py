"""The event "recorded": a record stored before its model was audited, taken into the trail
by `offenestadt audit backfill` after an upgrade.

Only the field's choices change, which the database does not see: state only, so SQLite does
not rebuild the table (which would drop its append-only and seal triggers)."""

from django.db import migrations, models

EVENTS = [
    ("created", "angelegt"),
    ("changed", "geändert"),
    ("status_changed", "Statuswechsel"),
    ("published", "veröffentlicht"),
    ("submitted", "eingereicht"),
    ("approved", "freigegeben"),
    ("returned", "zurückgegeben"),
    ("reopened", "wieder in Bearbeitung"),
    ("answered", "beantwortet"),
    ("hidden", "ausgeblendet"),
    ("kept", "nach Meldung belassen"),
    ("withdrawn", "zurückgezogen"),
    ("adopted", "beschlossen"),
    ("codes_issued", "Abstimmungscodes ausgegeben"),
    ("scanned", "auf personenbezogene Daten geprüft"),
    ("queued", "zur Anonymisierung eingereiht"),
    ("processing_started", "Anonymisierung begonnen"),
    ("processing_failed", "Anonymisierung fehlgeschlagen"),
    ("deleted", "gelöscht"),
    ("erased", "nach Ablauf der Aufbewahrungsfrist gelöscht"),
    ("recorded", "nachträglich in die Änderungshistorie aufgenommen"),
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_event")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="event",
                    field=models.CharField(
                        blank=True,
                        choices=EVENTS,
                        db_default="",
                        default="",
                        max_length=30,
                        verbose_name="Ereignis",
                    ),
                ),
            ],
        ),
    ]
