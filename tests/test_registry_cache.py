"""Cached representations of the registry never outlive a change, even when the cache loses its counter."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import ToolFactory
from tools_registry.cache import VERSION_KEY

pytestmark = pytest.mark.django_db
MAP_DATA = reverse("api:tool-list") + "?format=geojson"


def tool_ids(client) -> set[int]:
    collection = client.get(MAP_DATA).json()
    return {tool[0] for feature in collection["features"] for tool in feature["properties"]["t"]}


def test_a_new_tool_is_on_the_map_even_after_the_version_counter_was_evicted(client) -> None:
    first = ToolFactory()
    assert tool_ids(client) == {first.pk}
    # A full cache evicts some keys and keeps others: here the counter goes, the cached map data stays.
    cache.delete(VERSION_KEY)
    second = ToolFactory()
    assert tool_ids(client) == {first.pk, second.pk}
