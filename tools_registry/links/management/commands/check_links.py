from django.core.management.base import BaseCommand, CommandParser

from tools_registry.links import services
from tools_registry.links.tasks import check_links


class Command(BaseCommand):
    help = (
        "Vérifie maintenant l'adresse de chaque outil publié et affiche un bilan ; avec --enqueue, met la "
        "vérification dans la file d'attente (pour cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Mettre la vérification dans la file d'attente et rendre la main.",
        )

    def handle(self, *args, enqueue: bool, **options) -> None:
        if enqueue:
            result = check_links.enqueue()
            self.stdout.write(f"Vérification des liens mise en file d'attente ({result.id}).")
            return
        summary = services.run_pass()
        self.stdout.write(
            f"Adresses vérifiées : {summary.checked} ; joignables : {summary.reachable} ; "
            f"en échec : {summary.failing} ; "
            f"entrées dans la liste « à vérifier » : {summary.entered_review} ; "
            f"à vérifier en tout : {summary.to_review}."
        )
