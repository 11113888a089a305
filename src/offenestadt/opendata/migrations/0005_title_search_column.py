"""Each dataset's title as full-text search reads it, stored (PostgreSQL only; SQLite searches
without).

package_search ranks every match by its title (search.title_rank): computing the title's
vector for thousands of matches took most of a search at 10,000 datasets. A generated column
keeps it beside the title, written by PostgreSQL whenever the title changes; the models do not
name it, so SQLite and the ORM's writes never see it.
"""

from typing import Any

from django.db import migrations

TABLE = "opendata_dataset"
COLUMN = "title_search"


def add(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS "
            "(to_tsvector('german'::regconfig, COALESCE(title, '')::text)) STORED"
        )


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0004_catalogue_fragments")]
    operations = [migrations.RunPython(add, remove)]
