from django.core.management.base import BaseCommand, CommandParser

from barometre.demo import DEMO_STAFF_USERNAME, ensure_demo_staff
from barometre.results.demo_editions import load_barometer_demo
from tools_registry.demo import load_registry_demo
from tools_registry.demo_moderation import load_moderation_demo
from tools_registry.history import recorded_as
from tools_registry.imports import load_public_sources
from tools_registry.links.demo import load_link_review_demo
from tools_registry.territories import load_territories


class Command(BaseCommand):
    help = (
        "Charge la démonstration : territoires, outils réels des sources publiques, exemples du rapport "
        "2016, éditions fictives du baromètre, compte d'équipe ; les outils fictifs avec --fictitious-tools."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fictitious-tools",
            action="store_true",
            help="Ajouter aussi 55 outils fictifs (« Exemple fictif ») au registre.",
        )

    def handle(self, *args, fictitious_tools: bool, **options) -> None:
        # The edit history names the demo as the author of what it adds (imports name themselves).
        with recorded_as("demo"):
            self.load(fictitious_tools=fictitious_tools)

    def load(self, *, fictitious_tools: bool) -> None:
        for line in load_territories().lines():
            self.stdout.write(line)
        for name, report in load_public_sources():
            summary = report.lines()[0] if report else "déjà importé tel quel."
            self.stdout.write(f"{name} : {summary}")
        report = load_registry_demo(fictitious_tools=fictitious_tools)
        self.stdout.write(
            f"Démo : {report.tools_created} outils et {report.collectivities_created} collectivités ajoutés."
        )
        if load_link_review_demo():
            self.stdout.write("Démo : un outil fictif injoignable placé dans la liste « à vérifier ».")
        if load_moderation_demo():
            self.stdout.write(
                "Démo : un doublon fictif signalé et une correction fictive attendent la modération."
            )
        for line in load_barometer_demo():
            self.stdout.write(line)
        password = ensure_demo_staff()
        if password:
            self.stdout.write(
                self.style.WARNING(
                    f"Compte d'équipe de démonstration : {DEMO_STAFF_USERNAME} / {password}\n"
                    "Ce mot de passe n'est affiché qu'une fois (changepassword pour le remplacer)."
                )
            )
        else:
            self.stdout.write(f"Le compte d'équipe « {DEMO_STAFF_USERNAME} » existe déjà.")
