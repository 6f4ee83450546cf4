"""Searches for a common word, answered from the word's list built by a job (tools_registry.common_words):
the same tools in the same order, with the same counts, as the search made in SQL, and never from the
lists of the registry as it was."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.choices import CollectivityKind
from tools_registry.filters import common_words, refresh_facet_index
from tools_registry.models import LifeStatus
from tools_registry.search import search_lexemes

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")
API = reverse("api:tool-list")

# A list each: searches for one word, alone, with filters the facet index answers, with one it does not
# (`located`), sorted otherwise, on later pages.
QUERIES = [
    "q=quartiers",
    "q=Quartier&page_size=3&page=2",
    "q=quartiers&page_size=3&page=4",
    "q=quartiers&family=forum",
    "q=quartiers&family=forum&family=sondage&kind=commune",
    "q=quartiers&life_status=ended",
    "q=quartiers&located=true",
    "q=quartiers&sort=nom",
    "q=quartiers&family=budget_participatif&page_size=1&page=2",
    "q=forum",
    # Several common words: the tools holding all of them, counted from their lists, ranked in SQL.
    "q=habitants quartiers",
    "q=habitants quartier&family=forum&page_size=2&page=2",
]


@pytest.fixture
def common(monkeypatch) -> None:
    """Tools of which a few words are common (three tools or more), some of them the same relevance."""
    monkeypatch.setattr("tools_registry.common_words.COMMON_WORD_ROWS", 3)
    town = CollectivityFactory(name="Ville du quartier", kind=CollectivityKind.COMMUNE)
    region = CollectivityFactory(
        name="Région exemple", kind=CollectivityKind.REGION, latitude=None, longitude=None
    )
    for number, (family, place, life) in enumerate(
        [
            ("forum", town, LifeStatus.ACTIVE),
            ("sondage", region, LifeStatus.ACTIVE),
            ("forum", region, LifeStatus.ENDED),
            ("budget_participatif", town, LifeStatus.ACTIVE),
            ("forum", town, LifeStatus.UNKNOWN),
            ("sondage", town, LifeStatus.ACTIVE),
        ]
    ):
        # Names numbered past 9: ties on relevance are broken by the name, « n° 2 » before « n° 10 ».
        ToolFactory(
            name=f"Conseil de quartier n° {number * 4}",
            description="Les habitants des quartiers débattent.",
            family=family,
            collectivity=place,
            life_status=life,
        )
        ToolFactory(
            name=f"Outil n° {number * 3}",
            description="Un outil de quartier, pour les quartiers et leurs habitants.",
            family=family,
            collectivity=place,
            life_status=life,
        )
        # Some hold one of the words and not the other.
        other = "Les habitants votent." if number % 2 else "Rien à voir."
        ToolFactory(name=f"Autre outil n° {number}", description=other, family=family)


def answers(client) -> dict[str, tuple]:
    """What the API and the catalogue list for each query: the tools in order and their count."""
    found = {}
    for query in QUERIES:
        listed = client.get(f"{API}?{query}").json()
        page = client.get(f"{CATALOGUE}?{query}").content.decode()
        shown = re.findall(r'<h3[^>]*>\s*<a href="/outils/([^/]+)/"', page)
        # The filter panel's values with their counts, and the list's count.
        panel = re.findall(
            r'value="([^"]*)"[^>]*>\s*(?:<label[^>]*>)?[^<(]*(?:<span class="count">)?\((\d+)\)', page
        )
        count = re.search(r'class="results-count"[^>]*>([^<]*)<', page)
        summary = (shown, panel, count.group(1).strip() if count else None)
        found[query] = (listed["count"], [tool["slug"] for tool in listed["results"]], summary)
    return found


def ranked_in_sql(client, query: str) -> bool:
    with CaptureQueriesContext(connection) as context:
        client.get(f"{API}?{query}")
    return any("ts_rank" in statement["sql"] for statement in context.captured_queries)


def matches_read_in_sql(client, query: str) -> bool:
    """Whether the catalogue's facet counts read the search's matches in SQL (facets._keys)."""
    with CaptureQueriesContext(connection) as context:
        client.get(f"{CATALOGUE}?{query}")
    return any("int4send" in statement["sql"] for statement in context.captured_queries)


def test_a_common_word_s_list_gives_the_tools_order_and_counts_of_the_search_in_sql(
    client, common, run_jobs
) -> None:
    # The lists of the common words, and the facet index the other filters are answered from.
    client.get(f"{CATALOGUE}?q=habitants")
    run_jobs()
    assert set(common_words().rows) >= {"quarti", "habit", "forum"}
    assert not ranked_in_sql(client, "q=habitants&page_size=2")
    assert not matches_read_in_sql(client, "q=habitants debattent&family=sondage")
    from_lists = answers(client)

    cache.clear()  # every page, count and list gone: the searches are made in SQL, facets from the index
    refresh_facet_index()
    assert common_words() is None
    assert ranked_in_sql(client, "q=habitants&page_size=2")
    assert matches_read_in_sql(client, "q=habitants debattent&family=sondage")
    in_sql = answers(client)

    assert from_lists == in_sql
    count, slugs, (shown, panel, summary) = from_lists["q=quartiers"]
    assert count == 12 and len(slugs) == 12 and shown == slugs and summary == "12 outils"
    assert ("forum", "6") in panel
    assert from_lists["q=quartiers&page_size=3&page=4"][1] == slugs[9:12]


def test_after_a_change_the_lists_of_the_registry_as_it_was_are_not_used(client, common, run_jobs) -> None:
    client.get(f"{API}?q=quartiers")
    run_jobs()
    assert client.get(f"{API}?q=quartiers").json()["count"] == 12

    ToolFactory(name="Quartier nouveau", description="Tout juste publié.")
    assert common_words() is None
    listed = client.get(f"{API}?q=quartiers").json()
    assert listed["count"] == 13 and "quartier-nouveau" in [tool["slug"] for tool in listed["results"]]
    run_jobs()
    assert client.get(f"{API}?q=quartiers&page_size=1").json()["count"] == 13
    assert not ranked_in_sql(client, "q=quartiers&page_size=2")


def test_keys_larger_than_a_bitmap_holds_leave_the_search_to_sql(client, common, run_jobs) -> None:
    ToolFactory(pk=2**31, name="Quartier lointain", description="Au bout de la ville.")
    client.get(f"{API}?q=quartiers")
    run_jobs()
    assert common_words() is None
    assert client.get(f"{API}?q=quartiers").json()["count"] == 13


@pytest.mark.parametrize(
    ("text", "lexemes"),
    [
        ("Projets", ["projet"]),
        ("  l'été  ", ["ete"]),
        ('"quartiers"', ["quarti"]),
        ("budget participatif", ["budget", "particip"]),
        ('"budget participatif"', None),  # a phrase: the words in a row
        ("Saint-Malo", None),  # a word and its parts, in a row
        ("projets or budget", None),
        ("-projets", None),
        ("projets -budget", None),
        ("'", None),
        ("---", None),
        ("un deux trois quatre cinq", None),  # not sent to the database
    ],
)
def test_a_search_requires_all_of_some_lexemes_or_is_made_in_sql(
    text: str, lexemes: list[str] | None
) -> None:
    assert search_lexemes(text) == lexemes
