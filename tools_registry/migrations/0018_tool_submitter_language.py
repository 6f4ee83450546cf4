"""The language a tool was proposed in, that the emails to its submitter are written in: French for the
tools proposed before (their decision emails were French)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tools_registry", "0017_tool_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="tool",
            name="submitter_language",
            field=models.CharField(
                choices=[("fr", "Français"), ("en", "English")],
                default="fr",
                help_text="Celle de la page d'où vient la proposition : les courriels au contributeur y sont écrits.",
                max_length=7,
                verbose_name="langue du contributeur",
            ),
        ),
        migrations.AddConstraint(
            model_name="tool",
            constraint=models.CheckConstraint(
                condition=models.Q(("submitter_language__in", ["fr", "en"])),
                name="tool_valid_submitter_language",
            ),
        ),
    ]
