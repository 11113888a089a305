"""A principle's id is the charter's to choose, up to 40 characters ("teilhabe-fuer-alle"):
the overall status per principle kept ten ("P1"), which PostgreSQL refused to store."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_remove_trainingoffer"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evaluatedprinciple",
            name="principle",
            field=models.CharField(max_length=40),
        ),
    ]
