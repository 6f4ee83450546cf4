"""The public API: published tools, collectivities, territories, reference lists, submissions and
corrections."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import api_view, parser_classes, permission_classes, renderer_classes
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tools_registry import services
from tools_registry.api.renderers import CSVRenderer, GeoJSONRenderer
from tools_registry.api.serializers import (
    CollectivityDetailSerializer,
    CollectivitySerializer,
    CorrectionReceiptSerializer,
    CorrectionSerializer,
    ReferenceSerializer,
    SubmissionReceiptSerializer,
    SubmissionSerializer,
    TerritorySerializer,
    ToolSerializer,
    tool_documents,
)
from tools_registry.choices import CollectivityKind, Objective, ToolFamily
from tools_registry.corrections import CorrectionStatus
from tools_registry.csv_export import stream_tools_csv
from tools_registry.filters import ToolFilterSet, list_digest, ranked
from tools_registry.forms import CorrectionForm, ToolSubmissionForm
from tools_registry.geojson import cached_feature_collection
from tools_registry.history import moved_or_404, recorded_as
from tools_registry.licences import (
    LICENCES,
    TERRITORY_LICENCE,
    TERRITORY_SOURCES,
    Credit,
    Licence,
    collectivities_terms,
    licence_of,
    link_header,
    listed_tools_terms,
)
from tools_registry.models import Collectivity, Territory, Tool, ToolSource, ToolStatus
from tools_registry.ratelimit import allow, client_ip, exceeded, retry_after
from tools_registry.text import natural

AUTOCOMPLETE_LIMIT = 15
# What a slug in an address may hold (Django's slug converter): anything else is a 404 before any query.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
PUBLIC_CACHE = "public, max-age=60"

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


class KnownMethodsFirst:
    """A method the endpoint does not have is a 405, with its `Allow` header, whoever asks: REST framework
    checks who asks first, and would answer an anonymous PUT on a read-only endpoint 401."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class PublicReadMixin(KnownMethodsFirst):
    def finalize_response(self, request: Request, response, *args, **kwargs):
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            # Errors keep the API's one JSON error format, whatever representation was asked for.
            if request.accepted_renderer.format in {GeoJSONRenderer.format, CSVRenderer.format}:
                request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not request.user.is_authenticated
        ):
            response.setdefault("Cache-Control", PUBLIC_CACHE)
        return response


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
        if response.status_code == 200:
            response["Link"] = link_header(*_documents_terms(response.data["results"]))
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response | HttpResponsePermanentRedirect:
        try:
            response = super().retrieve(request, *args, **kwargs)
        except Http404:
            # A tool merged into another: its old address leads to the kept one, as its page does.
            kept = Tool.objects.merged_target(kwargs["slug"])
            if kept is None:
                published = Tool.objects.published()
                return moved_or_404(request, published, kwargs["slug"], _address("api:tool-detail"))
            return HttpResponsePermanentRedirect(reverse("api:tool-detail", args=[kept.slug]))
        response["Link"] = link_header(LICENCES[response.data["licence"]])
        return response


def _documents_terms(documents: list[dict]) -> tuple[Licence, list[Credit]]:
    """The licence of a page of tools, ODbL as soon as one of them comes from a share-alike source, and the
    sources its tools credit (`provenance`), in the order of `credits_of`."""
    licence = licence_of({document["licence"] for document in documents})
    sources = {
        (record["credit"], record["url"]) for document in documents for record in document["provenance"]
    }
    return licence, [Credit(url=url, credit=credit) for credit, url in sorted(sources)]


def _address(route: str) -> Callable[[str], str]:
    return lambda slug: reverse(route, args=[slug])


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


def _reference(choices: type) -> list[dict]:
    return [{"code": value, "label": str(label)} for value, label in choices.choices]


@extend_schema(tags=["références"], responses=ReferenceSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def families(request: Request) -> Response:
    """The tool families (codes of the questionnaire's `tool_family`)."""
    return Response(_reference(ToolFamily), headers={"Cache-Control": PUBLIC_CACHE})


@extend_schema(tags=["références"], responses=ReferenceSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def objectives(request: Request) -> Response:
    """The objectives a tool may pursue (codes of the questionnaire's `tool_objectives`)."""
    return Response(_reference(Objective), headers={"Cache-Control": PUBLIC_CACHE})


@extend_schema(tags=["références"], responses=ReferenceSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def collectivity_kinds(request: Request) -> Response:
    """The kinds of collectivity (codes of the questionnaire's `collectivity_type`)."""
    return Response(_reference(CollectivityKind), headers={"Cache-Control": PUBLIC_CACHE})


def _readable(serializer_class: type[serializers.Serializer], data: Any) -> tuple[dict, dict]:
    """The fields of `data` of the type and shape the serializer expects, and the errors of the others.

    The form's rules then run on what could be read, so that one answer names every invalid field: the
    serializer's error for a field wins over what the form says of it (absent, to the form).
    """
    incoming = serializer_class(data=data)
    if incoming.is_valid():
        return incoming.validated_data, {}
    errors = dict(incoming.errors)
    if not isinstance(data, Mapping) or api_settings.NON_FIELD_ERRORS_KEY in errors:
        raise serializers.ValidationError(errors)
    rest = serializer_class(
        data={key: value for key, value in data.items() if key not in errors}, partial=True
    )
    return (rest.validated_data if rest.is_valid() else {}), errors


def _refused(form: forms.Form, errors: dict) -> dict:
    """The form's errors, but for the fields the serializer refused already, with its errors."""
    return {
        **{field: list(messages) for field, messages in form.errors.items() if field not in errors},
        **errors,
    }


def _form_data(data: dict) -> MultiValueDict:
    """The submission as the HTML form receives it, so that both go through the same validation."""
    yes_no = {True: "oui", False: "non", None: ""}
    form_data = MultiValueDict()
    for key, value in data.items():
        if key in {"objectives", "hybrid_formats"}:
            form_data.setlist(key, list(value))
        elif key in {"is_open_source", "hybrid"}:
            form_data[key] = yes_no[value]
        elif key in {"consent", "not_listed", "confirm_distinct"}:
            if value:
                form_data[key] = "on"
        elif value is not None:
            form_data[key] = str(value)
    return form_data


@extend_schema(
    tags=["outils"],
    request=SubmissionSerializer,
    responses={201: SubmissionReceiptSerializer},
    examples=[
        OpenApiExample(
            "Proposer un budget participatif",
            value={
                "name": "Budget participatif de Saint-Malo",
                "url": "https://budget.example.org/",
                "description": "Les habitants proposent et votent des projets.",
                "family": "budget_participatif",
                "objectives": ["idees", "coconstruire"],
                "territory_query": "35288",
                "software": "Decidim",
                "is_open_source": True,
                "submitter_name": "Camille Agent",
                "submitter_email": "camille@example.org",
                "consent": True,
            },
            request_only=True,
        )
    ],
)
@api_view(["POST"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
# JSON only (415 otherwise): a page of another site can post a form, never JSON without CORS, which
# only allows reading here. Only accepted submissions count against the rate limit.
@parser_classes([JSONParser])
def submit(request: Request) -> Response:
    """Propose a tool: it is stored as pending, exactly as through the form, until staff moderate it."""
    limit = {"scope": "submission", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if exceeded(**limit):
        raise exceptions.Throttled(wait=retry_after())
    readable, errors = _readable(SubmissionSerializer, request.data)
    form = ToolSubmissionForm(_form_data(readable))
    if not form.is_valid() or errors:
        errors = _refused(form, errors)
        if "confirm_distinct" in form.errors and form.duplicate is not None:
            # The form's page links to the published tool and its correction form; the API gives both.
            errors["confirm_distinct"].append(
                _("Fiche : %(page)s — proposer une correction : %(correction)s")
                % {
                    "page": request.build_absolute_uri(form.duplicate.get_absolute_url()),
                    "correction": request.build_absolute_uri(
                        reverse("tools_registry:tool_correct", args=[form.duplicate.slug])
                    ),
                }
            )
        raise serializers.ValidationError(errors)
    data = form.cleaned_data
    if data["website"]:
        # The honeypot: accepted in appearance, stored nowhere.
        receipt = {"slug": None, "status": ToolStatus.PENDING, "duplicate_flagged": False}
        return Response(SubmissionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
    if not allow(**limit):
        raise exceptions.Throttled(wait=retry_after())
    with recorded_as(ToolSource.SUBMISSION):  # the collectivity the proposal may add, like the tool
        tool = services.propose_tool(proposal=form.proposal(), choice=form.collectivity_choice())
    receipt = {
        "slug": tool.slug,
        "status": tool.status,
        "duplicate_flagged": tool.public_duplicate is not None,
    }
    return Response(SubmissionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["outils"],
    request=CorrectionSerializer,
    responses={201: CorrectionReceiptSerializer},
    examples=[
        OpenApiExample(
            "Signaler une nouvelle adresse",
            value={
                "tool": "budget-participatif-de-saint-malo",
                "kind": "url",
                "proposed_value": "https://budget.saint-malo.example/",
                "email": "camille@example.org",
                "consent": True,
            },
            request_only=True,
        )
    ],
)
@api_view(["POST"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
@parser_classes([JSONParser])  # JSON only, as for submissions (see `submit`)
def correct(request: Request) -> Response:
    """Propose a correction of a published tool: it waits for staff, exactly as through the form."""
    limit = {"scope": "correction", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if exceeded(**limit):
        raise exceptions.Throttled(wait=retry_after())
    readable, errors = _readable(CorrectionSerializer, request.data)
    tool = Tool.objects.published().filter(slug=readable.pop("tool", None)).first()
    if tool is None and "tool" not in errors:
        errors["tool"] = [_("Aucun outil publié n'a cet identifiant.")]
    form = CorrectionForm(_form_data(readable))
    if not form.is_valid() or errors:
        raise serializers.ValidationError(_refused(form, errors))
    receipt = CorrectionReceiptSerializer({"status": CorrectionStatus.PENDING}).data
    if form.cleaned_data["website"]:  # the honeypot: accepted in appearance, stored nowhere
        return Response(receipt, status=status.HTTP_201_CREATED)
    if not allow(**limit):
        raise exceptions.Throttled(wait=retry_after())
    cleaned = form.cleaned_data
    services.submit_correction(
        tool=tool, kind=cleaned["kind"], proposed_value=cleaned["proposed_value"], email=cleaned["email"]
    )
    return Response(receipt, status=status.HTTP_201_CREATED)
