"""A page costs the same number of queries whatever the size of the registry."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory, ToolObjectiveFactory
from tools_registry.choices import ToolFamily
from tools_registry.licences import SITE_LICENCE
from tools_registry.models import LifeStatus

pytestmark = pytest.mark.django_db
FAMILIES = list(ToolFamily.values)


def make_tools(count: int) -> None:
    collectivities = CollectivityFactory.create_batch(max(1, count // 3))
    tool = None
    for number in range(count):
        # One tool in five has ended, replaced by the one before it.
        ended = (
            {"life_status": LifeStatus.ENDED, "end_year": 2023, "replaced_by": tool}
            if number % 5 == 4
            else {}
        )
        tool = ToolFactory(
            family=FAMILIES[number % len(FAMILIES)],
            collectivity=collectivities[number % len(collectivities)],
            software=["Decidim", "CONSUL", "uData"][number % 3],
            is_open_source=number % 2 == 0,
            **ended,
        )
        ToolObjectiveFactory(tool=tool, objective="informer", rank=1)
        ToolObjectiveFactory(tool=tool, objective="idees", rank=2)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("tools_registry:tool_list", {}),
        ("tools_registry:tool_list", {"family": "forum", "objective": "informer", "sort": "recent"}),
        ("tools_registry:tool_map", {"open_source": "true"}),
        ("api:tool-list", {"format": "geojson"}),
        ("api:tool-list", {}),
        ("api:tool-list", {"format": "csv"}),
        ("api:tool-list", {"life_status": "ended"}),
        ("home", {}),
    ],
)
def test_query_count_does_not_grow_with_the_registry(queries, name, params) -> None:
    make_tools(10)
    small = queries(reverse(name), params)
    make_tools(290)
    assert queries(reverse(name), params) == small


def test_tool_page_query_count_does_not_grow_with_the_registry(queries) -> None:
    make_tools(10)
    tool = ToolFactory(family=ToolFamily.FORUM)
    small = queries(tool.get_absolute_url())
    make_tools(290)
    # Fewer tools of its family nearby may cost one more statement (the wide box), never more tools.
    assert queries(tool.get_absolute_url()) <= small


def test_an_api_page_of_a_cached_list_reads_its_tools_and_their_sources_in_two_statements(
    client, django_assert_num_queries
) -> None:
    # Its Link header credits the sources describing the collectivities it shows: read with its tools'.
    make_tools(30)
    cache.clear()
    url = reverse("api:tool-list")
    assert client.get(url, {"page_size": 10}).status_code == 200
    with django_assert_num_queries(2):
        response = client.get(url, {"page_size": 10, "page": 2})
    assert len(response.json()["results"]) == 10
    assert response["Link"] == f'<{SITE_LICENCE.url}>; rel="license"; title="{SITE_LICENCE.code}"'
