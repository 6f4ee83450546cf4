"""The 2016 questionnaire asked digital_time and digital_cost under one identical label: editions created
from it before the fix get each question's own wording, unless staff reworded it since."""

from django.db import migrations

SHARED = (
    "Du point de vue de la participation citoyenne, le numérique est plutôt :",
    "From the point of view of citizen participation, digital technology is rather:",
)
WORDING = {
    "digital_time": (
        "Du point de vue du temps que la collectivité y consacre, le numérique au service de la participation "
        "citoyenne est plutôt :",
        "In terms of the time your authority spends on it, digital technology for citizen participation is "
        "rather:",
    ),
    "digital_cost": (
        "Du point de vue du budget de la collectivité, le numérique au service de la participation citoyenne "
        "est plutôt :",
        "In terms of your authority's budget, digital technology for citizen participation is rather:",
    ),
}


def reword(apps, schema_editor) -> None:
    Question = apps.get_model("survey", "Question")
    for code, (label, label_en) in WORDING.items():
        Question.objects.filter(code=code, label=SHARED[0]).update(label=label)
        Question.objects.filter(code=code, label_en=SHARED[1]).update(label_en=label_en)


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0006_response_imports_public_link_label"),
    ]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
