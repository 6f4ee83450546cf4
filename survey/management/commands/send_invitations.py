from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.invitations import refuse_unless_open, send_invitations
from survey.management.edition import edition_or_error


class Command(BaseCommand):
    help = (
        "Met en file d'attente l'invitation (ou la n-ième relance avec --reminder n) de chaque contact "
        "qui ne l'a pas encore reçue, à débit limité ; le worker (manage.py db_worker) les envoie. "
        "Relancer la commande n'envoie jamais deux fois le même courriel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition", help="Code de l'édition.")
        parser.add_argument(
            "--reminder", type=int, default=0, help="Numéro de la relance (1, 2…) ; 0 : invitation."
        )
        parser.add_argument(
            "--per-second", type=float, default=10, help="Débit maximal, en courriels par seconde."
        )
        parser.add_argument("--limit", type=int, default=None, help="N'envoyer que ce nombre de courriels.")

    def handle(
        self, *args, edition: str, reminder: int, per_second: float, limit: int | None, **options
    ) -> None:
        edition_obj = edition_or_error(edition)
        if reminder < 0 or per_second < 0 or (limit is not None and limit < 1):
            raise CommandError("--reminder et --per-second doivent être positifs, --limit au moins 1.")
        try:
            refuse_unless_open(edition_obj)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        report = send_invitations(edition=edition_obj, round=reminder, per_second=per_second, limit=limit)
        self.stdout.write(f"{report.queued} courriels mis en file d'attente.")
        if report.already_queued:
            self.stdout.write(
                f"{report.already_queued} déjà en file d'attente, pas ajoutés une seconde fois."
            )
