"""The GeoJSON representations of a list of tools.

`feature_collection`, the map's source: compact, built from plain rows, cached.

One Feature per place (the collectivity's point) rather than per tool, since a collectivity's tools
share its point: the file stays small whatever the number of tools (about 4 MB for 100,000 tools).
Each feature's properties:

- `c`: the collectivity's name;
- `t`: its tools among the filtered ones, as `[id, family]` pairs, `family` being an index into the
  collection's `families` list (the `tool_family` codes), and `[id, family, 1]` for a tool that has
  ended (the map draws it apart). A tool's details come from `/api/v1/tools/?id=<id>[,<id>…]`.

The collection also says under which licence it is published (`license`, `license_url`) and the credits
its sources ask for (`attribution`). It is cached with its licence and sources beside it (`MapSource`), for
the answer's `Link` header.

`stream_tool_features`, the download (`/donnees/outils.geojson`): one Feature per tool with its name,
address, family label, collectivity, page, sources (`provenance`: their codes; `source_date`: the date of
the tool's record in each, in the same order, as the API's `provenance` gives it) and licence, streamed;
the collection says its licence and credits like the map's.
"""

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import translation

from tools_registry.areas import point_in_an_area
from tools_registry.cache import LocalCopies, cached, rebuild
from tools_registry.choices import ToolFamily, family_label
from tools_registry.csv_export import ByTool
from tools_registry.filters import ToolFilterSet, query_digest, refreshed_by_job
from tools_registry.licences import Credit, Licence, credits_of, licence_of, listed_tools_terms
from tools_registry.models import LifeStatus, Tool, ToolSource
from tools_registry.provenance import DataSource, SourceRecord, records_by_credit
from tools_registry.representation import tool_page_address

CACHE_SECONDS = 300
FAMILIES = list(ToolFamily.values)


@dataclass(frozen=True)
class MapSource:
    """A map source as it is cached: the collection, and the licence and public sources it holds records
    from, which the answer's `Link` header names (read from here, they cost no query)."""

    body: bytes
    licence: Licence
    sources: tuple[Credit, ...]


# Each worker keeps the map sources it served last (cache.LocalCopies): the whole registry's is 4 MB at
# 100,000 tools, 14 MB at a million.
MAP_SOURCES = LocalCopies[MapSource](max_bytes=32 * 1024 * 1024, size=lambda source: len(source.body))


def feature_collection(queryset: QuerySet) -> MapSource:
    """Every located tool of `queryset`, grouped by place, as a GeoJSON FeatureCollection.

    Written into one buffer as the rows are read: neither a list of the features nor whole copies of the
    collection to join and encode it (14 MB at a million tools), which took a worker's memory up by several
    times its size while it was built.
    """
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
            "life_status",
        )
    )
    licence, sources = listed_tools_terms(queryset)
    body = io.BytesIO()
    opening = f'{{"type":"FeatureCollection","families":{json.dumps(FAMILIES)},{_terms(licence, sources)}'
    body.write(f'{opening},"features":['.encode())
    place, tools, head, separator = None, [], "", ""
    for collectivity_id, name, longitude, latitude, pk, family, life_status in rows.iterator(5000):
        if collectivity_id != place:
            if tools:
                body.write(f"{separator}{head}{','.join(tools)}]}}}}".encode())
                separator = ","
            place, tools = collectivity_id, []
            head = (
                f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{round(longitude, 5)},'
                f'{round(latitude, 5)}]}},"properties":{{"c":{json.dumps(name, ensure_ascii=False)},"t":['
            )
        ended = ",1" if life_status == LifeStatus.ENDED else ""
        tools.append(f"[{pk},{family_index.get(family, -1)}{ended}]")
    if tools:
        body.write(f"{separator}{head}{','.join(tools)}]}}}}".encode())
    body.write(b"]}")
    return MapSource(
        body=body.getvalue(),
        licence=licence,
        sources=tuple(Credit(url=source.url, credit=source.credit) for source in sources),
    )


def _terms(licence: Licence, sources: list[DataSource]) -> str:
    """The collection's licence and credits, as JSON members to place in its opening."""
    terms = {"license": licence.code, "license_url": licence.url, "attribution": credits_of(sources)}
    return json.dumps(terms, ensure_ascii=False)[1:-1]


def cached_feature_collection(queryset: QuerySet, data: QueryDict) -> MapSource:
    """`feature_collection` of `queryset`, the published tools filtered by `data`, cached.

    Once built, a map source that was slow to build (the whole registry's takes seconds at a million
    tools) is rebuilt by a job after a change, not in a request, unless its filters hold text a visitor
    typed (`filters.refreshed_by_job`, `refresh_feature_collection`).
    """
    refresh = refreshed_by_job("map", data)
    build = partial(feature_collection, queryset)
    return cached(_key(data), build, CACHE_SECONDS, local=MAP_SOURCES, refresh=refresh)


def refresh_feature_collection(query: str) -> None:
    """Rebuild the cached map source of the published tools filtered by `query` (a `normalized_query`),
    unless it is current already: the job's part of `cached_feature_collection`."""
    data = QueryDict(query)
    queryset = ToolFilterSet(data, queryset=Tool.objects.published()).qs
    rebuild(_key(data), partial(feature_collection, queryset), CACHE_SECONDS)


def _key(data: QueryDict) -> str:
    # Named after what it holds: an entry of another shape, cached by an earlier release (the bytes alone,
    # under `geojson:`), is never read as a MapSource.
    return f"map-source:{query_digest(data)}"


def stream_tool_features(queryset: QuerySet, *, terms: tuple[Licence, list[DataSource]]) -> Iterator[str]:
    """Every tool of `queryset` as its own Feature, with what a reader needs: the download for people.

    RFC 7946: the point is the collectivity's (longitude, latitude), `null` for a tool that the map does
    not place either (`tools_registry.areas`); the feature's `id` is the tool's slug. Labels are in the
    registry's language (French).
    """
    page_url = tool_page_address()
    rows = (
        queryset.with_public_replacement()
        .order_by("pk")
        .values(
            "pk",
            "slug",
            "name",
            "url",
            "family",
            "family_other",
            "source",
            "life_status",
            "launch_year",
            "end_year",
            "archived_url",
            "replacement_slug",
            longitude=F("collectivity__longitude"),
            latitude=F("collectivity__latitude"),
            collectivity_name=F("collectivity__name"),
            collectivity_code=F("collectivity__territory__code"),
        )
    )
    sources = ByTool(
        SourceRecord.objects.filter(tool__in=queryset.order_by().values("pk"))
        .order_by(*records_by_credit("tool_id"))
        .values_list("tool_id", "source__code", "source__licence", "source_date")
        .iterator(5000)
    )
    yield '{"type":"FeatureCollection",' + _terms(*terms) + ',"features":['
    with translation.override(settings.LANGUAGE_CODE):
        for index, row in enumerate(rows.iterator(5000)):
            provenance = sources.take(row["pk"])
            point = None
            if point_in_an_area(row["latitude"], row["longitude"]):
                point = {
                    "type": "Point",
                    "coordinates": [round(row["longitude"], 5), round(row["latitude"], 5)],
                }
            properties = {
                "name": row["name"],
                "url": row["url"],
                "family": row["family"],
                "family_label": family_label(row["family"], row["family_other"]),
                "collectivity": row["collectivity_name"],
                "collectivity_code": row["collectivity_code"],
                "page_url": page_url(row["slug"]),
                "source": row["source"],
                "life_status": row["life_status"],
                "launch_year": row["launch_year"],
                "end_year": row["end_year"],
                "replaced_by": row["replacement_slug"] or None,
                "archived_url": row["archived_url"],
                "is_demo": row["source"] == ToolSource.DEMO,
                "provenance": [code for code, _licence, _date in provenance],
                "source_date": [date and date.isoformat() for _code, _licence, date in provenance],
                "licence": licence_of({licence for _code, licence, _date in provenance}).code,
            }
            feature = {"type": "Feature", "id": row["slug"], "geometry": point, "properties": properties}
            yield ("," if index else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
    yield "]}"
