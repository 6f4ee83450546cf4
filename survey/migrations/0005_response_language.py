"""The language a response was answered in, that the emails about the tools it describes are written in:
French for the responses given before (the survey spoke French)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0004_personal_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="language",
            field=models.CharField(
                choices=[("fr", "Français"), ("en", "English")],
                default="fr",
                help_text="Celle des pages où les réponses ont été données : les courriels au répondant sur les outils décrits y sont écrits.",
                max_length=7,
                verbose_name="langue des réponses",
            ),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["fr", "en"])), name="survey_response_valid_language"
            ),
        ),
    ]
