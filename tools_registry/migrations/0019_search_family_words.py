"""The stored search vectors take the words of each tool's family name, in French and English
(tools_registry.search): "budget" finds the participatory budgets whatever they are called.

The statement and the names are written here as they were when this migration was made, so that it does
the same whatever the code becomes; on SQLite there is no stored vector, nothing to do."""

from django.db import migrations

FAMILY_WORDS = {
    "urbanisme_participatif": "Application interactive d'urbanisme participatif "
    "Interactive participatory urban planning application",
    "forum": "Forum de discussion Discussion forum",
    "cartographie_participative": "Plateforme cartographique participative Participatory mapping platform",
    "open_data": "Plateforme de mise à disposition des données publiques (open data) "
    "Public data sharing platform (open data)",
    "sondage": "Plateforme de sondage en ligne Online survey platform",
    "budget_participatif": "Plateforme numérique pour le budget participatif "
    "Digital platform for participatory budgeting",
}

REFRESH = """
UPDATE tools_registry_tool AS tool SET search_vector =
    setweight(to_tsvector('french_unaccent', coalesce(tool.name, '')), 'A')
    || setweight(to_tsvector('french_unaccent', coalesce(collectivity.name, '') || ' '
                             || coalesce(tool.software, '')), 'B')
    || setweight(to_tsvector('french_unaccent', coalesce(tool.description, '') || ' '
                             || coalesce(tool.family_other, '')), 'C')
    {family_part}
FROM tools_registry_tool AS inner_tool
LEFT JOIN tools_registry_collectivity AS collectivity ON collectivity.id = inner_tool.collectivity_id
WHERE inner_tool.id = tool.id
"""


def _refresh(schema_editor, *, with_family: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    family_part, params = "", []
    if with_family:
        cases = " ".join("WHEN %s THEN %s" for _family in FAMILY_WORDS)
        family_part = (
            f"|| setweight(to_tsvector('french_unaccent', CASE tool.family {cases} ELSE '' END), 'D')"
        )
        params = [value for pair in FAMILY_WORDS.items() for value in pair]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REFRESH.format(family_part=family_part), params)


def forwards(apps, schema_editor) -> None:
    _refresh(schema_editor, with_family=True)


def backwards(apps, schema_editor) -> None:
    _refresh(schema_editor, with_family=False)


class Migration(migrations.Migration):
    dependencies = [
        ("tools_registry", "0018_tool_submitter_language"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
