from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from survey.io import export_responses
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Exporte les réponses envoyées au format long, anonymisé pour publication (notes dans "
        "<fichier>.notes.txt) ou complet avec --full."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument("file", type=Path, help="Fichier CSV à écrire.")
        parser.add_argument("--full", action="store_true", help="Toutes les réponses (usage interne).")

    def handle(self, *args, edition: str, file: Path, full: bool, **options) -> None:
        edition_obj = edition_or_error(edition)
        result = export_responses(edition=edition_obj, full=full)
        file.write_text(result.csv_text(), encoding="utf-8", newline="")  # its CRLF line ends as they are
        notes = file.with_name(file.name + ".notes.txt")
        notes.write_text(result.notes_text(), encoding="utf-8")
        self.stdout.write(
            f"{result.responses} réponses, {len(result.rows)} lignes écrites dans {file} (notes : {notes})."
        )
