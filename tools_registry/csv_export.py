"""The CSV representation of a list of tools, streamed row by row in three queries whatever its length."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby

from django.db.models import QuerySet

from tools_registry import safe_csv
from tools_registry.licences import licence_of
from tools_registry.models import STORED_OBJECTIVES, ToolSource, stored_objectives
from tools_registry.provenance import SourceRecord, records_by_credit
from tools_registry.representation import iso_datetime, tool_page_address

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
    ("launched_on", "launched_on"),
    ("life_status", "life_status"),
    ("end_year", "end_year"),
    ("ended_on", "ended_on"),
    ("replaced_by", None),
    ("archived_url", "archived_url"),
    ("hybrid", "hybrid"),
    ("hybrid_formats", "hybrid_formats"),
    ("source", "source"),
    ("provenance", None),
    ("source_date", None),
    ("attribution", None),
    ("licence", None),
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
    if isinstance(value, datetime):
        return iso_datetime(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class ByTool:
    """Rows of another table ordered by tool id, read alongside the tools taken in the same order."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._groups = groupby(rows, key=lambda row: row[0])
        self._advance()

    def _advance(self) -> None:
        self._id, self._group = next(self._groups, (None, iter(())))

    def take(self, tool_id: int) -> list[tuple]:
        while self._id is not None and self._id < tool_id:
            self._advance()
        return [row[1:] for row in self._group] if self._id == tool_id else []


def stream_tools_csv(queryset: QuerySet) -> Iterator[str]:
    """Yield the CSV lines of every tool of `queryset`: objectives as codes joined by `|` in rank order, the
    public sources it comes from, with the date of its record in each and each one's credit (joined by `|`,
    in the same order), and the licence of its row."""
    writer = safe_csv.writer(_Echo())
    yield safe_csv.BOM + writer.writerow([column for column, _field in COLUMNS])
    tools = (
        queryset.with_public_replacement()
        .order_by("pk")
        .values(*FIELDS, *STORED_OBJECTIVES, "replacement_slug")
    )
    ids = queryset.order_by().values("pk")
    sources = ByTool(
        SourceRecord.objects.filter(tool__in=ids)
        .order_by(*records_by_credit("tool_id"))
        .values_list("tool_id", "source__code", "source__licence", "source__credit", "source_date")
        .iterator(5000)
    )
    web_url = tool_page_address()
    for values in tools.iterator(5000):
        provenance = sources.take(values["pk"])
        computed = {
            "objectives": stored_objectives(values),
            "provenance": [code for code, *_rest in provenance],
            "source_date": [_cell(date) for *_rest, date in provenance],
            "attribution": [credit for *_rest, credit, _date in provenance],
            "licence": licence_of({licence for _code, licence, *_rest in provenance}).code,
            "is_demo": values["source"] == ToolSource.DEMO,
            "replaced_by": values["replacement_slug"],
            "web_url": web_url(values["slug"]),
        }
        yield writer.writerow(
            [_cell(values[field] if field else computed[column]) for column, field in COLUMNS]
        )
