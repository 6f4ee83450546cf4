"""A respondent completes the whole 2016 questionnaire in a real browser, leaving and resuming midway."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from survey.models import Answer, Contact, EditionStatus, Response
from tests.conftest import Page
from tests.factories import ContactFactory, EditionFactory, SaintMaloFactory
from tests.survey.helpers import TOOL, answer_everything, step_url
from tools_registry.models import Tool, ToolStatus
from tools_registry.services import collectivity_for_territory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, question: str, label: str) -> None:
    page.locator(f"#question-{question}").get_by_label(label, exact=True).check()


def describe_tool(page, *, name: str, family: str, objectives: list[str], dissatisfied: bool) -> None:
    page.get_by_label("Nom de l'outil").fill(name)
    page.get_by_label("Adresse web de l'outil").fill(f"https://{name.lower().replace(' ', '-')}.example/")
    page.get_by_label("Description de l'outil").fill(f"{name} : les habitants participent.")
    # The page's deferred script hides the questions that depend on an answer: wait for it, not only
    # for the page.
    expect(page.locator("#question-tool_family_other")).to_be_hidden()
    choose(page, "tool_family", family)
    for rank, value in enumerate(objectives, 1):
        page.locator("#question-tool_objectives").get_by_label(f"Priorité {rank}").select_option(value)
    choose(page, "tool_objective_met", "Oui")
    choose(page, "tool_involvement", "Plutôt insatisfaisant" if dissatisfied else "Très satisfaisant")
    why = page.locator("#question-tool_involvement_why")
    if dissatisfied:
        expect(why).to_be_visible()
        why.get_by_label("Pour quelles raisons ?").fill("Une communication insuffisante.")
    else:
        expect(why).to_be_hidden()
    formats = page.locator("#question-tool_hybrid_formats")
    expect(formats).to_be_hidden()
    choose(page, "tool_hybrid", "Oui")
    expect(formats).to_be_visible()
    formats.get_by_label("Réunions publiques").check()
    choose(page, "tool_reaches_absent_publics", "Je ne sais pas")
    page.get_by_role("button", name="Enregistrer cet outil").click()


def test_a_respondent_answers_the_whole_questionnaire_with_two_tools(web, browser) -> None:
    edition = EditionFactory(status=EditionStatus.OPEN)
    collectivity = collectivity_for_territory(SaintMaloFactory())
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="camille@saint-malo.example")
    page = web.page
    web.goto(contact.get_absolute_url())
    assert "Vous répondez pour : Saint-Malo" in page.inner_text("main")
    page.get_by_role("button", name="Commencer le questionnaire").click()

    assert "Étape 1 sur 5" in page.inner_text(".survey-progress")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert page.get_by_role("alert").is_visible()
    assert "Répondez à cette question : elle est obligatoire." in page.inner_text(
        "#question-collectivity_type"
    )
    choose(page, "collectivity_type", "Commune")
    choose(page, "population", "10 000 à 50 000")
    choose(page, "respondent_role", "Agent de la collectivité")
    page.get_by_label("Dans quel service travaillez-vous ?").fill("Solutions numériques")
    choose(page, "has_tool", "Oui")
    choose(page, "has_open_data", "Oui")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    assert "Étape 2 sur 5" in page.inner_text(".survey-progress")
    choose(page, "digital_strengthens_participation", "Plutôt oui")
    page.get_by_role("button", name="Enregistrer et reprendre plus tard").click()
    assert "Vos réponses sont enregistrées" in page.inner_text("main")

    # Later, another browser session: the link alone brings the respondent back where they left.
    context = browser.new_context(locale="fr-FR")
    later = Page(context.new_page(), web.base_url)
    page = later.page
    later.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Reprendre le questionnaire").click()
    assert "Étape 2 sur 5" in page.inner_text(".survey-progress")
    assert page.locator("#question-digital_strengthens_participation").get_by_label("Plutôt oui").is_checked()
    choose(page, "digital_time", "Un gain de temps")
    choose(page, "digital_cost", "Un investissement")
    choose(page, "digital_communication", "Un levier d'innovation en termes de communication")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    assert "Étape 3 sur 5" in page.inner_text(".survey-progress")
    page.get_by_role("button", name="Ajouter un outil").click()
    describe_tool(
        page,
        name="Budget participatif",
        family="Plateforme numérique pour le budget participatif",
        objectives=["idees", "coconstruire"],
        dissatisfied=True,
    )
    assert "Budget participatif" in page.inner_text(".survey-tools")
    page.get_by_role("button", name="Ajouter un autre outil").click()
    assert "outil 2 sur 2" in page.inner_text("h1")
    describe_tool(
        page,
        name="Portail open data",
        family="Plateforme de mise à disposition des données publiques (open data)",
        objectives=["informer"],
        dissatisfied=False,
    )
    assert "2 outils décrits" in page.inner_text("main")
    page.get_by_role("button", name="Continuer").click()

    assert "Étape 4 sur 5" in page.inner_text(".survey-progress")
    where = page.locator("#question-opendata_where")
    where.get_by_label("Portail de la collectivité").check()
    where.get_by_label("data.gouv.fr").check()
    page.locator("#question-opendata_what").get_by_label("Budget").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    assert "Étape 5 sur 5 : relecture" in page.inner_text(".survey-progress")
    review = page.inner_text("main")
    for expected in (
        "Commune",
        "Un gain de temps",
        "outil 1 (Budget participatif)",
        "outil 2 (Portail open data)",
        "Une communication insuffisante.",
        "data.gouv.fr",
    ):
        assert expected in review
    page.get_by_role("button", name="Envoyer les réponses de ma collectivité").click()
    assert "Merci ! Les réponses de votre collectivité ont bien été envoyées." in page.inner_text("main")
    context.close()
    assert later.outside_requests() == []

    response = Response.objects.get()
    assert response.is_submitted and response.tool_count == 2
    objectives = Answer.objects.filter(response=response, question__code="tool_objectives", subject=1)
    assert list(objectives.order_by("rank").values_list("choice", flat=True)) == ["idees", "coconstruire"]
    assert sorted(Tool.objects.values_list("name", "status")) == [
        ("Budget participatif", ToolStatus.PENDING),
        ("Portail open data", ToolStatus.PENDING),
    ]


@pytest.fixture
def started(web) -> Contact:
    """A respondent on part 1 of a fresh response."""
    edition = EditionFactory(status=EditionStatus.OPEN)
    collectivity = collectivity_for_territory(SaintMaloFactory())
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="camille@saint-malo.example")
    web.goto(contact.get_absolute_url())
    web.page.get_by_role("button", name="Commencer le questionnaire").click()
    return contact


def answer_part_one(page) -> None:
    choose(page, "collectivity_type", "Commune")
    choose(page, "population", "10 000 à 50 000")
    choose(page, "respondent_role", "Agent de la collectivité")
    choose(page, "has_tool", "Oui")
    choose(page, "has_open_data", "Oui")
    page.get_by_label("Dans quel service travaillez-vous ?").fill("Solutions numériques")


def test_enter_in_a_text_field_saves_the_page_and_continues_to_the_next_part(web, started) -> None:
    page = web.page
    answer_part_one(page)
    page.get_by_label("Dans quel service travaillez-vous ?").press("Enter")
    assert "Étape 2 sur 5" in page.inner_text(".survey-progress")
    assert "Perceptions générales" in page.inner_text("h1")
    service = Answer.objects.get(question__code="respondent_service")
    assert service.text == "Solutions numériques"


def test_enter_in_a_tool_name_checks_the_tool_like_the_save_button(web, started) -> None:
    page = web.page
    answer_part_one(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Ajouter un outil").click()
    page.get_by_label("Nom de l'outil").fill("Budget participatif")
    page.get_by_label("Nom de l'outil").press("Enter")
    # Still on the tool's page, told what is missing, the name kept.
    assert "outil 1 sur 1" in page.inner_text("h1")
    expect(page.get_by_role("alert")).to_be_focused()
    assert "Répondez à cette question : elle est obligatoire." in page.inner_text("#question-tool_family")
    expect(
        page.get_by_role("group", name="À quelle famille cet outil appartient-il ? (obligatoire)")
    ).to_have_accessible_description("Répondez à cette question : elle est obligatoire.")
    assert page.get_by_label("Nom de l'outil").input_value() == "Budget participatif"


def test_part_one_offers_no_way_back_and_never_skips_to_the_review(web, started) -> None:
    page = web.page
    assert "Étape 1 sur 5" in page.inner_text(".survey-progress")
    assert page.get_by_role("button", name="Précédent").count() == 0
    choose(page, "collectivity_type", "Commune")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert "Étape 1 sur 5" in page.inner_text(".survey-progress")
    assert page.locator("#question-collectivity_type").get_by_label("Commune").is_checked()


def test_previous_goes_back_one_part_and_keeps_what_was_typed(web, started) -> None:
    page = web.page
    answer_part_one(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    choose(page, "digital_time", "Un gain de temps")
    page.get_by_role("button", name="Précédent").click()
    assert "Étape 1 sur 5" in page.inner_text(".survey-progress")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert page.locator("#question-digital_time").get_by_label("Un gain de temps").is_checked()

    choose(page, "digital_strengthens_participation", "Plutôt oui")
    choose(page, "digital_cost", "Un investissement")
    choose(page, "digital_communication", "Un levier d'innovation en termes de communication")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    assert "Étape 3 sur 5" in page.inner_text(".survey-progress")
    page.get_by_role("button", name="Ajouter un outil").click()
    # Half a tool described, then back: the list shows it, and its page still holds what was typed.
    page.get_by_label("Nom de l'outil").fill("Budget participatif")
    page.get_by_label("Description de l'outil").fill("Les habitants votent.")
    page.get_by_role("button", name="Précédent").click()
    assert "Budget participatif" in page.inner_text(".survey-tools")
    page.get_by_role("link", name="Décrire ou modifier l'outil 1").click()
    assert page.get_by_label("Description de l'outil").input_value() == "Les habitants votent."
    page.get_by_role("button", name="Précédent").click()
    page.get_by_role("button", name="Précédent").click()
    assert "Étape 2 sur 5" in page.inner_text(".survey-progress")
    assert page.locator("#question-digital_cost").get_by_label("Un investissement").is_checked()


def test_removing_a_tool_asks_first_and_a_second_click_removes_nothing_else(web) -> None:
    edition = EditionFactory(status=EditionStatus.OPEN)
    collectivity = collectivity_for_territory(SaintMaloFactory())
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="camille@saint-malo.example")
    hostile = "<img src=x onerror=alert(1)>"
    answer_everything(Client(), contact, tools=[TOOL, {**TOOL, "tool_name": hostile}])
    page = web.page
    dialogs: list[str] = []
    page.context.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    web.goto(step_url(contact, "outil"))
    page.get_by_role("link", name="Retirer l'outil 2").click()
    assert page.inner_text("h1") == "Retirer l'outil 2 ?"
    expect(page.locator(".survey-tool-name")).to_have_text(hostile)
    page.get_by_role("link", name="Annuler, garder cet outil").click()
    assert "2 outils décrits" in page.inner_text("main")

    page.get_by_role("link", name="Retirer l'outil 2").click()
    # The same confirmation in a second tab, sent after the first.
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    page.get_by_role("button", name="Retirer cet outil").click()
    assert f"L'outil « {hostile} » a été retiré de votre réponse." in page.inner_text(".messages")
    page = other_tab
    page.get_by_role("button", name="Retirer cet outil").click()
    assert "Cet outil ne fait plus partie de votre réponse" in page.inner_text(".messages")
    assert "Budget participatif malouin" in page.inner_text(".survey-tools")
    assert Response.objects.get().tool_count == 1
    assert dialogs == []
