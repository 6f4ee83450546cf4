import argparse
import datetime
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from survey.questionnaire import create_edition, default_titles, load_definition


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {value}") from None


def read(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        raise CommandError("Création annulée : aucune édition n'a été créée.") from None


class Command(BaseCommand):
    help = (
        "Crée une édition vide de l'enquête, avec son titre et ses dates de terrain, sur un questionnaire "
        "livré (2016) ou donné par un fichier. Dans un terminal, demande ce que les options ne donnent pas ; "
        "sans --title, le titre est « Baromètre de la démocratie locale numérique <code> »."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Code de l'édition, par exemple 2026.")
        parser.add_argument(
            "--questionnaire", required=True, help="Nom d'un questionnaire livré ou fichier JSON."
        )
        parser.add_argument(
            "--title",
            help="Titre de l'édition (invitations et pages), en français ; par défaut, le nom du baromètre "
            "suivi du code.",
        )
        parser.add_argument("--title-en", default="", help="Titre de l'édition en anglais.")
        parser.add_argument("--starts-on", type=iso_date, help="Début du terrain (AAAA-MM-JJ).")
        parser.add_argument("--ends-on", type=iso_date, help="Fin du terrain (AAAA-MM-JJ).")
        parser.add_argument("--publish", action="store_true", help="Publier les résultats de l'édition.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ne rien demander, même dans un terminal.",
        )

    def handle(
        self,
        *args,
        code: str,
        questionnaire: str,
        title: str | None,
        title_en: str,
        starts_on: datetime.date | None,
        ends_on: datetime.date | None,
        publish: bool,
        interactive: bool,
        **options,
    ) -> None:
        try:
            definition = load_definition(questionnaire)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        default_title, default_title_en = default_titles(code)
        if interactive and sys.stdin.isatty():
            title = title or read(f"Titre de l'édition {code} (Entrée : « {default_title} ») : ")
            if not title_en:
                title_en = read(
                    f"Titre en anglais (Entrée : « {default_title_en} ») : "
                    if not title
                    else "Titre en anglais (facultatif) : "
                )
            starts_on = starts_on or self.ask_date("Début du terrain (AAAA-MM-JJ, facultatif) : ")
            ends_on = ends_on or self.ask_date("Fin du terrain (AAAA-MM-JJ, facultatif) : ")
        # Without a title, the edition is named after the barometer and its code, in both languages.
        defaulted = not (title or "").strip()
        if defaulted:
            title, title_en = default_title, title_en or default_title_en
        try:
            edition = create_edition(
                code=code,
                definition=definition,
                title=title,
                title_en=title_en,
                starts_on=starts_on,
                ends_on=ends_on,
                publish=publish,
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        sections, questions = edition.sections.count(), edition.questions.count()
        status = edition.get_status_display()
        self.stdout.write(f"{edition} : {sections} parties, {questions} questions ({status}).")
        if defaulted:
            self.stdout.write(
                f"Titre par défaut : « {edition.title} » / « {edition.title_en} » ; à reformuler dans "
                "l'administration si besoin (il figure dans les invitations et les pages de l'édition)."
            )
        if edition.starts_on is None or edition.ends_on is None:
            self.stdout.write("Dates de terrain à compléter dans l'administration avant d'ouvrir l'édition.")

    def ask_date(self, prompt: str) -> datetime.date | None:
        while True:
            answer = read(prompt)
            if not answer:
                return None
            try:
                return datetime.date.fromisoformat(answer)
            except ValueError:
                self.stderr.write(f"Date attendue au format AAAA-MM-JJ : {answer}")
