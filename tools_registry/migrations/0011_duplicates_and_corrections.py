"""Duplicates caught before they are stored, and the public's corrections.

The stored normalised address (`url_key`) is filled for the tools already there. pg_trgm gives the
similarity of names on PostgreSQL (nothing on SQLite, which compares normalised names). No trigram index
on the name: the comparison is always made within one collectivity, whose few tools the foreign key's
index finds; a GIN index would only slow every write of a tool.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from tools_registry.text import url_key

BATCH = 1000


def fill_url_keys(apps, schema_editor) -> None:
    Tool = apps.get_model("tools_registry", "Tool")
    tools = Tool.objects.exclude(url="").only("pk", "url").order_by("pk")
    batch = []
    for tool in tools.iterator(chunk_size=BATCH):
        tool.url_key = url_key(tool.url)
        batch.append(tool)
        if len(batch) == BATCH:
            Tool.objects.bulk_update(batch, ["url_key"])
            batch = []
    Tool.objects.bulk_update(batch, ["url_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("tools_registry", "0010_provenance_and_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("url", "L'adresse web"),
                            ("name", "Le nom"),
                            ("description", "La description"),
                            ("collectivity", "La collectivité"),
                            ("software", "Le logiciel"),
                            ("ended", "L'outil n'est plus en service"),
                            ("other", "Autre chose"),
                        ],
                        max_length=12,
                        verbose_name="ce qui est inexact",
                    ),
                ),
                (
                    "proposed_value",
                    models.TextField(blank=True, max_length=5000, verbose_name="valeur proposée"),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True,
                        help_text="Donné avec son accord ; jamais publié.",
                        max_length=254,
                        verbose_name="courriel du contributeur",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "En attente de modération"),
                            ("accepted", "Acceptée"),
                            ("rejected", "Refusée"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="statut",
                    ),
                ),
                ("moderated_at", models.DateTimeField(blank=True, null=True, verbose_name="modérée le")),
                ("moderation_note", models.TextField(blank=True, verbose_name="note de modération")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="reçue le")),
            ],
            options={
                "verbose_name": "correction proposée",
                "verbose_name_plural": "corrections proposées",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="historicaltool",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="L'outil qui a repris cette fiche, doublon d'une autre : son adresse y redirige.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tools_registry.tool",
                verbose_name="fusionné dans",
            ),
        ),
        migrations.AddField(
            model_name="tool",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                help_text="L'outil qui a repris cette fiche, doublon d'une autre : son adresse y redirige.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="merged_tools",
                to="tools_registry.tool",
                verbose_name="fusionné dans",
            ),
        ),
        migrations.AddField(
            model_name="tool",
            name="url_key",
            field=models.CharField(
                blank=True, editable=False, max_length=500, verbose_name="adresse normalisée"
            ),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(fields=["url_key"], name="tool_url_key_idx"),
        ),
        migrations.AddConstraint(
            model_name="tool",
            constraint=models.CheckConstraint(
                condition=models.Q(("merged_into", models.F("pk")), _negated=True),
                name="tool_not_merged_into_itself",
            ),
        ),
        migrations.AddField(
            model_name="correction",
            name="moderated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="modérée par",
            ),
        ),
        migrations.AddField(
            model_name="correction",
            name="tool",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="corrections",
                to="tools_registry.tool",
                verbose_name="outil",
            ),
        ),
        migrations.AddIndex(
            model_name="correction",
            index=models.Index(fields=["status", "-created_at"], name="correction_status_created_idx"),
        ),
        migrations.AddConstraint(
            model_name="correction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ["url", "name", "description", "collectivity", "software", "ended", "other"])
                ),
                name="correction_valid_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="correction",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "accepted", "rejected"])),
                name="correction_valid_status",
            ),
        ),
        migrations.RunPython(fill_url_keys, migrations.RunPython.noop),
    ]
