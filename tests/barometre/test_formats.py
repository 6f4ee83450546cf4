"""Numbers as each language writes them, and counts that agree with their noun."""

import html
import re

import pytest
from django.urls import reverse

from barometre.models import EditionReport
from barometre.results.demo_editions import DEMO_2016
from barometre.results.demo_survey import load_demo_edition
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


def test_english_pages_show_the_report_s_english_texts(client, demo_editions) -> None:
    english = edition_page(client, "2016", "en")
    assert "Digital technology is generally seen as a powerful lever" in english
    assert "Online survey from 17 January to 4 March 2016, sent to 20,000 contacts" in english
    assert "Le numérique est généralement perçu" not in english and "Enquête en ligne" not in english
    english = edition_page(client, "2018-demo", "en")
    assert "Demonstration: 70 fictitious responses" in english
    assert "Its figures describe no real survey." in english
    assert "Démonstration" not in english and "Édition fictive" not in english
    french = edition_page(client, "2016", "fr")
    assert "Le numérique est généralement perçu" in french and "Digital technology" not in french


def test_a_report_not_yet_translated_shows_its_french_texts_on_english_pages(client) -> None:
    edition = EditionFactory(code="2026", status=EditionStatus.PUBLISHED)
    EditionReport.objects.create(
        edition=edition, introduction="Une édition.", takeaways="Un point.", method_notes="Une note."
    )
    english = edition_page(client, "2026", "en")
    assert "Une édition." in english and "Un point." in english and "Une note." in english


def test_staff_write_the_english_texts_in_the_admin(client, admin_user, demo_2016) -> None:
    client.force_login(admin_user)
    url = reverse("admin:barometre_editionreport_change", args=[demo_2016.report.pk])
    form = client.get(url).content.decode()
    for name in ("introduction_en", "takeaways_en", "method_notes_en"):
        assert f'name="{name}"' in form


def test_a_demo_loaded_before_its_english_texts_gets_them(client, demo_2016) -> None:
    EditionReport.objects.update(takeaways_en="", method_notes_en="")
    load_demo_edition(DEMO_2016)
    assert "Digital technology is generally seen" in edition_page(client, "2016", "en")


def test_counts_agree_with_their_noun(client) -> None:
    edition = EditionFactory(code="2026", status=EditionStatus.PUBLISHED)
    bulk_responses(edition, 2)  # one of the two describes one tool
    text = page_text(client.get(reverse("barometre:edition", kwargs={"edition": "2026"})))
    assert "2 collectivités répondantes" in text
    assert "1 collectivité outillée" in text and "1 outil décrit" in text
    client.cookies["django_language"] = "en"
    text = page_text(client.get(reverse("barometre:edition", kwargs={"edition": "2026"})))
    assert "1 equipped local authority" in text and "1 tool described" in text
