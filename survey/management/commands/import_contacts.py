from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.invitations import import_contacts
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Importe des contacts (email,name,role,collectivity_code) et dit quelles lignes sont rejetées "
        "et pourquoi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument("file", type=Path, help="Fichier CSV en UTF-8.")

    def handle(self, *args, edition: str, file: Path, **options) -> None:
        edition_obj = edition_or_error(edition)
        try:
            report = import_contacts(edition=edition_obj, data=file.read_bytes())
        except (OSError, ValidationError) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from None
        for line in report.lines():
            self.stdout.write(line)
