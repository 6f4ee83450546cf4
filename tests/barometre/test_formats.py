"""Numbers as each language writes them, and counts that agree with their noun."""

import html
import re

import pytest
from django.urls import reverse

from survey.models import EditionStatus
from tests.barometre.helpers import bulk_responses
from tests.factories import EditionFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def edition_page(client, code: str, language: str = "fr") -> str:
    """The page's text with its tags removed, its no-break spaces kept."""
    client.cookies["django_language"] = language
    content = client.get(reverse("barometre:edition", kwargs={"edition": code})).content.decode()
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def test_french_pages_group_thousands_and_space_percentages_with_no_break_spaces(client, demo_2016) -> None:
    text = edition_page(client, "2016")
    assert f"20{NBSP}000" in text  # contacts invited
    assert f"79,9{NBSP}%" in text
    assert not re.search(r"\d,\d %", text), "a percentage whose space may break from its number"


def test_english_pages_write_numbers_the_english_way(client, demo_2016) -> None:
    text = edition_page(client, "2016", "en")
    assert "20,000" in text
    assert "79.9%" in text and "95% CI" in text
    assert not re.search(r"\d,\d(?!\d)", text), "a French decimal comma"
    assert not re.search(r"\d[ \u00a0]%", text), "a French space before %"
    assert "All respondents: " in text and "All respondents : " not in text
    assert "“" in text and "«" not in text.split("Key takeaways")[0]


def test_english_titles_of_the_demo_editions_say_they_are_fictitious(client, demo_editions) -> None:
    client.cookies["django_language"] = "en"
    for code in ("2016", "2018-demo"):
        title = re.search(
            r"<h1>(.*?)</h1>", client.get(reverse("barometre:edition", args=[code])).content.decode()
        )
        assert "fictitious" in title.group(1)


def test_counts_agree_with_their_noun(client) -> None:
    edition = EditionFactory(code="2026", status=EditionStatus.PUBLISHED)
    bulk_responses(edition, 2)  # one of the two describes one tool
    text = page_text(client.get(reverse("barometre:edition", kwargs={"edition": "2026"})))
    assert "2 collectivités répondantes" in text
    assert "1 collectivité outillée" in text and "1 outil décrit" in text
    client.cookies["django_language"] = "en"
    text = page_text(client.get(reverse("barometre:edition", kwargs={"edition": "2026"})))
    assert "1 equipped local authority" in text and "1 tool described" in text
