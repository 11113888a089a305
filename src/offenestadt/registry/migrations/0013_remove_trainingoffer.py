"""The project's training offers are gone: they are courses of the training catalogue now
(training 0003 moved each one, with its audit entries, before this removes the table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_service_point_closed_on"),
        ("training", "0003_courses_from_training_offers"),
    ]

    operations = [
        migrations.DeleteModel(
            name="TrainingOffer",
        ),
    ]
