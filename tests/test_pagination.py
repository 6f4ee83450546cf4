"""Pages are read by blocks: every page shows the right tools, and the blocks save statements."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import ToolFactory
from tools_registry import pagination

pytestmark = pytest.mark.django_db
TOOLS = reverse("api:tool-list")
CATALOGUE = reverse("tools_registry:tool_list")


@pytest.fixture
def api() -> APIClient:
    cache.clear()
    return APIClient()


@pytest.fixture
def small_blocks(monkeypatch) -> None:
    # Three pages of three tools a block: a few tools span several blocks.
    monkeypatch.setattr(pagination, "BLOCK_ROWS", 10)


def names(api: APIClient, **params) -> tuple[int, list[str]]:
    body = api.get(TOOLS, {"page_size": 3, **params}).json()
    return body["count"], [tool["name"] for tool in body["results"]]


@pytest.mark.parametrize("tools", [2, 9, 11, 20])
def test_reading_page_after_page_gives_every_tool_once_in_order(api, small_blocks, tools) -> None:
    expected = [f"Outil {number:02}" for number in range(tools)]
    for name in reversed(expected):
        ToolFactory(name=name)
    pages = -(-tools // 3)
    read = []
    for number in range(1, pages + 1):
        count, page = names(api, page=number)
        assert count == tools
        read += page
    assert read == expected
    assert api.get(TOOLS, {"page_size": 3, "page": pages + 1}).status_code == 404


def test_a_page_past_the_end_of_a_long_list_is_not_found(api, small_blocks) -> None:
    ToolFactory.create_batch(12)
    assert api.get(TOOLS, {"page_size": 3, "page": 9}).status_code == 404
    assert api.get(TOOLS, {"page_size": 3, "page": 10**30}).status_code == 404
    assert api.get(TOOLS, {"page_size": 3, "page": 4}).status_code == 200


def counts_and_rankings(api: APIClient, **params) -> tuple[int, int]:
    """How many COUNT statements and how many statements reading a list's ids a request runs."""
    with CaptureQueriesContext(connection) as context:
        assert api.get(TOOLS, {"page_size": 3, **params}).status_code == 200
    statements = [query["sql"] for query in context.captured_queries]
    counting = sum(sql.startswith("SELECT COUNT(") for sql in statements)
    ids = 'SELECT "tools_registry_tool"."id" AS "pk"'
    ranking = sum(sql.startswith((f"{ids} FROM", f"{ids}, COUNT(*) OVER")) for sql in statements)
    return counting, ranking


def test_a_list_that_ends_in_its_first_block_is_not_counted_apart(api, small_blocks) -> None:
    ToolFactory.create_batch(8)
    assert counts_and_rankings(api) == (0, 1)


def test_a_longer_list_is_counted_and_its_next_pages_are_already_read(api, small_blocks) -> None:
    ToolFactory.create_batch(12)
    assert counts_and_rankings(api, page=1) == (1, 1)
    assert counts_and_rankings(api, page=2) == (0, 0)
    assert counts_and_rankings(api, page=3) == (0, 0)
    assert counts_and_rankings(api, page=4) == (0, 1)


@pytest.mark.both_databases
def test_a_search_longer_than_a_block_is_counted_by_the_statement_that_ranks_it(api, small_blocks) -> None:
    # Ranking a search reads every tool it matches: the same statement counts them.
    expected = [f"Budget participatif {number:02}" for number in range(12)]
    for name in reversed(expected):
        ToolFactory(name=name)
    ToolFactory(name="Forum des quartiers")
    assert counts_and_rankings(api, q="budget", page=1) == (0, 1)
    assert counts_and_rankings(api, q="budget", page=2) == (0, 0)
    read = []
    for number in range(1, 5):
        count, page = names(api, q="budget", page=number)
        assert count == 12
        read += page
    assert read == expected
    assert api.get(TOOLS, {"page_size": 3, "q": "budget", "page": 5}).status_code == 404
    cache.clear()
    assert counts_and_rankings(api, q="budget", page=4) == (0, 2)  # the first block tells the count
    assert names(api, q="budget", page=4) == (12, expected[9:])


def test_the_catalogue_shows_the_next_page_of_a_search_from_the_block_read_first(client) -> None:
    for number in range(30):
        ToolFactory(name=f"Budget participatif {number:02}")
    cache.clear()
    first = client.get(CATALOGUE, {"q": "budget"})
    with CaptureQueriesContext(connection) as context:
        second = client.get(CATALOGUE, {"q": "budget", "page": 2})
    assert "30 outils" in first.content.decode()
    html = second.content.decode()
    assert "Budget participatif 20" in html and "Budget participatif 19" not in html
    assert not any('"tools_registry_tool"."id" AS "pk"' in query["sql"] for query in context.captured_queries)


def test_a_list_longer_than_a_block_costs_one_statement_more_whatever_its_length(
    queries, small_blocks
) -> None:
    ToolFactory.create_batch(8)
    short = queries(TOOLS, {"page_size": 3})
    ToolFactory.create_batch(4)
    longer = queries(TOOLS, {"page_size": 3})
    ToolFactory.create_batch(40)
    assert queries(TOOLS, {"page_size": 3}) == longer == short + 1
