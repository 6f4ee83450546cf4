"""The collectivities that have a published tool, with their published tools."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tools_registry.api.serializers import CollectivityDetailSerializer, CollectivitySerializer
from tools_registry.api.views.common import SLUG_PATTERN, PublicReadMixin, _address
from tools_registry.history import moved_or_404
from tools_registry.licences import collectivities_terms, link_header
from tools_registry.models import Collectivity, Tool
from tools_registry.text import natural


@extend_schema(tags=["collectivités"])
class CollectivityViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Collectivities that have at least one published tool, with their published tools.

    A collectivity's former address (renamed) answers 301 with its address now."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = []

    def get_serializer_class(self):
        return CollectivityDetailSerializer if self.action == "retrieve" else CollectivitySerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            # Its collectivities and their counts of tools are derived from the records of the collectivities
            # and of their tools: the page takes their licence.
            slugs = [collectivity["slug"] for collectivity in response.data["results"]]
            response["Link"] = link_header(*collectivities_terms(Collectivity.objects.filter(slug__in=slugs)))
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response | HttpResponsePermanentRedirect:
        try:
            collectivity = self.get_object()
        except Http404:
            visible = Collectivity.objects.with_published_tools()
            return moved_or_404(request, visible, kwargs["slug"], _address("api:collectivity-detail"))
        # Its tools' names and addresses, and what a source said of the collectivity itself, are records of
        # their sources: the answer takes their licence.
        collectivity.terms = collectivities_terms(Collectivity.objects.filter(pk=collectivity.pk))
        data = self.get_serializer(collectivity).data
        return Response(data, headers={"Link": link_header(*collectivity.terms)})

    def get_queryset(self) -> QuerySet:
        queryset = (
            Collectivity.objects.with_published_tools()
            .select_related("territory", "departement", "region")
            .order_by(natural("name"), "pk")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "tools",
                    queryset=Tool.objects.published().active_first(natural("name"), "pk"),
                    to_attr="published_tools",
                )
            )
        return queryset
