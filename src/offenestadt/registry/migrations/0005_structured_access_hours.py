"""Access channels get structured hours, district and step-free access (P5 compares them).

The old free-text opening hours are kept as a note; the structured hours start empty, so
P5 reports missing evidence until an editor enters them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_findings_keep_no_draft_titles"),
    ]

    operations = [
        migrations.RenameField(
            model_name="accesschannel",
            old_name="opening_hours",
            new_name="hours_note",
        ),
        migrations.AlterField(
            model_name="accesschannel",
            name="hours_note",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="Hinweis zu den Zeiten"
            ),
        ),
        migrations.AddField(
            model_name="accesschannel",
            name="hours",
            field=models.JSONField(
                blank=True, default=list, verbose_name="Öffnungs- oder Telefonzeiten"
            ),
        ),
        migrations.AddField(
            model_name="accesschannel",
            name="district",
            field=models.CharField(
                blank=True,
                help_text="Vor Ort: in welchem Stadtbezirk der Ort liegt.",
                max_length=100,
                verbose_name="Stadtbezirk",
            ),
        ),
        migrations.AddField(
            model_name="accesschannel",
            name="step_free",
            field=models.BooleanField(
                blank=True,
                help_text="Vor Ort: ohne Stufen, mit Rampe oder Aufzug. Leer lassen, wenn unbekannt.",
                null=True,
                verbose_name="Stufenlos erreichbar",
            ),
        ),
        migrations.AlterField(
            model_name="accesschannel",
            name="place",
            field=models.CharField(
                blank=True,
                help_text="Vor Ort: die Adresse; Telefon: die Nummer; Post: die Anschrift.",
                max_length=300,
                verbose_name="Ort oder Nummer",
            ),
        ),
    ]
