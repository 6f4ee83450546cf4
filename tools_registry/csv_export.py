"""The CSV representation of a list of tools, streamed row by row in two queries whatever its length."""

import csv
from collections.abc import Iterator
from itertools import groupby

from django.db.models import QuerySet
from django.urls import reverse

from tools_registry.models import ToolObjective, ToolSource

COLUMNS = [
    "slug",
    "name",
    "url",
    "family",
    "family_other",
    "objectives",
    "collectivity",
    "collectivity_kind",
    "collectivity_code",
    "departement",
    "region",
    "latitude",
    "longitude",
    "software",
    "is_open_source",
    "launch_year",
    "hybrid",
    "hybrid_formats",
    "source",
    "is_demo",
    "created_at",
    "updated_at",
    "web_url",
    "description",
]
FIELDS = [
    "pk",
    "slug",
    "name",
    "url",
    "family",
    "family_other",
    "collectivity__name",
    "collectivity__kind",
    "collectivity__territory__code",
    "collectivity__departement__code",
    "collectivity__region__code",
    "collectivity__latitude",
    "collectivity__longitude",
    "software",
    "is_open_source",
    "launch_year",
    "hybrid",
    "hybrid_formats",
    "source",
    "created_at",
    "updated_at",
    "description",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def stream_tools_csv(queryset: QuerySet, *, site_url: str = "") -> Iterator[str]:
    """Yield the CSV lines of every tool of `queryset`, objectives as codes joined by `|` in rank order."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    tools = queryset.order_by("pk").values_list(*FIELDS)
    objectives = (
        ToolObjective.objects.filter(tool__in=queryset.order_by().values("pk"))
        .order_by("tool_id", "rank")
        .values_list("tool_id", "objective")
    )
    ranked = groupby(objectives.iterator(5000), key=lambda row: row[0])
    current_id, current = next(ranked, (None, iter(())))
    detail = reverse("tools_registry:tool_detail", kwargs={"slug": "SLUG"})
    for row in tools.iterator(5000):
        values = dict(zip(FIELDS, row, strict=True))
        while current_id is not None and current_id < values["pk"]:
            current_id, current = next(ranked, (None, iter(())))
        codes = [code for _tool, code in current] if current_id == values["pk"] else []
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    values["slug"],
                    values["name"],
                    values["url"],
                    values["family"],
                    values["family_other"],
                    "|".join(codes),
                    values["collectivity__name"],
                    values["collectivity__kind"],
                    values["collectivity__territory__code"],
                    values["collectivity__departement__code"],
                    values["collectivity__region__code"],
                    values["collectivity__latitude"],
                    values["collectivity__longitude"],
                    values["software"],
                    values["is_open_source"],
                    values["launch_year"],
                    values["hybrid"],
                    "|".join(values["hybrid_formats"] or []),
                    values["source"],
                    values["source"] == ToolSource.DEMO,
                    values["created_at"].isoformat(),
                    values["updated_at"].isoformat(),
                    site_url + detail.replace("SLUG", values["slug"]),
                    values["description"],
                )
            ]
        )
