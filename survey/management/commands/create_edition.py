from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.questionnaire import create_edition, load_definition


class Command(BaseCommand):
    help = "Crée une édition vide de l'enquête avec un questionnaire livré (2016) ou donné par un fichier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Code de l'édition, par exemple 2016.")
        parser.add_argument(
            "--questionnaire", required=True, help="Nom d'un questionnaire livré ou fichier JSON."
        )
        parser.add_argument("--publish", action="store_true", help="Publier les résultats de l'édition.")

    def handle(self, *args, code: str, questionnaire: str, publish: bool, **options) -> None:
        try:
            edition = create_edition(code=code, definition=load_definition(questionnaire), publish=publish)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        sections, questions = edition.sections.count(), edition.questions.count()
        status = edition.get_status_display()
        self.stdout.write(f"{edition} : {sections} parties, {questions} questions ({status}).")
