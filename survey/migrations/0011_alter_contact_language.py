"""A contact's language: its help text says the link of the emails opens the questionnaire in it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0010_contact_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="language",
            field=models.CharField(
                choices=[("fr", "Français"), ("en", "English")],
                default="fr",
                help_text="L'invitation, les relances et le lien personnel sont écrits dans cette langue, et le lien qu'ils donnent ouvre le questionnaire dans cette langue (le sélecteur de langue du site permet d'en changer).",
                max_length=7,
                verbose_name="langue des courriels",
            ),
        ),
    ]
