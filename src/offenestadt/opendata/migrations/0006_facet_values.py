"""Each dataset's themes, keywords and file formats as the facets count them, stored on its row
(PostgreSQL only; SQLite counts from the tables themselves).

package_search counts five facets over every match; joining the matches to 20,000 themes,
30,000 keywords and 20,000 distributions (and deduplicating formats per dataset) took most of
a search at 10,000 datasets. The column ``facet_values`` holds ``groups:<theme>``,
``tags:<keyword>`` and ``res_format:<format>`` (each format once), so the facets are one
unnest over the matches (search._count_and_facets).

The database keeps it: after every statement that writes themes, keywords or distributions a
trigger recounts the datasets it touched (locking their rows first, so that a recount sees what
a concurrent writer committed), and a new dataset row starts with what its rows in those
tables already hold. The models do not name the column, so the ORM's writes never see it.
"""

from typing import Any

from django.db import migrations

COLUMN = "facet_values"
SOURCES = ("opendata_datasettheme", "opendata_keyword", "opendata_distribution")
# The rows each statement wrote, as the trigger function reads them.
EVENTS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}

FUNCTIONS = f"""
CREATE FUNCTION opendata_dataset_facet_values(dataset bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT 'groups:' || theme FROM opendata_datasettheme WHERE dataset_id = dataset
        UNION ALL SELECT 'tags:' || name FROM opendata_keyword WHERE dataset_id = dataset
        UNION ALL SELECT DISTINCT 'res_format:' || format FROM opendata_distribution
            WHERE dataset_id = dataset
        ORDER BY 1
    )
$$;
CREATE FUNCTION opendata_dataset_facets_recount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT dataset_id) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT dataset_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT dataset_id) INTO touched
        FROM (SELECT dataset_id FROM new_rows UNION ALL SELECT dataset_id FROM old_rows) AS changed;
    END IF;
    -- Locked first, the rows are recounted by a statement that sees what writers committed
    -- while this one waited for them.
    PERFORM 1 FROM opendata_dataset WHERE id = ANY(touched) ORDER BY id FOR NO KEY UPDATE;
    UPDATE opendata_dataset AS d SET {COLUMN} = counted.facet_values
    FROM (SELECT id, opendata_dataset_facet_values(id) AS facet_values
          FROM unnest(touched) AS id) AS counted
    WHERE d.id = counted.id AND d.{COLUMN} IS DISTINCT FROM counted.facet_values;
    RETURN NULL;
END;
$$;
CREATE FUNCTION opendata_dataset_facets_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.{COLUMN} := opendata_dataset_facet_values(NEW.id);
    RETURN NEW;
END;
$$;
"""


def _triggers() -> list[tuple[str, str, str, str]]:
    """Name, table, event and transition tables of each recounting trigger."""
    return [
        (f"{table}_facets_{event.lower()}", table, event, transition)
        for table in SOURCES
        for event, transition in EVENTS.items()
    ]


def add(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE opendata_dataset ADD COLUMN {COLUMN} text[]")
    schema_editor.execute(FUNCTIONS)
    # Filled by rewriting the table (a changed type's USING): an UPDATE would leave every row
    # twice, and each search would read the dead copies until a VACUUM FULL.
    schema_editor.execute(
        f"ALTER TABLE opendata_dataset ALTER COLUMN {COLUMN} TYPE text[] "
        f"USING opendata_dataset_facet_values(id), ALTER COLUMN {COLUMN} SET NOT NULL"
    )
    schema_editor.execute(
        "CREATE TRIGGER opendata_dataset_facets_new BEFORE INSERT ON opendata_dataset "
        "FOR EACH ROW EXECUTE FUNCTION opendata_dataset_facets_new()"
    )
    for name, table, event, transition in _triggers():
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
            "FOR EACH STATEMENT EXECUTE FUNCTION opendata_dataset_facets_recount()"
        )


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _, _ in _triggers():
        schema_editor.execute(f"DROP TRIGGER {name} ON {table}")
    schema_editor.execute("DROP TRIGGER opendata_dataset_facets_new ON opendata_dataset")
    schema_editor.execute(
        "DROP FUNCTION opendata_dataset_facets_new(), opendata_dataset_facets_recount(), "
        "opendata_dataset_facet_values(bigint)"
    )
    schema_editor.execute(f"ALTER TABLE opendata_dataset DROP COLUMN {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0005_title_search_column")]
    operations = [migrations.RunPython(add, remove)]
