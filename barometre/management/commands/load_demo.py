from django.core.management.base import BaseCommand

from barometre.demo import DEMO_STAFF_USERNAME, ensure_demo_staff
from barometre.demo_editions import load_barometer_demo
from tools_registry.demo import load_registry_demo
from tools_registry.links.demo import load_link_review_demo
from tools_registry.territories import load_territories


class Command(BaseCommand):
    help = (
        "Charge la démonstration : territoires, exemples du rapport 2016, outils fictifs, éditions fictives "
        "du baromètre, compte d'équipe."
    )

    def handle(self, *args, **options) -> None:
        for line in load_territories().lines():
            self.stdout.write(line)
        report = load_registry_demo()
        self.stdout.write(
            f"Démo : {report.tools_created} outils et {report.collectivities_created} collectivités ajoutés."
        )
        if load_link_review_demo():
            self.stdout.write("Démo : un outil fictif injoignable placé dans la liste « à vérifier ».")
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
