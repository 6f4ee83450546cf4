"""Questionnaire definitions (versioned JSON files shipped in survey/questionnaires/) and editions."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from survey.models import (
    CHOICE_TYPES,
    Choice,
    Edition,
    EditionStatus,
    Question,
    QuestionType,
    Scope,
    Section,
    validate_question_code,
)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "questionnaires"


def definition_path(name_or_file: str) -> Path:
    """A shipped definition by name (`2016`), or a file given by its path."""
    shipped = DEFINITIONS_DIR / f"{name_or_file}.json"
    if shipped.is_file():
        return shipped
    path = Path(name_or_file)
    if path.is_file():
        return path
    names = ", ".join(sorted(p.stem for p in DEFINITIONS_DIR.glob("*.json")))
    raise ValidationError(
        _("Questionnaire introuvable : %(name)s (questionnaires livrés : %(names)s).")
        % {"name": name_or_file, "names": names}
    )


def load_definition(name_or_file: str) -> dict:
    path = definition_path(name_or_file)
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("Fichier de questionnaire illisible : %(error)s") % {"error": error}
        ) from None
    check_definition(definition)
    definition.setdefault("name", path.stem)
    return definition


def check_definition(definition: dict) -> None:
    """Reject a definition whose codes or conditions are inconsistent, saying where."""
    errors: list[str] = []
    seen: dict[str, dict] = {}
    sections = definition.get("sections") or []
    if not sections:
        errors.append(_("Le questionnaire n'a aucune partie."))
    for section in sections:
        for question in section.get("questions") or []:
            code = question.get("code", "")
            if not code:
                errors.append(
                    _("Une question de la partie %(section)s n'a pas de code.") % {"section": section}
                )
            if code in seen:
                errors.append(_("Code de question en double : %(code)s.") % {"code": code})
            try:
                validate_question_code(code)
            except ValidationError as error:
                errors.extend(error.messages)
            seen[code] = question
            if question.get("type") not in QuestionType.values:
                errors.append(_("Type inconnu pour %(code)s.") % {"code": code})
            if question.get("type") in CHOICE_TYPES and not question.get("choices"):
                errors.append(_("La question %(code)s n'a pas de choix.") % {"code": code})
            if question.get("type") == QuestionType.RANKING and not question.get("max_choices"):
                errors.append(_("Le classement %(code)s n'a pas de nombre maximal.") % {"code": code})
            choice_codes = [choice["code"] for choice in question.get("choices") or []]
            if len(set(choice_codes)) != len(choice_codes):
                errors.append(_("Code de choix en double dans %(code)s.") % {"code": code})
    for item in [*sections, *(q for s in sections for q in s.get("questions") or [])]:
        condition = item.get("shown_if")
        if not condition:
            continue
        target = seen.get(condition.get("question", ""))
        valid_choices = {choice["code"] for choice in (target or {}).get("choices") or []}
        if target is None or not set(condition.get("choices") or []) <= valid_choices or not valid_choices:
            errors.append(_("Condition invalide sur %(code)s.") % {"code": item.get("code")})
    if errors:
        raise ValidationError(errors)


def default_titles(code: str) -> tuple[str, str]:
    """The French and English titles of an edition created without one: the barometer's name and the
    edition's code (its year, usually), for the invitations and pages until staff reword them."""
    return (
        f"Baromètre de la démocratie locale numérique {code}",
        f"Digital local democracy barometer {code}",
    )


@transaction.atomic
def create_edition(
    *,
    code: str,
    definition: dict,
    title: str,
    title_en: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    publish: bool = False,
) -> Edition:
    """An empty edition with the questionnaire of `definition`; `publish` makes its results public.

    The title and the fieldwork dates belong to the edition, never to the questionnaire it reuses.
    """
    check_definition(definition)
    if Edition.objects.filter(code=code).exists():
        raise ValidationError(_("L'édition %(code)s existe déjà.") % {"code": code})
    edition = Edition(
        code=code,
        title=title.strip(),
        title_en=title_en.strip(),
        questionnaire=definition.get("name", ""),
        starts_on=starts_on,
        ends_on=ends_on,
        max_tools=definition.get("max_tools") or Edition._meta.get_field("max_tools").default,
        status=EditionStatus.PUBLISHED if publish else EditionStatus.DRAFT,
    )
    edition.full_clean()
    edition.save()
    questions: dict[str, Question] = {}
    conditions: list[tuple[Section | Question, dict]] = []
    for section_position, section_data in enumerate(definition["sections"], 1):
        section = Section.objects.create(
            edition=edition,
            code=section_data["code"],
            position=section_position,
            title=section_data["title"],
            title_en=section_data.get("title_en", ""),
            intro=section_data.get("intro", ""),
            intro_en=section_data.get("intro_en", ""),
            scope=section_data.get("scope", Scope.RESPONSE),
        )
        if section_data.get("shown_if"):
            conditions.append((section, section_data["shown_if"]))
        for position, data in enumerate(section_data["questions"], 1):
            question = Question.objects.create(
                edition=edition,
                section=section,
                code=data["code"],
                position=position,
                type=data["type"],
                scope=data.get("scope", section.scope),
                required=data.get("required", False),
                max_choices=data.get("max_choices"),
                multiline=data.get("multiline", False),
                label=data["label"],
                label_en=data.get("label_en", ""),
                help_text=data.get("help_text", ""),
                help_text_en=data.get("help_text_en", ""),
            )
            questions[question.code] = question
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    code=choice["code"],
                    position=choice_position,
                    label=choice["label"],
                    label_en=choice.get("label_en", ""),
                )
                for choice_position, choice in enumerate(data.get("choices") or [], 1)
            )
            if data.get("shown_if"):
                conditions.append((question, data["shown_if"]))
    for item, condition in conditions:
        item.shown_if_question = questions[condition["question"]]
        item.shown_if_choices = list(condition["choices"])
        item.save(update_fields=["shown_if_question", "shown_if_choices"])
    return edition


def edition_definition(edition: Edition) -> dict:
    """The definition of an edition's questionnaire, as stored (current wording, same codes)."""
    sections = []
    for section in edition.sections.select_related("shown_if_question").prefetch_related(
        "questions__choices", "questions__shown_if_question"
    ):
        sections.append(
            {
                "code": section.code,
                "scope": section.scope,
                "title": section.title,
                "title_en": section.title_en,
                "intro": section.intro,
                "intro_en": section.intro_en,
                **_condition(section),
                "questions": [
                    {
                        "code": question.code,
                        "type": question.type,
                        "scope": question.scope,
                        "required": question.required,
                        "max_choices": question.max_choices,
                        "multiline": question.multiline,
                        "label": question.label,
                        "label_en": question.label_en,
                        "help_text": question.help_text,
                        "help_text_en": question.help_text_en,
                        **_condition(question),
                        "choices": [
                            {"code": choice.code, "label": choice.label, "label_en": choice.label_en}
                            for choice in question.choices.all()
                        ],
                    }
                    for question in section.questions.all()
                ],
            }
        )
    return {
        "name": edition.questionnaire,
        "max_tools": edition.max_tools,
        "sections": sections,
    }


@transaction.atomic
def copy_edition(*, edition: Edition, code: str) -> Edition:
    """A new draft edition with the same questionnaire and codes; staff may then reword its labels.

    Its titles say it is a copy, so that the two editions are never mistaken for one another in lists
    and pages until staff give the new one its own title.
    """
    definition = edition_definition(edition)
    title_length = Edition._meta.get_field("title").max_length
    return create_edition(
        code=code,
        definition=definition,
        title=f"Copie de {edition.title}"[:title_length],
        title_en=f"Copy of {edition.title_en}"[:title_length] if edition.title_en else "",
    )


def _condition(item: Section | Question) -> dict:
    if item.shown_if_question is None:
        return {}
    return {"shown_if": {"question": item.shown_if_question.code, "choices": list(item.shown_if_choices)}}
