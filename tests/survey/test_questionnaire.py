import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from survey.models import Edition, EditionStatus, Question
from survey.questionnaire import copy_edition, create_edition, load_definition
from tests.factories import EditionFactory
from tests.helpers import page_text
from tools_registry.choices import CollectivityKind, HybridFormat, Objective, PopulationBand, ToolFamily

pytestmark = pytest.mark.django_db

# The codes of the domain reference, part by part: (code, type, scope, choice codes).
DOCUMENTED = {
    "profil": [
        ("collectivity_type", "single", "response", CollectivityKind.values),
        ("population", "single", "response", PopulationBand.values),
        ("respondent_role", "single", "response", ["elu", "agent", "direction", "autre"]),
        ("respondent_service", "text", "response", []),
        ("has_tool", "single", "response", ["oui", "non"]),
        ("has_open_data", "single", "response", ["oui", "non"]),
    ],
    "perceptions": [
        (
            "digital_strengthens_participation",
            "single",
            "response",
            ["pas_du_tout", "plutot_non", "plutot_oui", "tout_a_fait", "ne_sait_pas"],
        ),
        ("digital_time", "single", "response", ["gain", "perte", "ne_sait_pas"]),
        ("digital_cost", "single", "response", ["cout", "investissement"]),
        ("digital_communication", "single", "response", ["levier", "pas_levier", "ne_sait_pas"]),
    ],
    "outil": [
        ("tool_name", "text", "tool", []),
        ("tool_url", "url", "tool", []),
        ("tool_description", "text", "tool", []),
        ("tool_family", "single", "tool", ToolFamily.values),
        ("tool_family_other", "text", "tool", []),
        ("tool_objectives", "ranking", "tool", Objective.values),
        ("tool_objective_met", "single", "tool", ["oui", "non"]),
        (
            "tool_involvement",
            "single",
            "tool",
            ["tres_satisfait", "plutot_satisfait", "neutre", "plutot_insatisfait", "tres_insatisfait"],
        ),
        ("tool_involvement_why", "text", "tool", []),
        ("tool_hybrid", "single", "tool", ["oui", "non"]),
        ("tool_hybrid_formats", "multiple", "tool", HybridFormat.values),
        ("tool_reaches_absent_publics", "single", "tool", ["oui", "non", "ne_sait_pas"]),
        ("tool_reach_comment", "text", "tool", []),
    ],
    "donnees-ouvertes": [
        (
            "opendata_where",
            "multiple",
            "response",
            ["portail_propre", "portail_mutualise", "data_gouv", "autre"],
        ),
        (
            "opendata_what",
            "multiple",
            "response",
            [
                "budget",
                "transports",
                "environnement",
                "cartographie",
                "equipements",
                "elections",
                "culture",
                "urbanisme",
                "autre",
            ],
        ),
    ],
}
CONDITIONS = {
    "outil": ("has_tool", ["oui"]),
    "donnees-ouvertes": ("has_open_data", ["oui"]),
    "tool_family_other": ("tool_family", ["autre"]),
    "tool_involvement_why": ("tool_involvement", ["plutot_insatisfait", "tres_insatisfait"]),
    "tool_hybrid_formats": ("tool_hybrid", ["oui"]),
}


def codes(edition: Edition) -> list[tuple[str, str]]:
    return list(
        Question.objects.filter(edition=edition)
        .order_by("section__position", "position", "choices__position")
        .values_list("code", "choices__code")
    )


def test_the_2016_edition_has_the_documented_codes_in_order() -> None:
    call_command(
        "create_edition",
        "2016",
        "--questionnaire",
        "2016",
        "--title",
        "Baromètre 2016",
        "--starts-on",
        "2016-01-17",
        "--ends-on",
        "2016-03-04",
    )
    edition = Edition.objects.get(code="2016")
    assert edition.status == EditionStatus.DRAFT
    assert str(edition.starts_on) == "2016-01-17" and str(edition.ends_on) == "2016-03-04"
    assert edition.max_tools == 5
    sections = list(edition.sections.all())
    assert [section.code for section in sections] == list(DOCUMENTED)
    for section in sections:
        questions = [
            (q.code, q.type, q.scope, [c.code for c in q.choices.all()])
            for q in section.questions.prefetch_related("choices")
        ]
        assert questions == [(c, t, s, list(choices)) for c, t, s, choices in DOCUMENTED[section.code]]
        if section.code in CONDITIONS:
            assert (section.shown_if_question.code, section.shown_if_choices) == CONDITIONS[section.code]
        else:
            assert section.shown_if_question is None
    for question in Question.objects.filter(edition=edition):
        expected = CONDITIONS.get(question.code)
        actual = (
            (question.shown_if_question.code, question.shown_if_choices)
            if question.shown_if_question
            else None
        )
        assert actual == expected
    assert Question.objects.get(edition=edition, code="tool_objectives").max_choices == 3


def test_publish_makes_the_results_of_the_new_edition_public() -> None:
    call_command(
        "create_edition", "2016", "--questionnaire", "2016", "--title", "Baromètre 2016", "--publish"
    )
    assert list(Edition.objects.published().values_list("code", flat=True)) == ["2016"]


def test_an_unknown_questionnaire_or_an_existing_code_is_refused() -> None:
    with pytest.raises(CommandError, match="Questionnaire introuvable : 1999"):
        call_command("create_edition", "1999", "--questionnaire", "1999")
    call_command("create_edition", "2016", "--questionnaire", "2016", "--title", "Baromètre 2016")
    with pytest.raises(CommandError, match="L'édition 2016 existe déjà"):
        call_command("create_edition", "2016", "--questionnaire", "2016", "--title", "Baromètre 2016")


def test_a_definition_file_with_inconsistent_codes_is_refused(tmp_path) -> None:
    definition = load_definition("2016")
    definition["sections"][0]["questions"].append(dict(definition["sections"][0]["questions"][0]))
    definition["sections"][2]["shown_if"] = {"question": "has_tool", "choices": ["peut_etre"]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("create_edition", "x", "--questionnaire", str(path), "--title", "X")
    assert "Code de question en double : collectivity_type." in str(error.value)
    assert "Condition invalide sur outil." in str(error.value)
    with pytest.raises(ValidationError, match="aucune partie"):
        create_edition(code="y", definition={"sections": []}, title="Y")
    assert not Edition.objects.exists()


def test_a_definition_file_giving_a_question_a_reserved_code_is_refused() -> None:
    definition = load_definition("2016")
    definition["sections"][2]["questions"][-1]["code"] = "tool_count"
    with pytest.raises(ValidationError) as error:
        create_edition(code="x", definition=definition, title="X")
    assert "Le code « tool_count » est réservé" in str(error.value)
    assert not Edition.objects.exists()


def test_staff_copy_an_edition_and_reword_labels_while_codes_stay(client, admin_user) -> None:
    call_command("create_edition", "2016", "--questionnaire", "2016", "--title", "Baromètre 2016")
    original = Edition.objects.get(code="2016")
    client.force_login(admin_user)
    client.post(
        reverse("admin:survey_edition_changelist"), {"action": "copy", ACTION_CHECKBOX_NAME: [original.pk]}
    )
    copy = Edition.objects.get(code="2016-copie")
    assert copy.status == EditionStatus.DRAFT
    assert (copy.title, copy.title_en) == ("Copie de Baromètre 2016", "")
    question = Question.objects.get(edition=copy, code="has_tool")
    page = client.get(reverse("admin:survey_question_change", args=[question.pk]))
    assert page.status_code == 200
    assert 'name="code"' not in page.content.decode()
    question.label = "Votre collectivité propose-t-elle des outils numériques de participation ?"
    question.save()
    assert codes(copy) == codes(original)
    assert 'name="choices-0-code"' not in page.content.decode()
    assert Question.objects.get(edition=original, code="has_tool").label.startswith(
        "Votre collectivité a-t-elle"
    )
    assert Question.objects.get(edition=copy, code="tool_family_other").shown_if_question.edition == copy


@pytest.mark.parametrize(
    "who, seen", [("anonymous", ["2016"]), ("member", ["2016"]), ("staff", ["2016", "2018"])]
)
def test_the_public_sees_published_editions_and_staff_every_edition(
    who: str, seen: list[str], django_user_model
) -> None:
    EditionFactory(code="2016", status=EditionStatus.PUBLISHED)
    EditionFactory(code="2018")
    user = {
        "anonymous": None,
        "member": django_user_model.objects.create_user("membre"),
        "staff": django_user_model.objects.create_user("equipe", is_staff=True),
    }[who]
    assert sorted(Edition.objects.visible_to(user).values_list("code", flat=True)) == seen


def test_a_copy_s_titles_say_it_is_a_copy_in_both_languages() -> None:
    original = EditionFactory(code="2018", title="Baromètre 2018", title_en="Barometer 2018")
    copy = copy_edition(edition=original, code="2020")
    assert (copy.title, copy.title_en) == ("Copie de Baromètre 2018", "Copy of Barometer 2018")
    long = EditionFactory(code="2022", title="B" * 200, title_en="E" * 200)
    copy = copy_edition(edition=long, code="2024")
    assert copy.title == ("Copie de " + "B" * 200)[:200] and len(copy.title_en) == 200


def change_form_data(page) -> dict:
    """What the admin's change form posts back as it is, inline forms included."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        ({"title": "Baromètre 2018 (seconde vague)"}, True),
        ({"title": "Baromètre 2018 (seconde vague)", "title_en": "Barometer 2018 (second wave)"}, False),
        ({"title_en": "Barometer 2018, revised"}, False),
    ],
    ids=["french-only", "both", "english-only"],
)
def test_staff_are_warned_when_the_french_title_changes_but_not_the_english_one(
    client, admin_user, changes, warned
) -> None:
    edition = EditionFactory(code="2018", title="Baromètre 2018", title_en="Barometer 2018")
    client.force_login(admin_user)
    url = reverse("admin:survey_edition_change", args=[edition.pk])
    page = client.post(url, {**change_form_data(client.get(url)), **changes}, follow=True)
    edition.refresh_from_db()
    assert edition.title == changes.get("title", "Baromètre 2018")  # a warning, never a refusal
    warning = "Le titre français a changé, mais pas le titre anglais : « Barometer 2018 » est peut-être"
    assert (warning in page_text(page)) is warned
    if warned:
        assert 'class="warning"' in page.content.decode()


def test_every_question_of_the_2016_edition_has_its_own_wording_in_both_languages() -> None:
    edition = EditionFactory()
    questions = list(Question.objects.filter(edition=edition))
    for field in ("label", "label_en"):
        labels = [getattr(question, field) for question in questions]
        assert len(set(labels)) == len(labels), field
    time = Question.objects.get(edition=edition, code="digital_time")
    cost = Question.objects.get(edition=edition, code="digital_cost")
    assert "temps" in time.label and "time" in time.label_en
    assert "budget" in cost.label and "budget" in cost.label_en


def test_editions_created_with_the_shared_wording_get_each_question_s_own() -> None:
    reworded = importlib.import_module("survey.migrations.0007_distinct_time_and_cost_wording")
    old, copy = EditionFactory(), EditionFactory(code="2018")
    Question.objects.filter(edition=old, code__in=["digital_time", "digital_cost"]).update(
        label=reworded.SHARED[0], label_en=reworded.SHARED[1]
    )
    Question.objects.filter(edition=copy, code="digital_cost").update(label="Libellé choisi par l'équipe")
    reworded.reword(django_apps, None)
    time = Question.objects.get(edition=old, code="digital_time")
    cost = Question.objects.get(edition=old, code="digital_cost")
    assert time.label.startswith("Du point de vue du temps")
    assert time.label_en.startswith("In terms of the time")
    assert cost.label.startswith("Du point de vue du budget") and cost.label_en.startswith("In terms of your")
    assert Question.objects.get(edition=copy, code="digital_cost").label == "Libellé choisi par l'équipe"
