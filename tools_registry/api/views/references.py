"""The reference lists: the codes of tool families, objectives and kinds of collectivity."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from tools_registry.api.serializers import ReferenceSerializer
from tools_registry.api.views.common import PUBLIC_CACHE
from tools_registry.choices import CollectivityKind, Objective, ToolFamily


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
