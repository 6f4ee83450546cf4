"""Files published with each edition: its indicators as CSV, and the codebook of its questionnaire."""

from django.http import HttpResponse

from survey.io import FICTITIOUS, fictitious_cell
from survey.models import Edition, Question
from tools_registry import safe_csv
from tools_registry.licences import SITE_LICENCE, link_header

INDICATOR_COLUMNS = [
    "edition",
    FICTITIOUS,
    "indicator",
    "label",
    "kind",
    "population",
    "question",
    "base",
    "mentions",
    "category",
    "category_label",
    "count",
    "percent",
    "ci_low",
    "ci_high",
    "first",
    "score",
]
CODEBOOK_COLUMNS = [
    "section",
    "section_scope",
    "question_code",
    "question_type",
    "scope",
    "label",
    "label_en",
    "shown_if_question",
    "shown_if_choices",
    "choice_code",
    "choice_label",
    "choice_label_en",
]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def indicator_rows(edition: Edition, items: list[dict], *, fictitious: bool) -> list[list[str]]:
    """One row per indicator, or per category for distributions and rankings."""
    rows = []
    for item in items:
        common = [
            edition.code,
            fictitious_cell(fictitious),
            item["code"],
            item["label"],
            item["kind"],
            item["population"],
            item["question"],
            item["base"],
            item.get("mentions", ""),
        ]
        if "categories" not in item:
            values = [item.get(name) for name in ("count", "percent", "ci_low", "ci_high")]
            rows.append([_text(v) for v in [*common, "", "", *values, "", ""]])
            continue
        for category in item["categories"]:
            values = [
                category["code"],
                category["label"],
                *(category.get(name) for name in ("count", "percent", "ci_low", "ci_high", "first", "score")),
            ]
            rows.append([_text(v) for v in [*common, *values]])
    return rows


def barometer_file(response: HttpResponse) -> HttpResponse:
    """A file of the barometer's results, saying its licence (RFC 8288) as the registry's files do."""
    response["Link"] = link_header(SITE_LICENCE)
    return response


def csv_response(columns: list[str], rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(safe_csv.text([columns, *rows]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return barometer_file(response)


def codebook(edition: Edition) -> dict:
    """The questionnaire as published: sections, questions, choices, labels and display conditions."""
    questions = (
        Question.objects.filter(edition=edition)
        .select_related("section", "section__shown_if_question", "shown_if_question")
        .prefetch_related("choices")
        .order_by("section__position", "position")
    )
    sections: dict[str, dict] = {}
    for question in questions:
        section = question.section
        entry = sections.setdefault(
            section.code,
            {
                "code": section.code,
                "title": section.title,
                "title_en": section.title_en,
                "scope": section.scope,
                "shown_if": _condition(section),
                "questions": [],
            },
        )
        entry["questions"].append(
            {
                "code": question.code,
                "type": question.type,
                "scope": question.scope,
                "label": question.label,
                "label_en": question.label_en,
                "max_choices": question.max_choices,
                "shown_if": _condition(question),
                "choices": [
                    {"code": choice.code, "label": choice.label, "label_en": choice.label_en}
                    for choice in question.choices.all()
                ],
            }
        )
    return {
        "edition": edition.code,
        "title": edition.title,
        "format": f"response_id,subject,question_code,value,rank,{FICTITIOUS}",
        "notes": [
            "subject : vide pour une question posée une fois par réponse ; T1, T2… pour l'outil décrit.",
            "value : code du choix (une ligne par choix retenu) ou texte libre publiable.",
            "rank : 1 à 3 pour un classement, vide sinon.",
            f"{FICTITIOUS} : oui pour des réponses inventées pour la démonstration, non sinon (fichier "
            "publié).",
            "Cellules : une apostrophe (') précède toute cellule qui commence par =, +, -, @, une "
            "tabulation, un retour chariot ou une apostrophe, sauf les nombres (-1,5), pour qu'aucun "
            "tableur ne la lise comme une formule ; retirer cette première apostrophe rend la valeur.",
        ],
        "sections": list(sections.values()),
    }


def codebook_rows(book: dict) -> list[list[str]]:
    rows = []
    for section in book["sections"]:
        section_condition = section["shown_if"] or {}
        for question in section["questions"]:
            condition = question["shown_if"] or section_condition
            common = [
                section["code"],
                section["scope"],
                question["code"],
                question["type"],
                question["scope"],
                question["label"],
                question["label_en"],
                condition.get("question", ""),
                " ".join(condition.get("choices", [])),
            ]
            choices = question["choices"] or [{"code": "", "label": "", "label_en": ""}]
            rows += [[*common, choice["code"], choice["label"], choice["label_en"]] for choice in choices]
    return rows


def _condition(item: object) -> dict | None:
    if getattr(item, "shown_if_question", None) is None:
        return None
    return {"question": item.shown_if_question.code, "choices": list(item.shown_if_choices)}
