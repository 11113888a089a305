"""GIN indexes for the catalogue's full-text search on PostgreSQL (SQLite searches without).

The expressions are those of opendata.search.dataset_search_vector and
keyword_search_vector, written out here so the migration stays as it was applied.
"""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def _indexes() -> list[tuple[str, GinIndex]]:
    return [
        (
            "Dataset",
            GinIndex(
                SearchVector("title", weight="A", config="german")
                + SearchVector("description", weight="B", config="german"),
                name="dataset_search",
            ),
        ),
        ("Keyword", GinIndex(SearchVector("name", config="german"), name="keyword_search")),
    ]


def add(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes():
            schema_editor.add_index(apps.get_model("opendata", model), index)


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes():
            schema_editor.remove_index(apps.get_model("opendata", model), index)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
