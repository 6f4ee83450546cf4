"""The official territories, searched by name, postcode or code: the autocomplete's source."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request

from tools_registry.api.serializers import TerritorySerializer
from tools_registry.api.views.common import PublicReadMixin
from tools_registry.licences import TERRITORY_LICENCE, TERRITORY_SOURCES, link_header
from tools_registry.models import Territory

AUTOCOMPLETE_LIMIT = 15


@extend_schema(
    tags=["territoires"],
    parameters=[
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            description="Nom (début de mot, sans accents), code postal, code officiel INSEE ou SIREN.",
        )
    ],
)
class TerritoryViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """The official territories: search by name, postcode or official code (the autocomplete's source)."""

    serializer_class = TerritorySerializer
    pagination_class = None
    filter_backends = []

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            # The autocomplete reads a bare list: the reference's licence and credits go in the header.
            response["Link"] = link_header(TERRITORY_LICENCE, TERRITORY_SOURCES)
        return response

    def get_queryset(self) -> QuerySet:
        queryset = Territory.objects.order_by("-population", "name", "pk")
        if self.action != "list":
            return queryset
        text = self.request.query_params.get("search", "").strip()[:100]
        return queryset.search(text)[:AUTOCOMPLETE_LIMIT]
