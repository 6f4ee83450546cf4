"""The long response format: `response_id,subject,question_code,value,rank`, one answer value per row,
followed in every export by `donnees_fictives` (oui/non on every row; an import may have it or not and
refuses fictitious rows for an edition whose responses are real).

Import is all-or-nothing with row-numbered errors. Export is either `full` (every answer of the
submitted responses, opaque ids) or anonymised for publication (free text only where staff marked it
publishable; population suppressed where collectivity_type × population is shared by fewer than
`SMALL_CELL` responses, with companion notes saying so). Cells that a spreadsheet would read as a
formula are written with a leading `'`, and files in UTF-8 with a byte-order mark and CRLF line ends, as
every CSV of the site (tools_registry/safe_csv.py); import removes both, so a `full` export imports back
exactly.
"""

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.models import (
    RESPONSE_SUBJECT,
    Answer,
    Edition,
    Question,
    QuestionType,
    Response,
    ResponseOrigin,
    ResponseStatus,
    ResponseTool,
)
from tools_registry import safe_csv

COLUMNS = ["response_id", "subject", "question_code", "value", "rank"]
# The column, after the format's own, that says on every row whether the responses are fictitious
# (demonstration): every export writes it, and an import reads it when it is there.
FICTITIOUS = "donnees_fictives"
FICTITIOUS_CELLS = {"oui": True, "non": False, "true": True, "false": False, "1": True, "0": False}
SMALL_CELL = 5
TYPE_CODE, POPULATION_CODE = "collectivity_type", "population"
SUBJECT_PATTERN = re.compile(r"^T([1-9][0-9]?)$")


@dataclass
class ParsedResponse:
    rows: list[tuple[int, Question, int, str, int | None]] = field(default_factory=list)
    tools: int = 0


def fictitious_cell(fictitious: bool) -> str:
    return "oui" if fictitious else "non"


def row_ranges(rows: list[int]) -> str:
    """Row numbers as a reader takes them in: 2, 3, 4, 7 → « 2 à 4, 7 »."""
    spans: list[list[int]] = []
    for row in sorted(rows):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(
        str(first) if first == last else _("%(first)d à %(last)d") % {"first": first, "last": last}
        for first, last in spans
    )


def _reader(data: bytes | str) -> csv.DictReader:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Le fichier doit être encodé en UTF-8.")) from None
    reader = csv.DictReader(io.StringIO(data.removeprefix(safe_csv.BOM)))
    if [name.strip() for name in reader.fieldnames or []] not in (COLUMNS, [*COLUMNS, FICTITIOUS]):
        raise ValidationError(
            _("Ligne 1 : l'en-tête doit être exactement %(columns)s (suivi ou non de %(fictitious)s).")
            % {"columns": ",".join(COLUMNS), "fictitious": FICTITIOUS}
        )
    return reader


def parse_responses(edition: Edition, data: bytes | str) -> dict[str, ParsedResponse]:
    """Check every row against the edition's questionnaire; raise one error listing all bad rows."""
    questions = {q.code: q for q in Question.objects.filter(edition=edition).prefetch_related("choices")}
    choices = {code: {c.code for c in q.choices.all()} for code, q in questions.items()}
    existing = set(
        Response.objects.filter(edition=edition).exclude(import_id="").values_list("import_id", flat=True)
    )
    parsed: dict[str, ParsedResponse] = defaultdict(ParsedResponse)
    values: dict[tuple[str, int, str], list[tuple[str, int | None]]] = defaultdict(list)
    errors: list[str] = []
    fictitious_rows: list[int] = []
    real_edition = not edition.is_fictitious
    url_validator = URLValidator()

    def fail(row_number: int, message: str) -> None:
        errors.append(_("Ligne %(row)d : %(message)s") % {"row": row_number, "message": message})

    for row_number, raw in enumerate(_reader(data), 2):
        if None in raw or any(value is None for value in raw.values()):
            fail(row_number, _("nombre de colonnes incorrect."))
            continue
        response_id, subject_key, code, value, rank_text = (
            safe_csv.restore(raw[name].strip()) for name in COLUMNS
        )
        fictitious_text = raw.get(FICTITIOUS, "").strip().lower()
        if fictitious_text and fictitious_text not in FICTITIOUS_CELLS:
            fail(
                row_number,
                _("%(column)s doit valoir oui ou non : %(value)s.")
                % {"column": FICTITIOUS, "value": fictitious_text},
            )
            continue
        if FICTITIOUS_CELLS.get(fictitious_text) and real_edition:
            fictitious_rows.append(row_number)
            continue
        question = questions.get(code)
        if not response_id:
            fail(row_number, _("response_id manquant."))
            continue
        if response_id in existing:
            fail(
                row_number,
                _("la réponse %(id)s a déjà été importée dans cette édition.") % {"id": response_id},
            )
            continue
        if question is None:
            fail(row_number, _("code de question inconnu : %(code)s.") % {"code": code})
            continue
        subject = RESPONSE_SUBJECT
        if question.is_per_tool:
            match = SUBJECT_PATTERN.match(subject_key)
            if not match or int(match.group(1)) > edition.max_tools:
                fail(
                    row_number,
                    _("la question %(code)s porte sur un outil : subject doit valoir T1 à T%(max)d.")
                    % {"code": code, "max": edition.max_tools},
                )
                continue
            subject = int(match.group(1))
        elif subject_key:
            fail(
                row_number,
                _("la question %(code)s ne porte pas sur un outil : subject doit être vide.")
                % {"code": code},
            )
            continue
        if not value:
            fail(row_number, _("valeur vide."))
            continue
        rank = None
        if question.type == QuestionType.RANKING:
            if not rank_text:
                fail(row_number, _("rang manquant pour le classement %(code)s.") % {"code": code})
                continue
            if not rank_text.isdigit() or not 1 <= int(rank_text) <= (question.max_choices or 3):
                fail(
                    row_number,
                    _("rang invalide « %(rank)s » : de 1 à %(max)d pour %(code)s.")
                    % {"rank": rank_text, "max": question.max_choices or 3, "code": code},
                )
                continue
            rank = int(rank_text)
        elif rank_text:
            fail(row_number, _("rang donné pour %(code)s, qui n'est pas un classement.") % {"code": code})
            continue
        if question.has_choices and value not in choices[code]:
            fail(
                row_number,
                _("code de choix inconnu pour %(code)s : %(value)s.") % {"code": code, "value": value},
            )
            continue
        if question.type == QuestionType.URL:
            try:
                url_validator(value)
            except ValidationError:
                fail(row_number, _("adresse web invalide : %(value)s.") % {"value": value})
                continue
        if question.type == QuestionType.NUMBER:
            try:
                Decimal(value)
            except InvalidOperation:
                fail(row_number, _("nombre invalide : %(value)s.") % {"value": value})
                continue
        earlier = values[(response_id, subject, code)]
        if earlier and question.type not in (QuestionType.MULTIPLE, QuestionType.RANKING):
            fail(
                row_number, _("deuxième valeur pour la question à réponse unique %(code)s.") % {"code": code}
            )
            continue
        if question.has_choices and any(v == value for v, _r in earlier):
            fail(row_number, _("choix %(value)s répété pour %(code)s.") % {"value": value, "code": code})
            continue
        if rank is not None:
            if any(r == rank for _v, r in earlier):
                fail(row_number, _("rang %(rank)d répété pour %(code)s.") % {"rank": rank, "code": code})
                continue
            if len(earlier) >= (question.max_choices or 3):
                fail(
                    row_number,
                    _("plus de %(max)d rangs pour %(code)s.")
                    % {"max": question.max_choices or 3, "code": code},
                )
                continue
        earlier.append((value, rank))
        entry = parsed[response_id]
        entry.rows.append((row_number, question, subject, value, rank))
        entry.tools = max(entry.tools, subject)
    if fictitious_rows:
        errors.insert(
            0,
            ngettext(
                "Ligne %(rows)s : réponse fictive (%(column)s = oui), qui ne peut pas être importée dans "
                "l'édition %(code)s, dont les réponses sont réelles.",
                "Lignes %(rows)s : réponses fictives (%(column)s = oui), qui ne peuvent pas être importées "
                "dans l'édition %(code)s, dont les réponses sont réelles.",
                len(fictitious_rows),
            )
            % {"rows": row_ranges(fictitious_rows), "column": FICTITIOUS, "code": edition.code},
        )
    if errors:
        raise ValidationError(errors)
    return dict(parsed)


@transaction.atomic
def import_responses(*, edition: Edition, data: bytes | str) -> int:
    """Import a long-format file as submitted responses; nothing is imported if any row is wrong."""
    parsed = parse_responses(edition, data)
    now = timezone.now()
    for response_id, entry in parsed.items():
        response = Response.objects.create(
            edition=edition,
            import_id=response_id,
            origin=ResponseOrigin.IMPORT,
            status=ResponseStatus.SUBMITTED,
            submitted_at=now,
            tool_count=entry.tools,
        )
        ResponseTool.objects.bulk_create(
            ResponseTool(response=response, position=position) for position in range(1, entry.tools + 1)
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=question,
                subject=subject,
                rank=rank,
                **({"choice": value} if question.has_choices else {"text": value}),
            )
            for _row, question, subject, value, rank in entry.rows
        )
    return len(parsed)


@dataclass
class Export:
    rows: list[list[str]]
    notes: list[str]
    responses: int
    fictitious: bool = False

    def csv_text(self) -> str:
        """The file, whose last column says on every row whether the responses are fictitious."""
        cell = fictitious_cell(self.fictitious)
        return safe_csv.text([[*COLUMNS, FICTITIOUS], *([*row, cell] for row in self.rows)])

    def notes_text(self) -> str:
        return "\n".join(self.notes) + "\n"


def export_responses(*, edition: Edition, full: bool = False) -> Export:
    """The submitted responses of an edition in the long format (see the module's docstring)."""
    responses = list(
        Response.objects.counted().filter(edition=edition).order_by("pk").values_list("pk", flat=True)
    )
    opaque = {pk: f"R{index:05d}" for index, pk in enumerate(responses, 1)}
    answers = (
        Answer.objects.filter(response_id__in=responses)
        .select_related("question")
        .order_by("response_id", "subject", "question__section__position", "question__position", "rank", "pk")
    )
    if not full:
        answers = answers.publishable()
    answers = list(answers)
    notes = [
        ngettext(
            "Édition %(code)s — %(title)s : %(count)d réponse envoyée, "
            "format response_id,subject,question_code,value,rank,donnees_fictives.",
            "Édition %(code)s — %(title)s : %(count)d réponses envoyées, "
            "format response_id,subject,question_code,value,rank,donnees_fictives.",
            len(responses),
        )
        % {"code": edition.code, "title": edition.title, "count": len(responses)},
        _(
            "Les identifiants de réponse (R00001…) sont propres à ce fichier ; "
            "aucun nom, courriel ni jeton n'y figure."
        ),
        _(
            "Une cellule qui commence par =, +, -, @, une tabulation, un retour chariot ou une apostrophe "
            "est précédée d'une apostrophe (') pour qu'aucun tableur ne la lise comme une formule ; les "
            "nombres (-1,5) restent tels quels. Retirer cette première apostrophe rend la valeur "
            "(import_responses le fait)."
        ),
        _("Colonne %(column)s : « oui » si les réponses sont fictives (démonstration), « non » sinon.")
        % {"column": FICTITIOUS},
    ]
    if edition.is_fictitious:
        notes.insert(
            0,
            _(
                "DONNÉES FICTIVES : réponses inventées pour la démonstration, "
                "pas celles d'une enquête réelle."
            ),
        )
    suppressed: set[int] = set()
    if not full:
        suppressed, suppression_notes = _small_cells(answers)
        notes.append(
            _("Export anonymisé : textes libres publiés seulement s'ils ont été relus et marqués publiables.")
        )
        notes.extend(suppression_notes)
    else:
        notes.append(
            _("Export complet (usage interne) : toutes les réponses, y compris les textes libres non relus.")
        )
    rows = [
        [opaque[a.response_id], a.subject_key, a.question.code, a.choice or a.text, str(a.rank or "")]
        for a in answers
        if not (a.question.code == POPULATION_CODE and a.response_id in suppressed)
    ]
    return Export(rows=rows, notes=notes, responses=len(responses), fictitious=edition.is_fictitious)


def _small_cells(answers: list[Answer]) -> tuple[set[int], list[str]]:
    """Responses whose collectivity_type × population combination is shared by fewer than SMALL_CELL."""
    types: dict[int, str] = {}
    populations: dict[int, str] = {}
    for answer in answers:
        if answer.question.code == TYPE_CODE:
            types[answer.response_id] = answer.choice
        elif answer.question.code == POPULATION_CODE:
            populations[answer.response_id] = answer.choice
    combinations = Counter((types.get(pk, ""), population) for pk, population in populations.items())
    suppressed = {
        pk
        for pk, population in populations.items()
        if combinations[(types.get(pk, ""), population)] < SMALL_CELL
    }
    if not suppressed:
        return suppressed, [
            _(
                "Aucune valeur supprimée : chaque combinaison collectivity_type × population "
                "réunit au moins %(n)d réponses."
            )
            % {"n": SMALL_CELL}
        ]
    by_type = Counter(types.get(pk, "") or _("(non renseigné)") for pk in suppressed)
    notes = [
        ngettext(
            "Secret statistique : la valeur de population a été supprimée pour %(count)d réponse dont la "
            "combinaison collectivity_type × population réunit moins de %(n)d réponses.",
            "Secret statistique : la valeur de population a été supprimée pour %(count)d réponses dont la "
            "combinaison collectivity_type × population réunit moins de %(n)d réponses.",
            len(suppressed),
        )
        % {"count": len(suppressed), "n": SMALL_CELL}
    ]
    notes += [
        ngettext(
            "  collectivity_type = %(type)s : population supprimée pour %(count)d réponse.",
            "  collectivity_type = %(type)s : population supprimée pour %(count)d réponses.",
            count,
        )
        % {"type": kind, "count": count}
        for kind, count in sorted(by_type.items())
    ]
    return suppressed, notes
