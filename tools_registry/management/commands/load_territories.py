from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from tools_registry.territories import DATA_FILE, load_territories


class Command(BaseCommand):
    help = "Charge (ou met à jour) le référentiel des territoires : communes, EPCI, départements, régions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="Fichier CSV compressé à charger.")

    def handle(self, *args, file: Path, **options) -> None:
        report = load_territories(file)
        for line in report.lines():
            self.stdout.write(line)
