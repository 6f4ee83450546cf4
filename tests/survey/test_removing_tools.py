"""A described tool is named by its row, not its number: a repeated or stale request never removes or
overwrites the tool that took its number."""

import re

import pytest
from django.urls import reverse

from survey.models import Answer, Response, ResponseTool
from tests.factories import ContactFactory
from tests.helpers import page_text
from tests.survey.helpers import PROFILE, TOOL, answer_everything, post_page, shown_tool, step_url

pytestmark = pytest.mark.django_db

SECOND = {**TOOL, "tool_name": "Carte des chantiers", "tool_family": "cartographie_participative"}
THIRD = {**TOOL, "tool_name": "Portail open data", "tool_family": "open_data"}
REMOVED = "L'outil que vous décriviez a été retiré de votre réponse entre-temps"


def remove_url(contact, tool: ResponseTool) -> str:
    return reverse("survey:remove_tool", kwargs={"token": contact.token, "section": "outil", "tool": tool.pk})


def names() -> list[str]:
    rows = Answer.objects.filter(question__code="tool_name").order_by("subject")
    return [row.text for row in rows]


@pytest.fixture
def three_tools(client, contact) -> list[ResponseTool]:
    answer_everything(client, contact, tools=[TOOL, SECOND, THIRD])
    return list(ResponseTool.objects.order_by("position"))


def test_removing_a_tool_asks_first_and_names_it(client, contact, three_tools) -> None:
    listing = client.get(step_url(contact, "outil")).content.decode()
    assert f'href="{remove_url(contact, three_tools[1])}"' in listing
    page = client.get(remove_url(contact, three_tools[1]))
    assert "Retirer l'outil 2 ?" in page_text(page)
    assert "Vous allez retirer de votre réponse l'outil « Carte des chantiers »" in page_text(page)
    assert f'href="{step_url(contact, "outil")}">Annuler, garder cet outil</a>' in page.content.decode()
    assert Response.objects.get().tool_count == 3


def test_a_confirmed_removal_removes_that_tool_and_says_which(client, contact, three_tools) -> None:
    done = client.post(remove_url(contact, three_tools[1]), follow=True)
    assert "L'outil « Carte des chantiers » a été retiré de votre réponse." in page_text(done)
    assert names() == ["Budget participatif malouin", "Portail open data"]
    assert Response.objects.get().tool_count == 2


def test_a_double_click_on_remove_removes_one_tool_and_says_the_list_changed(
    client, contact, three_tools
) -> None:
    client.post(remove_url(contact, three_tools[1]))
    again = client.post(remove_url(contact, three_tools[1]), follow=True)
    assert "Cet outil ne fait plus partie de votre réponse : il a déjà été retiré" in page_text(again)
    assert "Aucun autre outil n'a été retiré" in page_text(again)
    assert names() == ["Budget participatif malouin", "Portail open data"]
    assert Response.objects.get().tool_count == 2


def test_a_removal_from_a_stale_tab_removes_nothing_else(client, contact, three_tools) -> None:
    old_list = client.get(step_url(contact, "outil")).content.decode()
    old_confirmation = client.get(remove_url(contact, three_tools[0]))
    assert "Budget participatif malouin" in page_text(old_confirmation)
    # Another tab removes tool 1: the second tool now has its number.
    client.post(remove_url(contact, three_tools[0]))
    again = client.post(remove_url(contact, three_tools[0]), follow=True)
    assert "Cet outil ne fait plus partie de votre réponse" in page_text(again)
    assert names() == ["Carte des chantiers", "Portail open data"]
    # The old list's button for "tool 2" still names the tool it showed, under its new number.
    assert f'href="{remove_url(contact, three_tools[1])}"' in old_list
    page = client.get(remove_url(contact, three_tools[1]))
    assert "Retirer l'outil 1 ?" in page_text(page)
    assert "« Carte des chantiers »" in page_text(page)


def test_the_confirmation_of_a_removed_tool_leads_back_to_the_list(client, contact, three_tools) -> None:
    client.post(remove_url(contact, three_tools[2]))
    page = client.get(remove_url(contact, three_tools[2]))
    assert page.url == step_url(contact, "outil")
    assert "Cet outil ne fait plus partie de votre réponse" in page_text(client.get(page.url))


def test_another_responses_tool_cannot_be_removed(client, contact, three_tools, other_collectivity) -> None:
    stranger = ContactFactory(edition=contact.edition, collectivity=other_collectivity, email="x@example.org")
    answer_everything(client, stranger, tools=[THIRD])
    client.post(remove_url(stranger, three_tools[0]))
    assert Response.objects.get(collectivity=contact.collectivity).tool_count == 3


def test_a_hostile_tool_name_is_shown_as_text_on_the_confirmation(client, contact) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    answer_everything(client, contact, tools=[{**TOOL, "tool_name": hostile}])
    tool = ResponseTool.objects.get()
    page = client.get(remove_url(contact, tool))
    assert hostile in page_text(page)
    assert "<img" not in page.content.decode()
    done = client.post(remove_url(contact, tool), follow=True)
    assert f"L'outil « {hostile} » a été retiré de votre réponse." in page_text(done)
    assert "<img" not in done.content.decode()


def test_a_tool_page_sent_after_its_tool_moved_writes_nothing_and_shows_it_again(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 3)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[0]))
    typed = {**THIRD, "tool_name": "Portail open data métropolitain", "tool": shown}
    page = post_page(client, old_page, typed)
    assert page.status_code == 409
    text = page_text(page)
    assert "La liste de vos outils a changé" in text
    assert "l'outil que vous décriviez comme outil 3 est maintenant l'outil 2" in text
    assert "Rien n'a été enregistré" in text
    assert 'value="Portail open data métropolitain"' in page.content.decode()
    assert f'action="{step_url(contact, "outil", 2)}"' in page.content.decode()
    assert names() == ["Carte des chantiers", "Portail open data"]
    # Sent again from the page it now shows, it lands on the right tool.
    post_page(client, step_url(contact, "outil", 2), typed)
    assert names() == ["Carte des chantiers", "Portail open data métropolitain"]


def test_a_tool_page_sent_after_its_tool_was_removed_writes_on_no_other_tool(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 2)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[1]))
    page = post_page(client, old_page, {**SECOND, "tool_name": "Carte modifiée", "tool": shown})
    assert page.status_code == 409
    assert REMOVED in page_text(page)
    assert 'value="Carte modifiée"' in page.content.decode()
    assert names() == ["Budget participatif malouin", "Portail open data"]


def test_a_tool_page_sent_without_naming_its_tool_writes_nothing(client, contact, three_tools) -> None:
    page = client.post(step_url(contact, "outil", 1), {**TOOL, "tool_name": "Autre", "action": "next"})
    assert page.status_code == 409
    assert names() == ["Budget participatif malouin", "Carte des chantiers", "Portail open data"]


def test_a_double_click_on_add_opens_one_new_tool(client, contact, three_tools) -> None:
    listing = step_url(contact, "outil")
    sent = {"action": "add", "tool_count": "3"}
    first = client.post(listing, sent)
    again = client.post(listing, sent)
    assert first["Location"] == again["Location"] == step_url(contact, "outil", 4)
    assert Response.objects.get().tool_count == 4
    page = client.get(listing)
    assert "4 outils décrits" in page_text(page)


def test_a_tool_page_works_whatever_the_size_of_its_tool_s_number(client, contact, three_tools) -> None:
    # Numbers are written "1 234 567" on French pages: the form must send the tool's id as digits.
    ResponseTool.objects.filter(pk=three_tools[0].pk).update(id=1234567)
    url = step_url(contact, "outil", 1)
    assert shown_tool(client, url) == "1234567"
    post_page(client, url, {**TOOL, "tool_name": "Budget participatif renommé"})
    assert names()[0] == "Budget participatif renommé"


def add_back_data(page) -> dict:
    """What the page of a removed tool sends back when its button adds the typed answers as a new tool."""
    html = page.content.decode()
    found = re.search(r'<input type="hidden" name="tool_count" value="(\d+)">', html)
    assert found, "no tool count on the page of a removed tool"
    assert (
        '<button type="submit" name="action" value="add_back">Ajouter cet outil de nouveau</button>' in html
    )
    return {"tool_count": found[1], "action": "add_back"}


TYPED = {**SECOND, "tool_name": "Carte modifiée"}


def sent_after_its_tool_was_removed(client, contact, three_tools) -> tuple:
    """The second tool's page, opened, its tool removed meanwhile (another tab), then sent with TYPED: the
    page answered, and what its button adding the answers back as a new tool sends."""
    old_page = step_url(contact, "outil", 2)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[1]))
    page = post_page(client, old_page, {**TYPED, "tool": shown})
    return page, {**TYPED, **add_back_data(page)}


def test_a_tool_page_sent_after_its_own_tool_was_removed_shows_what_was_typed(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 2)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[1]))
    typed = {
        **SECOND,
        "tool_name": "Carte modifiée",
        "tool_description": "Une carte des chantiers à commenter.",
    }
    page = post_page(client, old_page, {**typed, "tool": shown})
    assert page.status_code == 409
    text = page_text(page)
    assert REMOVED in text
    assert "rien n'a été enregistré" in text
    html = page.content.decode()
    assert 'value="Carte modifiée"' in html
    assert "Une carte des chantiers à commenter.</textarea>" in html
    # Sent to the list of tools, with a button of its own: nothing is written unless it is pressed.
    assert f'action="{step_url(contact, "outil")}"' in html
    assert names() == ["Budget participatif malouin", "Portail open data"]
    assert not Answer.objects.filter(text="Une carte des chantiers à commenter.").exists()
    assert Response.objects.get().tool_count == 2


def test_a_tool_page_sent_after_two_removals_took_its_number_away_shows_what_was_typed(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 3)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[0]))
    client.post(remove_url(contact, three_tools[2]))
    page = post_page(client, old_page, {**THIRD, "tool_name": "Portail renommé", "tool": shown}, "save_exit")
    assert page.status_code == 409
    assert REMOVED in page_text(page)
    assert 'value="Portail renommé"' in page.content.decode()
    assert names() == ["Carte des chantiers"]


def test_the_typed_answers_of_a_removed_tool_can_be_added_back_as_a_new_tool(
    client, contact, three_tools
) -> None:
    _page, sent = sent_after_its_tool_was_removed(client, contact, three_tools)
    added = client.post(step_url(contact, "outil"), sent)
    assert added["Location"] == step_url(contact, "outil", 3)
    assert names() == ["Budget participatif malouin", "Portail open data", "Carte modifiée"]
    shown_again = client.get(added["Location"])
    assert "Ce que vous aviez saisi est devenu l'outil 3" in page_text(shown_again)
    assert 'value="Carte modifiée"' in shown_again.content.decode()
    # A double click adds it once.
    again = client.post(step_url(contact, "outil"), sent)
    assert again["Location"] == step_url(contact, "outil", 3)
    assert Response.objects.get().tool_count == 3


def test_a_removed_tool_is_not_added_back_past_the_maximum_and_its_answers_stay_shown(
    client, contact, three_tools
) -> None:
    contact.edition.max_tools = 3
    contact.edition.save(update_fields=["max_tools"])
    _page, sent = sent_after_its_tool_was_removed(client, contact, three_tools)
    client.post(step_url(contact, "outil"), {"action": "add", "tool_count": "2"})
    refused = client.post(step_url(contact, "outil"), sent)
    assert refused.status_code == 400
    assert "Vous pouvez décrire 3 outils au plus." in page_text(refused)
    assert REMOVED in page_text(refused)
    assert 'value="Carte modifiée"' in refused.content.decode()
    assert "Carte modifiée" not in names()
    assert Response.objects.get().tool_count == 3


def test_a_tool_page_sent_after_the_tools_part_was_hidden_shows_what_was_typed(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 1)
    shown = shown_tool(client, old_page)
    post_page(client, step_url(contact, "profil"), {**PROFILE, "has_tool": "non"})
    page = post_page(client, old_page, {**TOOL, "tool_name": "Budget renommé", "tool": shown})
    assert page.status_code == 409
    assert "Rien n'a été enregistré" in page_text(page)
    assert 'value="Budget renommé"' in page.content.decode()
    assert "add_back" not in page.content.decode()
    assert "Budget renommé" not in names()


def test_a_removed_tool_s_page_sent_with_an_invalid_answer_is_not_shown_as_another_tool(
    client, contact, three_tools
) -> None:
    old_page = step_url(contact, "outil", 2)
    shown = shown_tool(client, old_page)
    client.post(remove_url(contact, three_tools[1]))
    page = post_page(client, old_page, {**SECOND, "tool_url": "pas une adresse", "tool": shown})
    assert page.status_code == 409
    text = page_text(page)
    assert REMOVED in text
    assert "Saisissez une adresse web complète" in text
    assert "(Portail open data)" not in text
    assert 'value="pas une adresse"' in page.content.decode()
    assert 'value="Carte des chantiers"' in page.content.decode()


def test_a_removed_tool_s_answers_sent_back_once_the_tools_part_is_hidden_stay_shown(
    client, contact, three_tools
) -> None:
    _page, sent = sent_after_its_tool_was_removed(client, contact, three_tools)
    post_page(client, step_url(contact, "profil"), {**PROFILE, "has_tool": "non"})
    again = client.post(step_url(contact, "outil"), sent)
    assert again.status_code == 409
    assert "Rien n'a été enregistré" in page_text(again)
    assert 'value="Carte modifiée"' in again.content.decode()
    assert Response.objects.get().tool_count == 2
