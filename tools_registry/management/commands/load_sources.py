from django.core.management.base import BaseCommand, CommandParser

from tools_registry.imports import load_public_sources


class Command(BaseCommand):
    help = (
        "Importe les copies des sources publiques livrées avec le site (tools_registry/data/sources) : "
        "l'Observatoire open data des territoires et la liste des installations Decidim."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again", action="store_true", help="Importer même un fichier déjà importé tel quel."
        )

    def handle(self, *args, again: bool, **options) -> None:
        for name, report in load_public_sources(again=again):
            self.stdout.write(self.style.MIGRATE_HEADING(name))
            if report is None:
                self.stdout.write("Déjà importé tel quel (--again pour l'importer de nouveau).")
                continue
            for line in report.lines():
                self.stdout.write(line)
