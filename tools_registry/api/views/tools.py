"""The published tools: their list (JSON pages, GeoJSON, CSV) and a tool's document."""

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from tools_registry.api.renderers import CSVRenderer, GeoJSONRenderer
from tools_registry.api.serializers import ToolDocuments, ToolSerializer, tool_documents
from tools_registry.api.views.common import SLUG_PATTERN, PublicReadMixin, _address
from tools_registry.csv_export import stream_tools_csv
from tools_registry.filters import ToolFilterSet, common_word_block, list_digest, ranked
from tools_registry.geojson import cached_feature_collection
from tools_registry.history import moved_or_404
from tools_registry.licences import (
    Credit,
    Licence,
    SourceCredit,
    by_credit,
    licence_of,
    link_header,
    listed_tools_terms,
)
from tools_registry.models import Tool

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "geojson", "csv"],
    description=(
        "json : page de résultats ; geojson : tous les outils filtrés localisés (FeatureCollection, "
        "source de la carte) ; csv : tous les outils filtrés."
    ),
)

# A tool as the list and the detail give it, for the schema's examples.
TOOL_EXAMPLE = {
    "slug": "budget-participatif-de-saint-malo",
    "name": "Budget participatif de Saint-Malo",
    "description": "Les habitants proposent des projets pour leur quartier et votent pour ceux à réaliser.",
    "url": "https://budget.saint-malo.example/",
    "family": "budget_participatif",
    "family_other": "",
    "objectives": ["idees", "coconstruire"],
    "collectivity": {
        "slug": "saint-malo",
        "name": "Saint-Malo",
        "kind": "commune",
        "code": "35288",
        "population": 47255,
        "latitude": 48.6493,
        "longitude": -2.0257,
    },
    "software": "Decidim",
    "is_open_source": True,
    "launch_year": 2019,
    "launched_on": None,
    "life_status": "active",
    "end_year": None,
    "ended_on": None,
    "replaced_by": None,
    "archived_url": "",
    "hybrid": True,
    "hybrid_formats": ["reunions_publiques"],
    "source": "submission",
    "provenance": [],
    "licence": "etalab-2.0",
    "is_demo": False,
    "last_verified": "2026-10-05",
    "link_checked_at": "2026-12-01T03:12:45Z",
    "link_ok": True,
    "unreachable_since": None,
    "created_at": "2026-09-14T10:02:31Z",
    "updated_at": "2026-10-05T16:40:08Z",
    "web_url": "https://barometre.example/outils/budget-participatif-de-saint-malo/",
}


@extend_schema(tags=["outils"])
class ToolViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Published tools. Filters, search and ordering are those of the catalogue (`/outils/`).

    A tool's former address (renamed, or merged into another tool) answers 301 with its address now."""

    serializer_class = ToolSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ToolFilterSet
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer, CSVRenderer]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self) -> QuerySet:
        # Documents are written from rows (ToolSerializer, tool_documents): no relation to load here.
        return Tool.objects.published()

    def list_key(self) -> str:
        """The published tools filtered and sorted as asked: the catalogue's list of the same query."""
        return list_digest(self.request.query_params)

    def list_ranked(self) -> bool:
        """Whether the list is ordered by relevance (see CachedPaginator)."""
        params = self.request.query_params
        return ranked(params.get("q"), params.get("sort"))

    def list_block(self, start: int, stop: int) -> tuple[list[int], int] | None:
        """The tools `start` to `stop` of a search for a common word, without SQL (see CachedPaginator)."""
        return common_word_block(self.request.query_params)(start, stop)

    def page_rows(self, queryset: QuerySet, ids: list[int]) -> list[dict]:
        """A page of the list: the documents of its tools, from rows."""
        return tool_documents(ids, self.request)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A tool's address names one tool: the list's filters in its query never hide it.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_renderers(self) -> list:
        # GeoJSON and CSV represent the whole filtered list; a single tool is JSON only.
        if self.action == "retrieve":
            return [JSONRenderer(), BrowsableAPIRenderer()]
        return super().get_renderers()

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): ToolSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection des outils localisés."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="CSV UTF-8 de tous les outils filtrés."
            ),
        },
        examples=[
            OpenApiExample(
                "Budgets participatifs en Bretagne",
                description="GET /api/v1/tools/?family=budget_participatif&region=53&q=budget",
                # One tool: drf-spectacular puts it in the page's envelope (`results`) itself.
                value=TOOL_EXAMPLE,
                response_only=True,
            )
        ],
    )
    def list(self, request: Request, *args, **kwargs) -> Response | HttpResponse:
        fmt = request.accepted_renderer.format
        if fmt == GeoJSONRenderer.format:
            queryset = self.filter_queryset(Tool.objects.published())
            source = cached_feature_collection(queryset, request.query_params)
            response = HttpResponse(source.body, content_type=GeoJSONRenderer.media_type)
            response["Link"] = link_header(source.licence, source.sources)
            return response
        if fmt == CSVRenderer.format:
            queryset = self.filter_queryset(Tool.objects.published())
            response = StreamingHttpResponse(
                stream_tools_csv(queryset), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="outils.csv"'
            response["Link"] = link_header(*listed_tools_terms(queryset))
            return response
        documents = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        response = self.get_paginated_response(documents)
        # The page's ToolDocuments (REST framework's pagination hands on a plain list of them).
        response["Link"] = link_header(*_documents_terms(self.paginator.page.object_list))
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response | HttpResponsePermanentRedirect:
        try:
            tool = self.get_object()
        except Http404:
            # A tool merged into another: its old address leads to the kept one, as its page does.
            kept = Tool.objects.merged_target(kwargs["slug"])
            if kept is None:
                published = Tool.objects.published()
                return moved_or_404(request, published, kwargs["slug"], _address("api:tool-detail"))
            return HttpResponsePermanentRedirect(reverse("api:tool-detail", args=[kept.slug]))
        documents = tool_documents([tool.pk], request)
        response = Response(documents[0])
        # Its collectivity's name and point may come from a source too, as on a page of the list.
        response["Link"] = link_header(*_documents_terms(documents))
        return response


def _documents_terms(documents: ToolDocuments) -> tuple[Licence, list[Credit]]:
    """The licence of a page of tools or of one tool's answer, ODbL as soon as it holds a record of a
    share-alike source, and the sources it holds records from: those its tools credit (`provenance`) and
    those that describe the collectivities it shows (their names and points may come from them:
    `described`), in the order of `by_credit`."""
    records = [*(record for document in documents for record in document["provenance"]), *documents.described]
    licences = {document["licence"] for document in documents} | {record["licence"] for record in records}
    sources = {
        SourceCredit(url=record["url"], credit=record["credit"], code=record["source"]) for record in records
    }
    return licence_of(licences), by_credit(sources)
