from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tools_registry.imports import import_file
from tools_registry.imports.report import render
from tools_registry.provenance import ImportFormat


class Command(BaseCommand):
    help = (
        "Importe des outils : une source publique (odf-observatoire, decidim-installations) ou l'export CSV "
        "du registre corrigé (registry-csv). Tout ou rien ; --dry-run analyse sans rien enregistrer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=ImportFormat.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Analyser le fichier sans rien enregistrer."
        )
        parser.add_argument(
            "--file-date",
            type=date.fromisoformat,
            help="Date du fichier (AAAA-MM-JJ), pour les lignes qui n'en donnent pas.",
        )

    def handle(
        self, *args, format: str, file: Path, dry_run: bool, file_date: date | None, **options
    ) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error.strerror}.") from None
        run, report = import_file(
            format=format, content=content, file_name=file.name, dry_run=dry_run, file_date=file_date
        )
        if report is None:
            raise CommandError(render(run.error))
        for line in report.lines():
            self.stdout.write(line)
