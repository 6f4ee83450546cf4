"""A label and what follows it are separated the way the reader's language does: « : » in French, ": " in
English."""

import html
import re

import pytest
from django.urls import reverse

from tests.survey.helpers import TOOL, answer_everything, review_url, step_url

pytestmark = pytest.mark.django_db


def heading(page, tag: str) -> list[str]:
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", found)).split())
        for found in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page.content.decode(), flags=re.S)
    ]


@pytest.fixture
def described(client, contact) -> None:
    answer_everything(client, contact, tools=[TOOL])


def test_a_tool_s_page_and_the_review_separate_the_french_way_in_french(client, contact, described) -> None:
    tool_page = client.get(step_url(contact, "outil", 1))
    assert heading(tool_page, "h1") == [
        "L'outil numérique de démocratie locale : outil 1 sur 1 (Budget participatif malouin)"
    ]
    review = client.get(review_url(contact))
    assert "L'outil numérique de démocratie locale : outil 1 (Budget participatif malouin)" in heading(
        review, "h2"
    )
    assert "Modifier cette partie : L'outil numérique de démocratie locale, outil 1" in " ".join(
        heading(review, "a")
    )


def test_a_tool_s_page_and_the_review_separate_the_english_way_in_english(client, contact, described) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    tool_page = client.get(step_url(contact, "outil", 1))
    assert heading(tool_page, "h1") == [
        "The digital local-democracy tool: tool 1 of 1 (Budget participatif malouin)"
    ]
    review = client.get(review_url(contact))
    assert "The digital local-democracy tool: tool 1 (Budget participatif malouin)" in heading(review, "h2")
    links = " ".join(heading(review, "a"))
    assert "Edit this part: The digital local-democracy tool, tool 1" in links
    assert "Edit this part: General perceptions" in links
    assert " : " not in " ".join(heading(tool_page, "h1") + heading(review, "h2"))
