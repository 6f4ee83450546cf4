"""The insights as JSON: the same figures as the pages, with the licence and credits of the data counted."""

from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tools_registry.choices import ToolFamily
from tools_registry.filters import ToolFilterSet
from tools_registry.insights.coverage import coverage as coverage_of
from tools_registry.insights.peers import SAME_REGION, peers_of
from tools_registry.insights.software import filtered, software_breakdown
from tools_registry.licences import terms_link
from tools_registry.models import Collectivity, Tool

PUBLIC_CACHE = "public, max-age=60"


def _answer(data: dict, terms: dict) -> Response:
    body = {
        **data,
        "licence": terms["licence"],
        "licence_url": terms["licence_url"],
        "attribution": terms["attribution"],
        "demo_tools": terms["demo_tools"],
    }
    headers = {"Link": terms_link(terms), "Cache-Control": PUBLIC_CACHE}
    return Response(body, headers=headers)


@extend_schema(
    tags=["analyses"],
    # The catalogue's filters, documented from its one FilterSet as the tool list's are (a filter of several
    # values as an array of repeated parameters); sorting means nothing for counts.
    filters=True,
    parameters=[OpenApiParameter("sort", exclude=True)],
    responses=OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=(
            "count, families: pour chaque famille (code, label, count), software (name, null si non "
            "renseigné ; count, percent, is_open_source), open_source (yes, no, unknown, base, percent), "
            "by_kind, by_population, by_region (code, label, count, software) ; licence, attribution."
        ),
    ),
)
class SoftwareView(APIView):
    """Software of the published tools in service, per family, split by kind, population band and région.

    The catalogue's filters choose the tools; shares are of the family's tools (`count` is the base).
    """

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    # Read by the schema only, to document the FilterSet's parameters: `get` filters the tools itself.
    queryset = Tool.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ToolFilterSet

    def get(self, request: Request) -> Response:
        filterset = filtered(request.query_params)
        if filterset.is_bound and not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        breakdown = software_breakdown(filterset)
        return _answer({key: value for key, value in breakdown.items() if key != "terms"}, breakdown["terms"])


@extend_schema(
    tags=["analyses"],
    parameters=[OpenApiParameter("family", OpenApiTypes.STR, enum=ToolFamily.values, description="Famille.")],
    responses=OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=(
            "departements: code, name, communes (de 3 500 habitants ou plus), covered_communes, "
            "percent_communes, population, covered_population, percent_population ; licence, attribution."
        ),
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def coverage(request: Request) -> Response:
    """Per département, the communes of 3,500 inhabitants or more covered by a tool in service of a family.

    A commune is covered when it or its intercommunality has such a tool (any family without `family`).
    """
    family = request.query_params.get("family", "")
    if family and family not in ToolFamily.values:
        raise exceptions.ValidationError({"family": [_("Famille inconnue.")]})
    result = coverage_of(family or None)
    return _answer({"family": family or None, "departements": result["departements"]}, result["terms"])


@extend_schema(
    tags=["analyses"],
    parameters=[
        OpenApiParameter(
            "comparables",
            OpenApiTypes.STR,
            enum=[SAME_REGION],
            description=f"{SAME_REGION} : comparables de la même région ; sans : de toute la France.",
        )
    ],
    responses=OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=(
            "level, band, same_region, description, base (comparables, cette collectivité exceptée), "
            "families: code, label, count, base, percent, has (cette collectivité en a un), examples."
        ),
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def peers(request: Request, slug: str) -> Response:
    """A collectivity's peers (same level and population band): for each family, how many have such a tool."""
    comparables = request.query_params.get("comparables", "")
    if comparables not in ("", SAME_REGION):
        message = _("Valeur inconnue : « %(value)s » (même région) ou rien.") % {"value": SAME_REGION}
        raise exceptions.ValidationError({"comparables": [message]})
    collectivity = (
        Collectivity.objects.with_published_tools()
        .select_related("territory", "region")
        .filter(slug=slug)
        .first()
    )
    if collectivity is None:
        raise Http404
    found = peers_of(collectivity, same_region=comparables == SAME_REGION)
    if found is None:
        raise Http404
    families = [
        {
            **{key: value for key, value in family.items() if key not in ("sentence", "examples")},
            "examples": [
                {
                    "name": tool["name"],
                    "slug": tool["slug"],
                    "collectivity": tool["collectivity__name"],
                    "collectivity_slug": tool["collectivity__slug"],
                }
                for tool in family["examples"]
            ],
        }
        for family in found["families"]
    ]
    data = {key: value for key, value in found.items() if key not in ("terms", "families", "name")}
    return _answer({**data, "families": families}, found["terms"])
