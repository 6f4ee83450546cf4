"""The API's documents of tools written from plain rows, in two queries: what `ToolSerializer`'s
declared fields describe, fast enough for a page of fifty tools."""

from collections import defaultdict
from collections.abc import Callable
from functools import cache

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from rest_framework import serializers

from tools_registry.licences import LICENCES, licence_of
from tools_registry.links.models import LinkCheck
from tools_registry.models import STORED_OBJECTIVES, Tool, ToolSource, stored_objectives
from tools_registry.provenance import SourceRecord, records_by_credit
from tools_registry.representation import iso_datetime, tool_page_address

_DATE = serializers.DateField()


# What a tool's document is read from, beside its objectives and sources: values() paths.
_TOOL_ROW = [
    "pk",
    "slug",
    "name",
    "description",
    "url",
    "family",
    "family_other",
    "software",
    "is_open_source",
    "launch_year",
    "launched_on",
    "life_status",
    "end_year",
    "ended_on",
    "replacement_slug",
    "archived_url",
    "hybrid",
    "hybrid_formats",
    "source",
    "last_verified",
    "created_at",
    "updated_at",
    *STORED_OBJECTIVES,
    "collectivity_id",
    "collectivity__slug",
    "collectivity__name",
    "collectivity__kind",
    "collectivity__territory__code",
    "collectivity__population",
    "collectivity__latitude",
    "collectivity__longitude",
    "link_check__url",
    "link_check__checked_at",
    "link_check__outcome",
    "link_check__review",
    "link_check__first_failure_at",
]
_SOURCE_ROW = [
    "tool_id",
    "source__code",
    "source__name",
    "source__publisher",
    "source__credit",
    "source__url",
    "source__licence",
    "record_id",
    "source_date",
    "missing_since",
]


class ToolDocuments(list):
    """The documents of some tools, in order, and the records of the sources describing the collectivities
    they show that are not the tools' own (`described`, as a document gives its `provenance`): what an
    answer holding them credits beside its tools' sources, their names and points may come from these."""

    def __init__(self, documents: list[dict], described: list[dict]) -> None:
        super().__init__(documents)
        self.described = described


def tool_documents(ids: list[int], request: HttpRequest | None) -> ToolDocuments:
    """The API's document of each published tool whose id is in `ids`, in the order of `ids`: what
    ToolSerializer's declared fields describe, written out from plain rows in two queries (the second
    also reads the records describing their collectivities, see `ToolDocuments`).

    A page of fifty tools walked field by field by DRF cost ~20 ms (a nested serializer per tool), and
    built from model instances with their prefetched relations still ~5 ms; from rows, ~1 ms. The two
    queries are built once (`_document_queries`): resolving their forty-odd field paths cost more than
    running them at 10k tools. The tests compare this document with the declared fields'
    (tests/test_api_representation.py).
    """
    tools, sources = _document_queries()
    rows = {row["pk"]: row for row in tools.filter(pk__in=ids)}
    shown = {row["collectivity_id"] for row in rows.values()} - {None}
    describing = SourceRecord.objects.describing_collectivities().filter(collectivity_id__in=shown)
    records = defaultdict(list)
    described = []
    for record in sources.filter(Q(tool_id__in=rows.keys()) | Q(pk__in=describing.values("pk"))):
        if record["tool_id"] in rows:
            records[record["tool_id"]].append(record)
        else:
            described.append(_provenance(record))
    web_url = tool_page_address()
    documents = [_document(rows[pk], records[pk], web_url) for pk in ids if pk in rows]
    return ToolDocuments(documents, described)


@cache
def _document_queries() -> tuple[QuerySet, QuerySet]:
    """The rows of published tools and their sources, to be filtered by id: each filter clones a query
    whose fields are already resolved."""
    tools = Tool.objects.published().with_public_replacement().order_by().values(*_TOOL_ROW)
    sources = SourceRecord.objects.order_by(*records_by_credit()).values(*_SOURCE_ROW)
    return tools, sources


def _document(row: dict, records: list[dict], web_url: Callable[[str], str]) -> dict:
    link_check = None
    if row["link_check__url"] is not None:
        link_check = LinkCheck(
            tool=Tool(url=row["url"]),
            url=row["link_check__url"],
            checked_at=row["link_check__checked_at"],
            outcome=row["link_check__outcome"],
            review=row["link_check__review"],
            first_failure_at=row["link_check__first_failure_at"],
        )
        link_check = link_check if link_check.is_current else None
    return {
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "url": row["url"],
        "family": row["family"],
        "family_other": row["family_other"],
        "objectives": stored_objectives(row),
        "collectivity": None
        if row["collectivity_id"] is None
        else {
            "slug": row["collectivity__slug"],
            "name": row["collectivity__name"],
            "kind": row["collectivity__kind"],
            "code": row["collectivity__territory__code"],
            "population": row["collectivity__population"],
            "latitude": row["collectivity__latitude"],
            "longitude": row["collectivity__longitude"],
        },
        "software": row["software"],
        "is_open_source": row["is_open_source"],
        "launch_year": row["launch_year"],
        "launched_on": _DATE.to_representation(row["launched_on"]),
        "life_status": row["life_status"],
        "end_year": row["end_year"],
        "ended_on": _DATE.to_representation(row["ended_on"]),
        "replaced_by": row["replacement_slug"] or None,
        "archived_url": row["archived_url"],
        "hybrid": row["hybrid"],
        "hybrid_formats": list(row["hybrid_formats"]),
        "source": row["source"],
        "provenance": [_provenance(record) for record in records],
        "licence": licence_of({record["source__licence"] for record in records}).code,
        "is_demo": row["source"] == ToolSource.DEMO,
        "last_verified": _DATE.to_representation(row["last_verified"]),
        "link_checked_at": link_check.checked_at if link_check else None,
        "link_ok": link_check.link_ok if link_check else None,
        "unreachable_since": link_check.unreachable_since if link_check else None,
        "created_at": iso_datetime(row["created_at"]),
        "updated_at": iso_datetime(row["updated_at"]),
        "web_url": web_url(row["slug"]),
    }


def _provenance(record: dict) -> dict:
    """What ProvenanceSerializer gives, written out (see `tool_documents`)."""
    return {
        "source": record["source__code"],
        "name": record["source__name"],
        "publisher": record["source__publisher"],
        "credit": record["source__credit"],
        "url": record["source__url"],
        "licence": record["source__licence"],
        "licence_url": LICENCES[record["source__licence"]].url,
        "record_id": record["record_id"],
        "source_date": _DATE.to_representation(record["source_date"]),
        "missing_since": iso_datetime(record["missing_since"]),
    }
