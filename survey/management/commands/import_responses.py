from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.io import import_responses
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Importe des réponses au format long (response_id,subject,question_code,value,rank) : tout ou rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument("file", type=Path, help="Fichier CSV en UTF-8.")

    def handle(self, *args, edition: str, file: Path, **options) -> None:
        edition_obj = edition_or_error(edition)
        try:
            count = import_responses(edition=edition_obj, data=file.read_bytes())
        except (OSError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("Rien n'a été importé.\n" + "\n".join(messages)) from None
        self.stdout.write(f"{count} réponses importées dans l'édition {edition}.")
