from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.invitations import send_invitations
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Envoie l'invitation (ou la n-ième relance avec --reminder n) aux contacts qui ne l'ont pas encore "
        "reçue, par lots et à débit limité. Relancer la commande reprend là où elle s'est arrêtée."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument(
            "--reminder", type=int, default=0, help="Numéro de la relance (1, 2…) ; 0 : invitation."
        )
        parser.add_argument("--batch-size", type=int, default=100, help="Courriels par lot.")
        parser.add_argument(
            "--per-second", type=float, default=10, help="Débit maximal, en courriels par seconde."
        )
        parser.add_argument("--limit", type=int, default=None, help="N'envoyer que ce nombre de courriels.")

    def handle(
        self, *args, edition: str, reminder: int, batch_size: int, per_second: float, limit, **options
    ) -> None:
        edition_obj = edition_or_error(edition)
        if reminder < 0 or batch_size < 1 or per_second < 0:
            raise CommandError("--reminder, --batch-size et --per-second doivent être positifs.")
        if not edition_obj.is_open:
            raise CommandError(f"L'édition {edition} n'est pas ouverte aux réponses : rien n'a été envoyé.")
        report = send_invitations(
            edition=edition_obj, round=reminder, batch_size=batch_size, per_second=per_second, limit=limit
        )
        self.stdout.write(f"{report.sent} courriels envoyés.")
        if report.failed:
            self.stderr.write(
                f"{len(report.failed)} échecs (réessayés au prochain lancement) : {', '.join(report.failed)}"
            )
