"""A page sent after the response was sent (by a colleague, or in another tab), or after the edition closed,
writes nothing, says so and shows again what was typed on it, to be copied."""

import pytest
from django.test import Client

from survey import services
from survey.models import Answer, Response
from tests.helpers import page_text
from tests.survey.helpers import (
    PROFILE,
    TOOL,
    answer_everything,
    close,
    closing_before,
    post_page,
    review_url,
    shown_tool,
    step_url,
    welcome_url,
)

pytestmark = pytest.mark.django_db

SENT = (
    "La réponse a été envoyée entre-temps, depuis un autre onglet ou par une autre personne de votre "
    "collectivité : elle ne peut plus être modifiée."
)
NOT_SAVED = "Ce que vous aviez saisi sur cette page n'a pas été enregistré"
CONTACT = "répondez au courriel qui vous a transmis votre lien"
CLOSED = "L'enquête a été fermée pendant que vous répondiez."


def saved() -> list[tuple[str, int, str, str]]:
    return sorted(Answer.objects.values_list("question__code", "subject", "choice", "text"))


@pytest.fixture
def answered(client, contact) -> Response:
    """A response answered in full by `contact`, not sent yet."""
    answer_everything(client, contact)
    return Response.objects.get()


def shows_typed_not_saved(page, reason: str, typed: str) -> None:
    """The page a sent page answers with when it could not be saved (`reason`): 409, why, how to reach the
    team, and what was typed (`typed`, as it stands in the page), to be copied, in no form that could send
    it again."""
    assert page.status_code == 409
    text = page_text(page)
    assert reason in text
    assert NOT_SAVED in text
    assert CONTACT in text
    assert typed in page.content.decode()
    assert 'name="action"' not in page.content.decode()


def test_a_section_page_sent_after_a_colleague_sent_the_response_keeps_what_was_typed(
    client, contact, colleague, answered
) -> None:
    other = Client()
    assert other.get(step_url(colleague, "profil")).status_code == 200
    client.post(review_url(contact))
    before = saved()
    typed = {**PROFILE, "respondent_service": "Mission démocratie participative"}
    page = post_page(other, step_url(colleague, "profil"), typed)
    shows_typed_not_saved(page, SENT, 'value="Mission démocratie participative"')
    assert f'href="{welcome_url(colleague)}"' in page.content.decode()
    assert saved() == before
    assert Response.objects.get().submitted_by == contact


def test_a_colleague_sees_only_what_they_typed_never_the_answers_sent(
    client, contact, colleague, answered
) -> None:
    other = Client()
    other.get(step_url(colleague, "profil"))
    client.post(review_url(contact))
    page = post_page(other, step_url(colleague, "profil"), {"population": "pop_10000_50000"}, "save_exit")
    assert page.status_code == 409
    assert SENT in page_text(page)
    assert "Solutions numériques" not in page.content.decode()


def test_a_tool_page_sent_after_the_response_was_sent_keeps_what_was_typed(client, contact, answered) -> None:
    page_url = step_url(contact, "outil", 1)
    shown = shown_tool(client, page_url)
    services.submit_response(response=answered, contact=contact)
    before = saved()
    page = post_page(client, page_url, {**TOOL, "tool_name": "Budget participatif renommé", "tool": shown})
    assert page.status_code == 409
    text = page_text(page)
    assert SENT in text
    assert NOT_SAVED in text
    assert "(Budget participatif renommé)" in text
    assert 'value="Budget participatif renommé"' in page.content.decode()
    assert saved() == before


def test_a_page_sent_while_the_response_is_being_sent_keeps_what_was_typed(
    client, contact, answered, monkeypatch
) -> None:
    """The response is sent after the page's request has read it, before its answers are written."""
    save_page = services.save_page

    def sent_just_before(**kwargs) -> Response:
        services.submit_response(response=Response.objects.get(), contact=contact)
        return save_page(**kwargs)

    monkeypatch.setattr(services, "save_page", sent_just_before)
    page_url = step_url(contact, "outil", 1)
    shown = shown_tool(client, page_url)
    page = post_page(client, page_url, {**TOOL, "tool_name": "Budget participatif renommé", "tool": shown})
    assert page.status_code == 409
    assert SENT in page_text(page)
    assert 'value="Budget participatif renommé"' in page.content.decode()
    assert ("tool_name", 1, "", "Budget participatif malouin") in saved()
    assert Response.objects.get().is_submitted


def test_the_tools_list_sent_after_the_response_was_sent_adds_nothing(client, contact, answered) -> None:
    services.submit_response(response=answered, contact=contact)
    page = client.post(step_url(contact, "outil"), {"action": "add", "tool_count": "1"})
    assert page.status_code == 409
    text = page_text(page)
    assert SENT in text
    assert "Rien n'a été enregistré." in text
    assert Response.objects.get().tool_count == 1


def test_a_removed_tool_sent_back_after_the_response_was_sent_stays_shown(client, contact, answered) -> None:
    services.submit_response(response=answered, contact=contact)
    typed = {**TOOL, "tool_name": "Carte des chantiers", "action": "add_back", "tool_count": "1"}
    page = client.post(step_url(contact, "outil"), typed)
    assert page.status_code == 409
    assert NOT_SAVED in page_text(page)
    assert 'value="Carte des chantiers"' in page.content.decode()
    assert Response.objects.get().tool_count == 1


def test_a_section_page_sent_after_the_edition_closed_keeps_what_was_typed(client, contact, answered) -> None:
    close(contact.edition)
    before = saved()
    typed = {**PROFILE, "respondent_service": "Mission démocratie participative"}
    page = post_page(client, step_url(contact, "profil"), typed)
    shows_typed_not_saved(page, CLOSED, 'value="Mission démocratie participative"')
    # What was typed, never what is stored.
    assert "Solutions numériques" not in page.content.decode()
    assert saved() == before


def test_a_tool_page_sent_after_the_edition_closed_keeps_what_was_typed(client, contact, answered) -> None:
    page_url = step_url(contact, "outil", 1)
    shown = shown_tool(client, page_url)
    close(contact.edition)
    before = saved()
    page = post_page(client, page_url, {**TOOL, "tool_name": "Budget participatif renommé", "tool": shown})
    assert page.status_code == 409
    text = page_text(page)
    assert CLOSED in text
    assert "(Budget participatif renommé)" in text
    assert 'value="Budget participatif renommé"' in page.content.decode()
    assert saved() == before


def test_sending_after_the_edition_closed_sends_nothing_and_says_so(client, contact, answered) -> None:
    close(contact.edition)
    page = client.post(review_url(contact))
    assert page.status_code == 409
    text = page_text(page)
    assert "L'enquête a été fermée avant l'envoi de vos réponses : elles n'ont pas été envoyées." in text
    assert CONTACT in text
    assert not Response.objects.get().is_submitted


def test_a_page_sent_while_staff_close_the_edition_keeps_what_was_typed(
    client, contact, answered, monkeypatch
) -> None:
    """Staff close the edition after the page's request found it open, before its answers are written."""
    closing_before(monkeypatch, services, "save_page", contact.edition)
    page_url = step_url(contact, "outil", 1)
    shown = shown_tool(client, page_url)
    before = saved()
    page = post_page(client, page_url, {**TOOL, "tool_name": "Budget participatif renommé", "tool": shown})
    assert page.status_code == 409
    text = page_text(page)
    assert CLOSED in text
    assert NOT_SAVED in text
    assert 'value="Budget participatif renommé"' in page.content.decode()
    assert saved() == before


def test_sending_while_staff_close_the_edition_sends_nothing_and_says_so(
    client, contact, answered, monkeypatch
) -> None:
    """Staff close the edition after the send's request found it open, before the response is sent."""
    closing_before(monkeypatch, services, "submit_response", contact.edition)
    page = client.post(review_url(contact))
    assert page.status_code == 409
    text = page_text(page)
    assert "L'enquête a été fermée avant l'envoi de vos réponses : elles n'ont pas été envoyées." in text
    assert CONTACT in text
    assert not Response.objects.get().is_submitted


def test_starting_while_staff_close_the_edition_starts_nothing_and_says_so(
    client, contact, monkeypatch
) -> None:
    """Staff close the edition after the welcome page's request found it open, before the response starts."""
    closing_before(monkeypatch, services, "start_response", contact.edition)
    page = client.post(welcome_url(contact))
    assert "La période de réponse est terminée" in page_text(page)
    assert not Response.objects.exists()
