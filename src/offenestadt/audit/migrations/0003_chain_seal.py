"""A copy of the chain's head that the database keeps itself: the seal.

A trigger on every appended audit entry writes the seal in the same transaction. On
PostgreSQL the trigger function runs with its owner's rights (SECURITY DEFINER), so the
application's role needs no write right on the seal, and a second trigger refuses any
other change to it. Existing chains are sealed at their current end.
"""

from django.db import migrations, models

GENESIS_HASH = "0" * 64

POSTGRES_FORWARD = """
CREATE FUNCTION audit_chain_seal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO {schema}.audit_chainseal (id, seq, entry_hash, appended)
    VALUES (1, NEW.seq, NEW.entry_hash, 1)
    ON CONFLICT (id) DO UPDATE SET
        seq = EXCLUDED.seq,
        entry_hash = EXCLUDED.entry_hash,
        appended = {schema}.audit_chainseal.appended + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER audit_chain_seal AFTER INSERT ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_chain_seal();
CREATE FUNCTION audit_chain_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'the audit chain seal is written only by the database';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_chain_seal_guard BEFORE UPDATE OR DELETE ON audit_chainseal
    FOR EACH ROW EXECUTE FUNCTION audit_chain_seal_guard();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER audit_chain_seal_guard ON audit_chainseal;
DROP FUNCTION audit_chain_seal_guard();
DROP TRIGGER audit_chain_seal ON audit_auditentry;
DROP FUNCTION audit_chain_seal();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_chain_seal AFTER INSERT ON audit_auditentry
BEGIN
    INSERT INTO audit_chainseal (id, seq, entry_hash, appended)
    VALUES (1, NEW.seq, NEW.entry_hash, 1)
    ON CONFLICT (id) DO UPDATE SET
        seq = excluded.seq, entry_hash = excluded.entry_hash, appended = appended + 1;
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER audit_chain_seal;"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
        schema_editor.execute(POSTGRES_FORWARD.replace("{schema}", schema))
    elif connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainSeal = apps.get_model("audit", "ChainSeal")
    newest = AuditEntry.objects.order_by("-seq").first()
    if newest is not None:
        ChainSeal.objects.create(
            pk=1, seq=newest.seq, entry_hash=newest.entry_hash, appended=AuditEntry.objects.count()
        )


def backward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="ChainSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("entry_hash", models.CharField(default=GENESIS_HASH, max_length=64)),
                ("appended", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
