"""The GeoJSON representation of a list of tools, the map's source: compact, built from plain rows, cached.

One Feature per place (the collectivity's point) rather than per tool, since a collectivity's tools
share its point: the file stays small whatever the number of tools (about 4 MB for 100,000 tools).
Each feature's properties:

- `c`: the collectivity's name;
- `t`: its tools among the filtered ones, as `[id, family]` pairs, `family` being an index into the
  collection's `families` list (the `tool_family` codes). A tool's details come from
  `/api/v1/tools/?id=<id>[,<id>…]`.
"""

import json

from django.core.cache import cache
from django.db.models import QuerySet

from tools_registry.cache import registry_version
from tools_registry.choices import ToolFamily

CACHE_SECONDS = 300
FAMILIES = list(ToolFamily.values)


def feature_collection(queryset: QuerySet) -> bytes:
    """Every located tool of `queryset`, grouped by place, as a GeoJSON FeatureCollection."""
    family_index = {code: index for index, code in enumerate(FAMILIES)}
    rows = (
        queryset.located()
        .order_by("collectivity_id", "pk")
        .values_list(
            "collectivity_id",
            "collectivity__name",
            "collectivity__longitude",
            "collectivity__latitude",
            "pk",
            "family",
        )
    )
    features: list[str] = []
    place, tools, head = None, [], ""
    for collectivity_id, name, longitude, latitude, pk, family in rows.iterator(5000):
        if collectivity_id != place:
            if tools:
                features.append(f"{head}{','.join(tools)}]}}}}")
            place, tools = collectivity_id, []
            head = (
                f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{round(longitude, 5)},'
                f'{round(latitude, 5)}]}},"properties":{{"c":{json.dumps(name, ensure_ascii=False)},"t":['
            )
        tools.append(f"[{pk},{family_index.get(family, -1)}]")
    if tools:
        features.append(f"{head}{','.join(tools)}]}}}}")
    header = '{"type":"FeatureCollection","families":' + json.dumps(FAMILIES) + ',"features":['
    return (header + ",".join(features) + "]}").encode()


def cached_feature_collection(queryset: QuerySet, query: str) -> bytes:
    key = f"geojson:{registry_version()}:{query}"
    body = cache.get(key)
    if body is None:
        body = feature_collection(queryset)
        cache.set(key, body, CACHE_SECONDS)
    return body
