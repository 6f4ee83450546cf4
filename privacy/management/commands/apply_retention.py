from django.core.management.base import BaseCommand, CommandParser

from privacy import services
from privacy.tasks import apply_retention


class Command(BaseCommand):
    help = (
        "Efface les données personnelles dont la durée de conservation est écoulée ; --dry-run montre ce qui "
        "serait effacé sans rien changer ; --enqueue met l'effacement dans la file d'attente (pour cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="Lister ce qui serait effacé, sans effacer.")
        mode.add_argument(
            "--enqueue", action="store_true", help="Mettre l'effacement dans la file d'attente."
        )

    def handle(self, *args, dry_run: bool, enqueue: bool, **options) -> None:
        if enqueue:
            result = apply_retention.enqueue()
            self.stdout.write(f"Effacement des données échues mis en file d'attente ({result.id}).")
            return
        if dry_run:
            self.stdout.write("Simulation : rien n'est effacé.")
            for entry, rows in services.due():
                pks = list(rows.values_list("pk", flat=True))
                self.stdout.write(f"{entry.label} ({entry.model_label}) : {len(pks)}")
                if pks:
                    self.stdout.write("  " + ", ".join(str(pk) for pk in pks))
            return
        for entry, count in services.apply_retention():
            self.stdout.write(f"{entry.label} ({entry.model_label}) : {count} effacé(s)")
