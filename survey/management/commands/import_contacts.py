from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.invitations import import_contacts
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Importe des contacts (email,name,role,collectivity_code) : tout ou rien, les lignes rejetées "
        "dites avec leur numéro et pourquoi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument("file", type=Path, help="Fichier CSV en UTF-8.")

    def handle(self, *args, edition: str, file: Path, **options) -> None:
        edition_obj = edition_or_error(edition)
        try:
            report = import_contacts(edition=edition_obj, data=file.read_bytes())
        except (OSError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("\n".join(messages)) from None
        for line in report.lines():
            self.stdout.write(line)
