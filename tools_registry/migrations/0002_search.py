"""Full-text search on PostgreSQL: French stemming without accents, and a GIN index on the vector.

On other databases (SQLite, the embedded default) this migration does nothing: search falls back to
simple matching there.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS tool_search_vector_idx ON tools_registry_tool USING GIN (search_vector);
"""

DROP = "DROP INDEX IF EXISTS tool_search_vector_idx;"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tools_registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
