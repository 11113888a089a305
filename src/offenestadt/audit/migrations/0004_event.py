"""Each entry names what happened in the city's terms: its event.

Entries written before have no event (the empty string); their payload, and so their
digest and the whole chain, stay exactly as they were (see AuditEntry.payload).

The column is added with plain ``ALTER TABLE … ADD COLUMN``: on SQLite, Django would
rebuild the table for a NOT NULL column, and dropping the old table drops its triggers
(append-only, seal). No stored entry is updated: the database default fills the old rows.
"""

from django.db import migrations, models

FORWARD = "ALTER TABLE audit_auditentry ADD COLUMN event varchar(30) DEFAULT '' NOT NULL"
BACKWARD = "ALTER TABLE audit_auditentry DROP COLUMN event"

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
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_seal")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.AddField(
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
