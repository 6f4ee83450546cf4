"""The CSV representation of a list of tools, streamed row by row in two queries whatever its length."""

from collections.abc import Iterator
from itertools import groupby

from django.db.models import QuerySet
from django.urls import reverse

from tools_registry import safe_csv
from tools_registry.models import ToolObjective, ToolSource

# Each CSV column and the tool field it is read from (None: computed in `stream_tools_csv`).
COLUMNS: list[tuple[str, str | None]] = [
    ("slug", "slug"),
    ("name", "name"),
    ("url", "url"),
    ("family", "family"),
    ("family_other", "family_other"),
    ("objectives", None),
    ("collectivity", "collectivity__name"),
    ("collectivity_kind", "collectivity__kind"),
    ("collectivity_code", "collectivity__territory__code"),
    ("departement", "collectivity__departement__code"),
    ("region", "collectivity__region__code"),
    ("latitude", "collectivity__latitude"),
    ("longitude", "collectivity__longitude"),
    ("software", "software"),
    ("is_open_source", "is_open_source"),
    ("launch_year", "launch_year"),
    ("hybrid", "hybrid"),
    ("hybrid_formats", "hybrid_formats"),
    ("source", "source"),
    ("is_demo", None),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("web_url", None),
    ("description", "description"),
]
FIELDS = ["pk", *(field for _column, field in COLUMNS if field)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def stream_tools_csv(queryset: QuerySet, *, site_url: str = "") -> Iterator[str]:
    """Yield the CSV lines of every tool of `queryset`, objectives as codes joined by `|` in rank order."""
    writer = safe_csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column for column, _field in COLUMNS])
    tools = queryset.order_by("pk").values(*FIELDS)
    objectives = (
        ToolObjective.objects.filter(tool__in=queryset.order_by().values("pk"))
        .order_by("tool_id", "rank")
        .values_list("tool_id", "objective")
    )
    ranked = groupby(objectives.iterator(5000), key=lambda row: row[0])
    current_id, current = next(ranked, (None, iter(())))
    detail = reverse("tools_registry:tool_detail", kwargs={"slug": "SLUG"})
    for values in tools.iterator(5000):
        while current_id is not None and current_id < values["pk"]:
            current_id, current = next(ranked, (None, iter(())))
        computed = {
            "objectives": [code for _tool, code in current] if current_id == values["pk"] else [],
            "is_demo": values["source"] == ToolSource.DEMO,
            "web_url": site_url + detail.replace("SLUG", values["slug"]),
        }
        yield writer.writerow(
            [_cell(values[field] if field else computed[column]) for column, field in COLUMNS]
        )
