"""The barometer's API: the editions, and each edition's indicators (contract in the README)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from barometre.models import visible_editions
from barometre.results import figures
from barometre.results.indicators import Kind, Part
from survey.models import Edition, EditionStatus, counted_q
from tools_registry.licences import SITE_LICENCE, link_header

PUBLIC_CACHE = "public, max-age=60"


class EditionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code de l'édition (2016…).")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=EditionStatus.choices)
    fictitious = serializers.BooleanField(help_text="Réponses fictives, pour la démonstration.")
    starts_on = serializers.DateField(allow_null=True, help_text="Début du terrain.")
    ends_on = serializers.DateField(allow_null=True, help_text="Fin du terrain.")
    responses = serializers.IntegerField(help_text="Réponses envoyées.")
    indicators_url = serializers.CharField()
    page_url = serializers.CharField()


class EditionListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = EditionSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code du choix.")
    label = serializers.CharField()
    count = serializers.IntegerField(
        help_text="Réponses ou outils ayant donné ce choix (classement : l'ayant classé à un rang)."
    )
    percent = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Répartition : part en %, une décimale (mentions pour un choix multiple).",
    )
    ci_low = serializers.FloatField(
        required=False, allow_null=True, help_text="Wilson 95 %, borne basse, en %."
    )
    ci_high = serializers.FloatField(
        required=False, allow_null=True, help_text="Wilson 95 %, borne haute, en %."
    )
    percent_of_base = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Choix multiple : part des répondants (ou outils) l'ayant cité.",
    )
    first = serializers.IntegerField(required=False, help_text="Classement : outils l'ayant classé premier.")
    score = serializers.IntegerField(
        required=False, help_text="Classement : 3 points au 1er rang, 2 au 2e, 1 au 3e."
    )
    ranks = serializers.DictField(child=serializers.IntegerField(), required=False)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    part = serializers.ChoiceField(choices=Part.choices, help_text="Partie du rapport.")
    question = serializers.CharField(
        help_text="Code de la question (vide pour le nombre de réponses ou d'outils)."
    )
    question_label = serializers.CharField()
    population = serializers.CharField(help_text="Parmi qui l'indicateur est calculé.")
    population_label = serializers.CharField()
    note = serializers.CharField()
    base = serializers.IntegerField(help_text="Réponses ou outils ayant répondu (non-réponse exclue).")
    small_base = serializers.BooleanField(help_text="Base inférieure à 30 : à interpréter avec prudence.")
    count = serializers.IntegerField(required=False, help_text="Effectif (count, share).")
    choices = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Choix comptés (share)."
    )
    percent = serializers.FloatField(required=False, allow_null=True, help_text="share : %, une décimale.")
    ci_low = serializers.FloatField(required=False, allow_null=True)
    ci_high = serializers.FloatField(required=False, allow_null=True)
    mentions = serializers.IntegerField(required=False, help_text="Choix multiple : total des mentions.")
    categories = CategorySerializer(many=True, required=False)


class IndicatorListSerializer(serializers.Serializer):
    edition = EditionSerializer()
    count = serializers.IntegerField()
    results = IndicatorSerializer(many=True)


def edition_data(edition: Edition, responses: int) -> dict:
    report = getattr(edition, "report", None)
    return {
        "code": edition.code,
        "title": edition.display_title(),
        "status": edition.status,
        "fictitious": bool(report and report.fictitious),
        "starts_on": edition.starts_on,
        "ends_on": edition.ends_on,
        "responses": responses,
        "indicators_url": reverse("barometre-api:indicators", kwargs={"edition": edition.code}),
        "page_url": reverse("barometre:edition", kwargs={"edition": edition.code}),
    }


def _cache(request: Request, response: Response) -> Response:
    """The answer with its licence, the barometer's (RFC 8288), and public caching for anonymous clients."""
    response["Link"] = link_header(SITE_LICENCE)
    if not request.user.is_authenticated:
        response["Cache-Control"] = PUBLIC_CACHE
    return response


counted = counted_q("responses__")


@extend_schema(tags=["baromètre"], responses=EditionListSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer, BrowsableAPIRenderer])
def editions(request: Request) -> Response:
    """The barometer's editions with published results (every edition for staff), newest first."""
    rows = visible_editions(request.user).annotate(n=Count("responses", filter=counted)).order_by("-code")
    data = [edition_data(edition, edition.n) for edition in rows]
    return _cache(request, Response({"count": len(data), "results": data}))


@extend_schema(
    tags=["baromètre"],
    responses=IndicatorListSerializer,
    examples=[
        OpenApiExample(
            "Une part",
            value={
                "code": "participation_positive",
                "label": "Le numérique renforce la participation citoyenne (plutôt oui ou tout à fait)",
                "kind": "share",
                "base": 194,
                "count": 155,
                "percent": 79.9,
                "ci_low": 73.7,
                "ci_high": 84.9,
            },
            response_only=True,
        )
    ],
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer, BrowsableAPIRenderer])
def indicators(request: Request, edition: str) -> Response:
    """Every indicator of an edition: counts, shares and distributions with their base and Wilson 95 %
    interval, and the ranking of objectives by weighted score."""
    found = (
        visible_editions(request.user)
        .filter(code=edition)
        .annotate(n=Count("responses", filter=counted))
        .first()
    )
    if found is None:
        raise exceptions.NotFound(_("Édition introuvable."))
    items = figures.indicators(found)
    body = {"edition": edition_data(found, found.n), "count": len(items), "results": items}
    return _cache(request, Response(body))
