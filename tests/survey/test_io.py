import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from survey.io import export_responses, import_responses
from survey.models import Answer, OpenAnswer, Response
from tests.helpers import formula_cells
from tests.survey.helpers import TOOL, answer_everything, review_url

pytestmark = pytest.mark.django_db
HEADER = "response_id,subject,question_code,value,rank\n"


def long_file(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


def answer_set(edition) -> list[tuple]:
    """Every answer of an edition, without database or file ids: what indicators are computed on."""
    rows = Answer.objects.filter(question__edition=edition).select_related("question")
    by_response: dict[int, list] = {}
    for row in rows:
        by_response.setdefault(row.response_id, []).append(
            (row.subject, row.question.code, row.choice or row.text, row.rank)
        )
    return sorted(tuple(sorted(values)) for values in by_response.values())


VALID = long_file(
    "A,,collectivity_type,commune,",
    "A,,population,pop_10000_50000,",
    "A,,has_tool,oui,",
    "A,T1,tool_name,Budget participatif,",
    "A,T1,tool_objectives,idees,1",
    "A,T1,tool_objectives,informer,2",
    "A,T1,tool_hybrid_formats,barcamps,",
    "A,T2,tool_name,Carte participative,",
    "B,,collectivity_type,region,",
    "B,,respondent_service,Communication,",
)


def test_a_valid_file_is_imported_as_submitted_responses(edition) -> None:
    assert import_responses(edition=edition, data=VALID) == 2
    first = Response.objects.get(import_id="A")
    assert first.is_submitted and first.tool_count == 2 and first.collectivity is None
    ranks = Answer.objects.filter(response=first, question__code="tool_objectives").order_by("rank")
    assert [(a.choice, a.rank, a.subject) for a in ranks] == [("idees", 1, 1), ("informer", 2, 1)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["A,,collectivity_type,commune,", "A,,mystery,oui,"],
            "Ligne 3 : code de question inconnu : mystery.",
        ),
        (["A,,collectivity_type,ville,"], "Ligne 2 : code de choix inconnu pour collectivity_type : ville."),
        (
            ["A,,collectivity_type,commune,", "A,,collectivity_type,region,"],
            "Ligne 3 : deuxième valeur pour la question à réponse unique collectivity_type.",
        ),
        (
            ["A,,respondent_service,Com,", "A,,respondent_service,Numérique,"],
            "Ligne 3 : deuxième valeur pour la question à réponse unique respondent_service.",
        ),
        (["A,T1,tool_objectives,idees,4"], "Ligne 2 : rang invalide « 4 » : de 1 à 3 pour tool_objectives."),
        (
            ["A,T1,tool_objectives,idees,1", "A,T1,tool_objectives,informer,1"],
            "Ligne 3 : rang 1 répété pour tool_objectives.",
        ),
        (
            [
                "A,T1,tool_objectives,idees,1",
                "A,T1,tool_objectives,informer,2",
                "A,T1,tool_objectives,signaler,3",
                "A,T1,tool_objectives,autre,3",
            ],
            "Ligne 5 : rang 3 répété pour tool_objectives.",
        ),
        (["A,T1,tool_objectives,idees,"], "Ligne 2 : rang manquant pour le classement tool_objectives."),
        (
            ["A,,tool_name,Budget,"],
            "Ligne 2 : la question tool_name porte sur un outil : subject doit valoir T1 à T5.",
        ),
        (
            ["A,T6,tool_name,Budget,"],
            "Ligne 2 : la question tool_name porte sur un outil : subject doit valoir T1 à T5.",
        ),
        (
            ["A,T1,has_tool,oui,"],
            "Ligne 2 : la question has_tool ne porte pas sur un outil : subject doit être vide.",
        ),
        (["A,,has_tool,oui,1"], "Ligne 2 : rang donné pour has_tool, qui n'est pas un classement."),
        (["A,T1,tool_url,pas une adresse,"], "Ligne 2 : adresse web invalide : pas une adresse."),
        ([",,has_tool,oui,"], "Ligne 2 : response_id manquant."),
        (["A,,has_tool,,"], "Ligne 2 : valeur vide."),
        (
            ["A,T1,tool_hybrid_formats,barcamps,", "A,T1,tool_hybrid_formats,barcamps,"],
            "Ligne 3 : choix barcamps répété pour tool_hybrid_formats.",
        ),
    ],
)
def test_each_rejection_names_its_row_and_nothing_is_imported(edition, rows, message) -> None:
    data = long_file("Z,,has_tool,non,", *rows)
    message = message.replace(f"Ligne {message.split()[1]}", f"Ligne {int(message.split()[1]) + 1}")
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=data)
    assert message in error.value.messages
    assert not Response.objects.exists()


def test_more_than_three_ranks_are_rejected(edition) -> None:
    data = long_file(
        *(f"A,T1,tool_objectives,{code},{rank}" for rank, code in enumerate(["idees", "informer"], 1))
    )
    data += "A,T1,tool_objectives,signaler,3\nA,T1,tool_objectives,autre,4\n"
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=data)
    assert "Ligne 5 : rang invalide « 4 » : de 1 à 3 pour tool_objectives." in error.value.messages


def test_a_wrong_header_is_rejected(edition) -> None:
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data="id,question,value\nA,has_tool,oui\n")
    assert (
        "Ligne 1 : l'en-tête doit être exactement response_id,subject,question_code,value,rank "
        "(suivi ou non de donnees_fictives)."
    ) in error.value.messages


def test_the_command_reports_every_error_and_imports_nothing(edition, tmp_path) -> None:
    path = tmp_path / "reponses.csv"
    path.write_text(
        long_file("A,,has_tool,oui,", "A,,mystery,x,", "B,,population,pop_huge,"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_responses", "2016", str(path))
    assert "Ligne 3 : code de question inconnu : mystery." in str(error.value)
    assert "Ligne 4 : code de choix inconnu pour population : pop_huge." in str(error.value)
    assert not Response.objects.exists()


def test_importing_the_same_file_twice_is_refused(edition) -> None:
    import_responses(edition=edition, data=VALID)
    with pytest.raises(ValidationError) as error:
        import_responses(edition=edition, data=VALID)
    assert "Ligne 2 : la réponse A a déjà été importée dans cette édition." in error.value.messages
    assert Response.objects.count() == 2


def test_a_full_export_imported_into_an_empty_edition_gives_identical_answers(
    client, contact, tmp_path
) -> None:
    answer_everything(
        client, contact, tools=[TOOL, {**TOOL, "tool_name": "Deuxième outil", "tool_hybrid": "non"}]
    )
    client.post(review_url(contact))
    import_responses(edition=contact.edition, data=VALID)
    path = tmp_path / "complet.csv"
    call_command("export_responses", "2016", str(path), "--full")
    call_command("create_edition", "2016-copie", "--questionnaire", "2016", "--title", "Copie")
    call_command("import_responses", "2016-copie", str(path))
    copy = Response.objects.filter(edition__code="2016-copie")
    assert copy.count() == 3
    assert answer_set(copy.first().edition) == answer_set(contact.edition)
    text = path.read_text(encoding="utf-8")
    assert contact.email not in text and contact.token not in text and "Camille" not in text
    again = tmp_path / "encore.csv"
    call_command("export_responses", "2016-copie", str(again), "--full")
    assert again.read_text(encoding="utf-8") == text


def submitted(edition, rows: list[tuple[str, str]], service: str = "") -> None:
    """Imported responses with a collectivity_type and population each (and optionally a service)."""
    lines = []
    for index, (kind, population) in enumerate(rows):
        lines += [f"R{index},,collectivity_type,{kind},", f"R{index},,population,{population},"]
        if service:
            lines.append(f"R{index},,respondent_service,{service} {index},")
    import_responses(edition=edition, data=long_file(*lines))


def test_the_anonymised_export_suppresses_population_in_small_cells_and_says_so(edition, tmp_path) -> None:
    submitted(edition, [("commune", "pop_10000_50000")] * 5 + [("region", "pop_gt_200000")] * 2)
    path = tmp_path / "public.csv"
    call_command("export_responses", "2016", str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    populations = [row["value"] for row in rows if row["question_code"] == "population"]
    assert populations == ["pop_10000_50000"] * 5
    combos = {}
    kinds = {row["response_id"]: row["value"] for row in rows if row["question_code"] == "collectivity_type"}
    for row in rows:
        if row["question_code"] == "population":
            combos.setdefault((kinds[row["response_id"]], row["value"]), 0)
            combos[(kinds[row["response_id"]], row["value"])] += 1
    assert all(count >= 5 for count in combos.values())
    notes = (tmp_path / "public.csv.notes.txt").read_text(encoding="utf-8")
    assert "la valeur de population a été supprimée pour 2 réponses" in notes
    assert "collectivity_type = region : population supprimée pour 2 réponses." in notes


def test_the_anonymised_export_has_no_identity_and_only_publishable_free_text(
    client, contact, edition
) -> None:
    answer_everything(client, contact)
    client.post(review_url(contact))
    submitted(edition, [("commune", "pop_10000_50000")] * 5, service="Service")
    OpenAnswer.objects.filter(text="Service 3").update(publishable=True)
    text = export_responses(edition=edition).csv_text()
    for private in (
        contact.email,
        contact.name,
        contact.token,
        "Solutions numériques",
        "Service 1",
        "Budget participatif malouin",
    ):
        assert private not in text
    assert "Service 3" in text
    assert "tool_objectives" in text
    full = export_responses(edition=edition, full=True).csv_text()
    assert "Solutions numériques" in full and contact.email not in full


FORMULA_LIKE = [
    "=SUM(A1)",
    "+33 6 12 34 56 78",
    "-",
    "@home",
    "=cmd|' /C calc'!A0",
    "'déjà une apostrophe",
    "''=deux apostrophes",
    "\t=1+1",
    "\r\n=1+1",
    "-1.5",
    "-0,76",
]


def test_exports_neutralise_formulas_and_a_full_export_imports_back_every_value_exactly(
    edition, tmp_path
) -> None:
    import_responses(
        edition=edition,
        data=long_file(*(f"H{index},,respondent_service,provisoire," for index in range(len(FORMULA_LIKE)))),
    )
    for answer, text in zip(Answer.objects.order_by("response__import_id"), FORMULA_LIKE, strict=True):
        Answer.objects.filter(pk=answer.pk).update(text=text, publishable=True)

    path = tmp_path / "complet.csv"
    call_command("export_responses", "2016", str(path), "--full")
    text = path.read_text(encoding="utf-8")
    assert formula_cells(text) == []
    assert formula_cells(export_responses(edition=edition).csv_text()) == []
    values = [row["value"] for row in csv.DictReader(io.StringIO(text))]
    assert "'=SUM(A1)" in values and "'-" in values and "'''=deux apostrophes" in values
    assert "-1.5" in values and "-0,76" in values

    call_command("create_edition", "2016-copie", "--questionnaire", "2016", "--title", "Copie")
    call_command("import_responses", "2016-copie", str(path))
    imported = Answer.objects.filter(question__edition__code="2016-copie").values_list("text", flat=True)
    assert sorted(imported) == sorted(FORMULA_LIKE)
    again = tmp_path / "encore.csv"
    call_command("export_responses", "2016-copie", str(again), "--full")
    assert again.read_text(encoding="utf-8") == text


def test_the_notes_count_in_the_singular_and_the_plural_in_both_languages(edition) -> None:
    submitted(edition, [("region", "pop_gt_200000")])
    notes = export_responses(edition=edition).notes_text()
    assert "2016 — Baromètre de la démocratie locale numérique 2016 : 1 réponse envoyée, format" in notes
    assert "la valeur de population a été supprimée pour 1 réponse dont" in notes
    assert "collectivity_type = region : population supprimée pour 1 réponse." in notes
    with translation.override("en"):
        notes = export_responses(edition=edition).notes_text()
    assert ": 1 response submitted, format" in notes
    assert "suppressed for 1 response whose" in notes
    assert "collectivity_type = region: population suppressed for 1 response." in notes
    import_responses(
        edition=edition,
        data=long_file(
            *(
                f"S{n},,{code},{value},"
                for n in (1, 2)
                for code, value in [("collectivity_type", "region"), ("population", "pop_gt_200000")]
            )
        ),
    )
    with translation.override("en"):
        notes = export_responses(edition=edition).notes_text()
    assert ": 3 responses submitted, format" in notes
    assert "collectivity_type = region: population suppressed for 3 responses." in notes
