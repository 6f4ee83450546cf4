import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from survey.models import Answer, Contact, EditionStatus, Response, ResponseTool
from tests.factories import CollectivityFactory, ContactFactory, EditionFactory
from tests.helpers import description, error_summary, group, page_text, page_title
from tests.survey.helpers import (
    OPEN_DATA,
    PERCEPTIONS,
    PROFILE,
    TOOL,
    answer_everything,
    post_page,
    review_url,
    step_url,
    welcome_url,
)
from tools_registry.models import Tool, ToolSource, ToolStatus

pytestmark = pytest.mark.django_db


def stored(response: Response, code: str, subject: int = 0) -> list:
    rows = Answer.objects.filter(response=response, question__code=code, subject=subject).order_by(
        "rank", "pk"
    )
    return [(row.choice or row.text, row.rank) for row in rows]


def is_checked(page, name: str, value: str) -> bool:
    pattern = rf'<input type="(?:radio|checkbox)" name="{name}" value="{value}"[^>]*\bchecked\b'
    return re.search(pattern, page.content.decode()) is not None


def test_the_welcome_page_names_the_collectivity_and_starts_on_the_first_part(client, contact) -> None:
    page = client.get(welcome_url(contact))
    assert "Vous répondez pour : Saint-Malo" in page_text(page)
    started = client.post(welcome_url(contact))
    assert started.url == step_url(contact, "profil")
    first = client.get(started.url)
    assert "Étape 1 sur 5" in page_text(first)
    assert "À quel type de collectivité appartenez-vous ? (obligatoire)" in page_text(first)


def test_every_question_type_is_stored_and_read_back_on_the_review_page(client, contact) -> None:
    answer_everything(client, contact)
    response = Response.objects.get()
    assert stored(response, "collectivity_type") == [("commune", None)]
    assert stored(response, "respondent_service") == [("Solutions numériques", None)]
    assert stored(response, "tool_objectives", 1) == [("idees", 1), ("coconstruire", 2)]
    assert stored(response, "tool_hybrid_formats", 1) == [("reunions_publiques", None), ("formations", None)]
    assert stored(response, "tool_url", 1) == [("https://budget.saint-malo.example/", None)]
    text = page_text(client.get(review_url(contact)))
    for shown in (
        "Commune",
        "Solutions numériques",
        "Un gain de temps",
        "outil 1 (Budget participatif malouin)",
        "Faire émerger des idées Co-construire l'action publique",
        "Réunions publiques Formations",
        "data.gouv.fr",
    ):
        assert shown in text


def test_an_unknown_choice_is_explained_in_french_and_the_typed_values_are_kept(client, contact) -> None:
    client.post(welcome_url(contact))
    page = post_page(client, step_url(contact, "profil"), {**PROFILE, "collectivity_type": "ville"})
    assert page.status_code == 400
    text = page_text(page)
    assert "« ville » ne fait pas partie des choix proposés." in text
    assert 'value="Solutions numériques"' in page.content.decode()
    assert 'role="alert"' in page.content.decode()
    assert not Answer.objects.exists()


def test_a_required_question_left_blank_is_pointed_out(client, contact) -> None:
    client.post(welcome_url(contact))
    data = {key: value for key, value in PROFILE.items() if key != "has_tool"}
    text = page_text(post_page(client, step_url(contact, "profil"), data))
    assert "Répondez à cette question : elle est obligatoire." in text
    assert "1 réponse est à corriger" in text or "Une réponse est à corriger" in text


def test_a_malformed_web_address_and_a_bad_ranking_are_explained(client, contact) -> None:
    answer_everything(client, contact, tools=[])
    tool_page = client.post(step_url(contact, "outil"), {"action": "add"}).url
    text = page_text(post_page(client, tool_page, {**TOOL, "tool_url": "pas une adresse"}))
    assert "Saisissez une adresse web complète" in text
    text = page_text(post_page(client, tool_page, {**TOOL, "tool_objectives": ["idees", "idees"]}))
    assert "Chaque choix ne peut être classé qu'une fois." in text
    text = page_text(
        post_page(client, tool_page, {**TOOL, "tool_objectives": ["idees", "informer", "signaler", "autre"]})
    )
    assert "Classez 3 choix au plus." in text


def test_a_screen_reader_announces_the_error_of_a_question(client, contact) -> None:
    answer_everything(client, contact, tools=[])
    tool_page = client.post(step_url(contact, "outil"), {"action": "add"}).url
    page = post_page(client, tool_page, {**TOOL, "tool_url": "pas une adresse", "tool_family": ""})
    assert "Saisissez une adresse web complète" in description(page.content.decode(), "id_tool_url")
    _name, family = group(page.content.decode(), "id_tool_family_0")
    assert "Répondez à cette question : elle est obligatoire." in family


def test_a_refused_page_says_so_in_its_title_and_links_each_error_to_its_question(client, contact) -> None:
    answer_everything(client, contact, tools=[])
    tool_page = client.post(step_url(contact, "outil"), {"action": "add"}).url
    page = post_page(
        client,
        tool_page,
        {**TOOL, "tool_url": "pas une adresse", "tool_family": "", "tool_objectives": ["idees", "idees"]},
    )
    assert page_title(page).startswith("Erreur : ")
    assert "3 réponses sont à corriger" in page_text(page)
    assert error_summary(page.content.decode()) == [
        ("Adresse web de l'outil", "id_tool_url"),
        ("À quelle famille cet outil appartient-il ?", "id_tool_family_0"),
        ("Quels sont les principaux objectifs de cet outil ?", "id_tool_objectives_1"),
    ]
    assert not page_title(client.get(tool_page)).startswith("Erreur")


def test_a_number_question_accepts_a_french_decimal_and_rejects_words(client, collectivity) -> None:
    definition = {
        "sections": [
            {
                "code": "budget",
                "title": "Budget",
                "questions": [{"code": "budget_share", "type": "number", "label": "Part du budget (%)"}],
            }
        ]
    }
    edition = EditionFactory(code="essai", definition=definition, title="Essai", status=EditionStatus.OPEN)
    contact = ContactFactory(edition=edition, collectivity=collectivity, email="a@example.org")
    client.post(welcome_url(contact))
    text = page_text(post_page(client, step_url(contact, "budget"), {"budget_share": "douze"}))
    assert "Saisissez un nombre, par exemple 12 ou 3,5." in text
    post_page(client, step_url(contact, "budget"), {"budget_share": "12,5"})
    assert stored(Response.objects.get(), "budget_share") == [("12.5", None)]


def test_a_conditional_question_is_kept_only_when_its_condition_is_met(client, contact) -> None:
    answer_everything(client, contact, tools=[{**TOOL, "tool_family_other": "Web-radio participative"}])
    response = Response.objects.get()
    assert stored(response, "tool_family_other", 1) == []
    assert stored(response, "tool_involvement_why", 1) != []
    post_page(
        client,
        step_url(contact, "outil", 1),
        {
            **TOOL,
            "tool_family": "autre",
            "tool_family_other": "Web-radio participative",
            "tool_involvement": "neutre",
        },
    )
    assert stored(response, "tool_family_other", 1) == [("Web-radio participative", None)]
    assert stored(response, "tool_involvement_why", 1) == []


def test_without_tools_or_open_data_the_conditional_parts_are_skipped(client, contact) -> None:
    client.post(welcome_url(contact))
    after_profile = post_page(
        client, step_url(contact, "profil"), {**PROFILE, "has_tool": "non", "has_open_data": "non"}
    )
    assert after_profile.url == step_url(contact, "perceptions")
    assert "Étape 2 sur 3" in page_text(client.get(after_profile.url))
    assert post_page(client, step_url(contact, "perceptions"), PERCEPTIONS).url == review_url(contact)
    # The tools part is not shown: its address leads back to where the respondent stands.
    assert client.get(step_url(contact, "outil")).url == review_url(contact)


def test_answers_of_a_part_no_longer_shown_are_dropped_on_submission(client, contact) -> None:
    answer_everything(client, contact)
    post_page(client, step_url(contact, "profil"), {**PROFILE, "has_tool": "non"})
    client.post(review_url(contact))
    response = Response.objects.get()
    assert response.is_submitted
    assert not Answer.objects.filter(response=response, subject__gt=0).exists()
    assert response.tool_count == 0
    assert not Tool.objects.exists()


def test_part_three_repeats_for_each_tool_and_a_tool_can_be_removed(client, contact) -> None:
    second = {**TOOL, "tool_name": "Carte des chantiers", "tool_family": "cartographie_participative"}
    third = {**TOOL, "tool_name": "Portail open data", "tool_family": "open_data"}
    answer_everything(client, contact, tools=[TOOL, second, third])
    listing = page_text(client.get(step_url(contact, "outil")))
    assert "3 outils décrits" in listing
    assert "Carte des chantiers" in listing
    first = ResponseTool.objects.get(position=1)
    confirm = reverse(
        "survey:remove_tool", kwargs={"token": contact.token, "section": "outil", "tool": first.pk}
    )
    assert f'href="{confirm}"' in client.get(step_url(contact, "outil")).content.decode()
    client.post(confirm)
    response = Response.objects.get()
    assert response.tool_count == 2
    assert stored(response, "tool_name", 1) == [("Carte des chantiers", None)]
    assert stored(response, "tool_name", 2) == [("Portail open data", None)]
    assert list(ResponseTool.objects.filter(response=response).values_list("position", flat=True)) == [1, 2]


def test_no_more_than_five_tools_can_be_described(client, contact) -> None:
    answer_everything(client, contact, tools=[{**TOOL, "tool_name": f"Outil {n}"} for n in range(1, 6)])
    page = client.post(step_url(contact, "outil"), {"action": "add"})
    assert "Vous pouvez décrire 5 outils au plus." in page_text(page)
    assert Response.objects.get().tool_count == 5


def test_the_list_of_tools_asks_for_at_least_one_when_the_collectivity_has_some(client, contact) -> None:
    answer_everything(client, contact, tools=[])
    page = client.post(step_url(contact, "outil"), {"action": "next"})
    assert "Décrivez au moins un outil" in page_text(page)


def test_a_respondent_can_leave_midway_and_resume_where_they_stopped(client, contact) -> None:
    client.post(welcome_url(contact))
    post_page(client, step_url(contact, "profil"), PROFILE)
    # Leave on the second page with one answer given and the others not yet: nothing is required then.
    left = post_page(client, step_url(contact, "perceptions"), {"digital_time": "perte"}, action="save_exit")
    assert left.url == welcome_url(contact)
    client.logout()
    welcome = client.get(welcome_url(contact))
    assert f'href="{step_url(contact, "perceptions")}"' in welcome.content.decode()
    page = client.get(step_url(contact, "perceptions"))
    assert is_checked(page, "digital_time", "perte")
    assert not is_checked(page, "digital_time", "gain")
    assert is_checked(client.get(step_url(contact, "profil")), "collectivity_type", "commune")


def test_the_review_lists_missing_required_answers_and_refuses_to_submit(client, contact) -> None:
    client.post(welcome_url(contact))
    post_page(client, step_url(contact, "profil"), {"collectivity_type": "commune"}, action="save_exit")
    page = client.post(review_url(contact))
    assert page.status_code == 400
    text = page_text(page)
    assert "Avant d'envoyer, répondez aux questions obligatoires suivantes" in text
    assert "Combien d'habitants votre collectivité compte-t-elle ?" in text
    assert not Response.objects.get().is_submitted


def test_submitting_proposes_each_tool_to_the_registry_and_links_it(client, contact, run_jobs) -> None:
    second = {
        **TOOL,
        "tool_name": "Carte des chantiers",
        "tool_family": "cartographie_participative",
        "tool_url": "",
    }
    answer_everything(client, contact, tools=[TOOL, second])
    done = client.post(review_url(contact), follow=True)
    assert "Merci ! Les réponses de votre collectivité ont bien été envoyées." in page_text(done)
    tools = list(Tool.objects.order_by("name"))
    assert [(t.name, t.status, t.source) for t in tools] == [
        ("Budget participatif malouin", ToolStatus.PENDING, ToolSource.SURVEY),
        ("Carte des chantiers", ToolStatus.PENDING, ToolSource.SURVEY),
    ]
    budget = tools[0]
    assert budget.collectivity == contact.collectivity
    assert [o.objective for o in budget.ranked_objectives()] == ["idees", "coconstruire"]
    assert budget.hybrid is True and budget.hybrid_formats == ["reunions_publiques", "formations"]
    assert budget.survey_descriptions.get().response.edition.code == "2016"
    assert budget.history.get().history_via == "survey"  # the edit history names the survey
    run_jobs()
    assert any("Nouvel outil à modérer" in message.subject for message in mail.outbox)


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Your submission “Budget participatif malouin” has been received"),
        ("fr", "Votre proposition « Budget participatif malouin » a bien été reçue"),
    ],
)
def test_the_tools_of_a_response_are_proposed_in_the_language_it_was_answered_in(
    contact, run_jobs, language, subject
) -> None:
    respondent = Client(HTTP_ACCEPT_LANGUAGE=language)
    answer_everything(respondent, contact)
    respondent.post(review_url(contact))
    assert Response.objects.get().language == language
    tool = Tool.objects.get()
    assert tool.submitter_language == language
    run_jobs()
    [received] = [message for message in mail.outbox if message.to == [contact.email]]
    assert received.subject == subject


def test_the_response_keeps_the_language_of_its_last_answers(contact) -> None:
    answer_everything(Client(HTTP_ACCEPT_LANGUAGE="fr"), contact)
    assert Response.objects.get().language == "fr"
    Client(HTTP_ACCEPT_LANGUAGE="en").post(review_url(contact))
    assert Response.objects.get().language == "en"


@pytest.mark.parametrize(
    ("name", "from_name", "language"),
    [
        ("Agen", "d'Agen", "fr"),
        ("Évry-Courcouronnes", "d'Évry-Courcouronnes", "fr"),
        ("Hyères", "d'Hyères", "fr"),
        ("Lyon", "de Lyon", "fr"),
        ("Le Havre", "du Havre", "fr"),
        ("Métropole de Lyon", "de la Métropole de Lyon", "fr"),
        ("Agen", "from Agen", "en"),
        ("Le Havre", "from Le Havre", "en"),
    ],
)
def test_the_collectivitys_name_reads_right_once_its_answers_are_sent(
    client, edition, name, from_name, language
) -> None:
    contact = ContactFactory(edition=edition, collectivity=CollectivityFactory(name=name))
    colleague = ContactFactory(edition=edition, collectivity=contact.collectivity)
    answer_everything(client, contact, tools=[], profile={"has_tool": "non"})
    client.post(review_url(contact))
    sent = page_text(client.get(welcome_url(contact), HTTP_ACCEPT_LANGUAGE=language))
    told = page_text(client.get(welcome_url(colleague), HTTP_ACCEPT_LANGUAGE=language))
    if language == "fr":
        assert f"Les réponses {from_name} ont été envoyées le" in sent
        assert f"Une autre personne {from_name} a déjà envoyé la réponse" in told
    else:
        assert f"The responses {from_name} were submitted on" in sent
        assert f"Someone else {from_name} already submitted" in told


def test_a_response_is_submitted_once_then_read_only(client, contact) -> None:
    answer_everything(client, contact)
    client.post(review_url(contact))
    client.post(review_url(contact))
    assert Tool.objects.count() == 1
    response = Response.objects.get()
    submitted_at = response.submitted_at
    page = post_page(client, step_url(contact, "profil"), {**PROFILE, "collectivity_type": "region"})
    assert page.status_code == 409
    assert "elle ne peut plus être modifiée" in page_text(page)
    response.refresh_from_db()
    assert response.submitted_at == submitted_at
    assert stored(response, "collectivity_type") == [("commune", None)]
    sent = page_text(client.get(welcome_url(contact)))
    assert "ont été envoyées le" in sent
    assert "ne peuvent plus être modifiées" in sent
    assert "Commune" in sent


def test_an_unknown_link_gets_a_polite_explanation(client, edition) -> None:
    page = client.get(welcome_url(Contact(token="n-importe-quoi")))
    assert page.status_code == 404
    assert "Ce lien ne correspond à aucune invitation" in page_text(page)


def test_a_link_of_a_closed_edition_explains_that_answers_are_over(client, contact) -> None:
    contact.edition.status = EditionStatus.CLOSED
    contact.edition.save()
    page = client.get(step_url(contact, "profil"))
    assert page.status_code == 200
    assert "La période de réponse est terminée" in page_text(page)


def test_a_link_of_another_edition_does_not_open_the_current_one(client, contact, collectivity) -> None:
    contact.edition.status = EditionStatus.CLOSED
    contact.edition.save()
    current = EditionFactory(code="2018", status=EditionStatus.OPEN)
    ContactFactory(edition=current, collectivity=collectivity, email="camille@saint-malo.example")
    page = client.post(welcome_url(contact))
    assert "L'enquête « Baromètre de la démocratie locale numérique 2016 » n'est pas ouverte" in page_text(
        page
    )
    assert not Response.objects.exists()


def test_contacts_of_one_collectivity_share_its_response_and_the_first_to_submit_wins(
    client, contact, colleague
) -> None:
    answer_everything(client, contact)
    other = client.__class__()
    resumed = other.get(step_url(colleague, "profil"))
    assert is_checked(resumed, "collectivity_type", "commune")
    client.post(review_url(contact))
    late = other.post(step_url(colleague, "profil"), {**PROFILE, "action": "next"})
    assert late.status_code == 409
    assert "La réponse a été envoyée entre-temps" in page_text(late)
    told = page_text(other.get(welcome_url(colleague)))
    assert "Une autre personne de Saint-Malo a déjà envoyé la réponse de votre collectivité" in told
    assert "Solutions numériques" not in told
    assert Response.objects.get().submitted_by == contact
    assert Response.objects.count() == 1
    assert other.post(review_url(colleague)).status_code == 200
    assert Tool.objects.count() == 1


def test_the_open_data_part_is_stored_for_the_collectivity(client, contact) -> None:
    answer_everything(client, contact)
    response = Response.objects.get()
    assert stored(response, "opendata_what") == [(code, None) for code in OPEN_DATA["opendata_what"]]


def test_previous_keeps_the_answers_given_without_requiring_the_others(client, contact) -> None:
    client.post(welcome_url(contact))
    post_page(client, step_url(contact, "profil"), PROFILE)
    back = post_page(client, step_url(contact, "perceptions"), {"digital_time": "perte"}, action="previous")
    assert back.url == step_url(contact, "profil")
    assert stored(Response.objects.get(), "digital_time") == [("perte", None)]
    assert is_checked(client.get(step_url(contact, "perceptions")), "digital_time", "perte")


def test_previous_on_the_first_part_leads_to_the_welcome_page_not_the_review(client, contact) -> None:
    client.post(welcome_url(contact))
    page = client.get(step_url(contact, "profil"))
    assert 'value="previous"' not in page.content.decode()
    # A form sent from an older page still carrying the button: what was typed is kept.
    back = post_page(client, step_url(contact, "profil"), {"collectivity_type": "region"}, action="previous")
    assert back.url == welcome_url(contact)
    assert stored(Response.objects.get(), "collectivity_type") == [("region", None)]


def test_previous_with_a_malformed_answer_explains_it_and_keeps_it(client, contact) -> None:
    answer_everything(client, contact, tools=[])
    tool_page = client.post(step_url(contact, "outil"), {"action": "add"}).url
    typed = {"tool_name": "Carte", "tool_url": "pas une adresse"}
    page = post_page(client, tool_page, typed, action="previous")
    assert page.status_code == 400
    assert "Saisissez une adresse web complète" in page_text(page)
    assert 'value="pas une adresse"' in page.content.decode()
    assert not Answer.objects.filter(question__code="tool_name").exists()


def test_an_unknown_action_saves_the_page_like_continue(client, contact) -> None:
    client.post(welcome_url(contact))
    page = post_page(client, step_url(contact, "profil"), {"collectivity_type": "commune"}, action="review")
    assert "Répondez à cette question : elle est obligatoire." in page_text(page)
    assert not Answer.objects.exists()


def test_the_review_leads_back_to_the_list_of_tools_when_they_come_last(client, contact) -> None:
    answer_everything(client, contact, profile={"has_open_data": "non"})
    page = client.get(review_url(contact))
    assert f'<a class="button secondary" href="{step_url(contact, "outil")}">' in page.content.decode()


def test_a_nul_character_in_an_answer_is_explained_beside_it_and_the_page_keeps_what_was_typed(
    client, contact
) -> None:
    client.post(welcome_url(contact))
    page = post_page(
        client, step_url(contact, "profil"), {**PROFILE, "respondent_service": "Solutions\x00 numériques"}
    )
    assert page.status_code == 400
    assert "Le caractère nul n’est pas autorisé." in page_text(page)
    assert is_checked(page, "collectivity_type", "commune")
    assert not Answer.objects.filter(question__code="respondent_service").exists()
