"""The language of a contact's emails: French for the contacts added before (the emails spoke French)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0009_question_code_not_reserved"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="language",
            field=models.CharField(
                choices=[("fr", "Français"), ("en", "English")],
                default="fr",
                help_text="L'invitation, les relances et le lien personnel sont écrits dans cette langue.",
                max_length=7,
                verbose_name="langue des courriels",
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["fr", "en"])), name="survey_contact_valid_language"
            ),
        ),
    ]
