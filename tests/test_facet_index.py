"""The facet index: the filter panel's counts from bitmaps built by a job, exact and never of the registry
as it was."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ToolFactory
from tests.test_facets import COMBINATIONS, as_query, naive_counts, registry  # noqa: F401 (a fixture)
from tools_registry.facets import count_facets, index_facets
from tools_registry.filters import ToolFilterSet, facet_index
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")


def published_index():
    return index_facets(ToolFilterSet, Tool.objects.published(), version=0)


@pytest.mark.parametrize("data", COMBINATIONS, ids=lambda data: "&".join(data) or "nothing")
def test_counts_from_the_index_equal_a_naive_count_of_each_value(registry, data) -> None:  # noqa: F811
    counts = count_facets(ToolFilterSet, as_query(data), Tool.objects.published(), index=published_index())
    assert counts == naive_counts(data)
    assert any(counts.values())
    assert counts.total == ToolFilterSet(as_query(data), queryset=Tool.objects.published()).qs.count()


def test_filters_chosen_from_the_panel_are_counted_without_a_statement(registry) -> None:  # noqa: F811
    index = published_index()
    chosen = QueryDict("family=forum&objective=informer&region=53&open_source=true&population=pop_lt_3500")
    with CaptureQueriesContext(connection) as context:
        count_facets(ToolFilterSet, chosen, Tool.objects.published(), index=index)
    assert context.captured_queries == []
    # A search, a software typed in any case, are matched in SQL: one statement each gives their tools.
    typed = QueryDict("q=budget&software=decidim&family=forum")
    with CaptureQueriesContext(connection) as context:
        count_facets(ToolFilterSet, typed, Tool.objects.published(), index=index)
    assert len(context.captured_queries) == 2


def test_keys_too_far_apart_for_bitmaps_leave_the_counts_to_sql() -> None:
    ToolFactory(pk=1, family="forum")
    ToolFactory(pk=10_000_000, family="forum")
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
