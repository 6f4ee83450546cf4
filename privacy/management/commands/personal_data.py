import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from privacy import services


class Command(BaseCommand):
    help = (
        "Demandes des personnes : « export ADRESSE » écrit en JSON tout ce que le site détient sur cette "
        "adresse ; « erase ADRESSE » l'efface partout (les outils publiés et les chiffres restent). "
        "Chaque demande est journalisée sans l'adresse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--output", "-o", help="Fichier JSON à écrire (export ; par défaut la sortie standard)."
        )

    def handle(self, *args, action: str, email: str, output: str | None, **options) -> None:
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Adresse électronique invalide : {email}") from None
        if action == "erase":
            counts = services.erase_personal_data(address=email, via="commande")
            for model_label, count in counts.items():
                self.stdout.write(f"{model_label} : {count}")
            self.stdout.write(f"Effacé : {sum(counts.values())} ligne(s).")
            return
        data = services.export_personal_data(address=email, via="commande")
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Écrit : {output}")
        else:
            sys.stdout.write(text + "\n")
