"""Names in natural order, accents and case ignored: « n° 2 » before « n° 10 », « Île-de-France » among the I.

On PostgreSQL, an ICU collation `natural_fr` and the catalogue's index in that order; on SQLite, the
collation of the same name is given to each connection (tools_registry.text) and no index is needed
for the small databases it serves.
"""

import django.db.models.functions.comparison
from django.db import migrations, models

CREATE = """
CREATE COLLATION IF NOT EXISTS natural_fr (provider = icu, locale = 'fr-u-kn-true');
CREATE INDEX IF NOT EXISTS tool_status_natural_name_idx
    ON tools_registry_tool (status, name COLLATE natural_fr, id);
"""

DROP = """
DROP INDEX IF EXISTS tool_status_natural_name_idx;
DROP COLLATION IF EXISTS natural_fr;
"""


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tools_registry", "0008_territory_siren")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.AlterModelOptions(
            name="collectivity",
            options={
                "ordering": [
                    django.db.models.functions.comparison.Collate(models.F("name"), "natural_fr"),
                    "pk",
                ],
                "verbose_name": "collectivité",
                "verbose_name_plural": "collectivités",
            },
        ),
        migrations.AlterModelOptions(
            name="tool",
            options={
                "ordering": [
                    django.db.models.functions.comparison.Collate(models.F("name"), "natural_fr"),
                    "pk",
                ],
                "verbose_name": "outil",
                "verbose_name_plural": "outils",
            },
        ),
        migrations.RemoveIndex(model_name="tool", name="tool_status_name_idx"),
    ]
