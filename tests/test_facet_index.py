"""The facet index: the filter panel's counts from bitmaps built by a job, never of the registry as it was
(their exactness: tests/test_facets.py, which counts every combination both ways)."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ToolFactory
from tools_registry.cache import rebuild
from tools_registry.facets import count_facets, index_facets
from tools_registry.filters import ToolFilterSet, facet_index
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")


def test_keys_far_apart_are_indexed_and_counted_like_any_others() -> None:
    ToolFactory(pk=1, family="forum", name="Forum du centre")
    ToolFactory(pk=10_000_000, family="forum", name="Forum des quartiers")
    ToolFactory(pk=2_000_000_000, family="sondage", name="Sondage des quartiers")
    index = index_facets(ToolFilterSet, Tool.objects.published(), version=0)
    assert index is not None
    counts = count_facets(ToolFilterSet, QueryDict("q=quartiers"), Tool.objects.published(), index)
    assert counts.total == 2
    assert counts["family"] == {"forum": 1, "sondage": 1}


def test_keys_larger_than_a_bitmap_holds_leave_the_counts_to_sql() -> None:
    ToolFactory(pk=1, family="forum")
    ToolFactory(pk=2**31, family="forum")
    assert index_facets(ToolFilterSet, Tool.objects.published(), version=0) is None
    assert count_facets(ToolFilterSet, QueryDict(), Tool.objects.published()).total == 2


def results_count(client, query: str) -> str:
    page = client.get(f"{CATALOGUE}?{query}").content.decode()
    return re.search(r'class="results-count"[^>]*>([^<]*)<', page).group(1).strip()


def facet_statements(client, query: str) -> list[str]:
    """The statements of a catalogue page that count the facets in SQL."""
    with CaptureQueriesContext(connection) as context:
        client.get(f"{CATALOGUE}?{query}")
    return [query["sql"] for query in context.captured_queries if "GROUPING SETS" in query["sql"]]


def test_the_catalogue_counts_from_the_index_once_a_job_built_it_and_never_from_an_older_one(
    client, run_jobs
) -> None:
    ToolFactory(name="Forum des quartiers", family="forum")
    # No index yet: the counts come from SQL, and a job is asked to build it (never the request).
    assert results_count(client, "family=forum") == "1 outil"
    assert facet_index() is None
    run_jobs()
    assert facet_index() is not None
    assert facet_statements(client, "family=forum&family=sondage") == []
    assert results_count(client, "family=forum&family=open_data") == "1 outil"

    ToolFactory(name="Forum du centre", family="forum")
    # The registry changed: the index of before is not used, the counts are of the registry as it is.
    assert facet_index() is None
    assert results_count(client, "family=forum&family=budget_participatif") == "2 outils"
    run_jobs()
    assert facet_statements(client, "family=forum&family=carte_participative") == []
    assert results_count(client, "family=forum&family=signalement") == "2 outils"


def test_an_index_an_earlier_release_left_in_the_cache_is_never_read(client) -> None:
    ToolFactory(name="Forum des quartiers", family="forum")
    # What a release before the compressed bitmaps stored, at the registry's current version.
    rebuild("facet-index", lambda: "an index of Python ints", 3600)
    assert facet_index() is None
    assert results_count(client, "family=forum") == "1 outil"
