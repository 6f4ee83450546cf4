from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from tools_registry.api.renderers import GeoJSONRenderer
from tools_registry.api.serializers import TerritorySerializer, ToolSerializer
from tools_registry.filters import ToolFilterSet, normalized_query
from tools_registry.geojson import cached_feature_collection
from tools_registry.models import Territory, Tool
from tools_registry.text import normalize

AUTOCOMPLETE_LIMIT = 15


class ToolViewSet(viewsets.ReadOnlyModelViewSet):
    """Published tools. Filters, search and ordering are those of the catalogue."""

    serializer_class = ToolSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ToolFilterSet
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return (
            Tool.objects.published().select_related("collectivity__territory").prefetch_related("objectives")
        )

    def list(self, request: Request, *args, **kwargs) -> Response | HttpResponse:
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            queryset = self.filter_queryset(Tool.objects.published())
            body = cached_feature_collection(queryset, normalized_query(request.query_params))
            response = HttpResponse(body, content_type=GeoJSONRenderer.media_type)
            response["Cache-Control"] = "public, max-age=60"
            return response
        return super().list(request, *args, **kwargs)


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The official territories: search by name, postcode or official code (the autocomplete's source)."""

    serializer_class = TerritorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet:
        queryset = Territory.objects.order_by("-population", "name")
        if self.action != "list":
            return queryset
        text = self.request.query_params.get("search", "").strip()[:100]
        if "\x00" in text or not text:
            return queryset.none()
        if text.isdigit() or (len(text) in (2, 3, 5) and text[:2].upper() in {"2A", "2B"}):
            matches = Q(code=text.upper()) | Q(postcodes__contains=text) | Q(former_codes__code=text)
            if len(text) < 5:
                matches |= Q(code__startswith=text)
        else:
            matches = Q(search_name__startswith=normalize(text)) | Q(
                search_name__contains=f" {normalize(text)}"
            )
        return queryset.filter(matches).distinct()[:AUTOCOMPLETE_LIMIT]
