"""A project's infrastructure is kept in the city's register (infrastructure.Asset, linked
to the project); its parts moved there in infrastructure's migration 0003."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_service_changes_on"),
        ("infrastructure", "0003_register_takes_project_infrastructure"),
    ]

    operations = [migrations.DeleteModel(name="InfrastructureAsset")]
