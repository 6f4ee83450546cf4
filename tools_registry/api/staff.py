"""Staff endpoints (token authentication): every tool whatever its status, edits and moderation."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from tools_registry import services
from tools_registry.api.serializers import RefusesNulCharacters, ToolSerializer
from tools_registry.api.views import SLUG_PATTERN, KnownMethodsFirst
from tools_registry.choices import HybridFormat, Objective
from tools_registry.forms import RankedChoicesField
from tools_registry.models import MAX_OBJECTIVES, Collectivity, Tool, ToolStatus
from tools_registry.provenance import with_provenance


class StaffToolSerializer(RefusesNulCharacters, ToolSerializer):
    objectives = serializers.ListField(
        child=serializers.ChoiceField(Objective.choices),
        max_length=MAX_OBJECTIVES,
        required=False,
        write_only=True,
        help_text="Un à trois codes, par priorité.",
    )
    ranked_objectives = serializers.SerializerMethodField(help_text="Codes des objectifs, par priorité.")
    collectivity = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Collectivity.objects.all(),
        allow_null=True,
        required=False,
        # A text input in the browsable API: never a select listing every collectivity.
        style={"base_template": "input.html"},
    )
    hybrid_formats = serializers.ListField(
        child=serializers.ChoiceField(HybridFormat.choices), required=False
    )
    replaced_by = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Tool.objects.all(),
        allow_null=True,
        required=False,
        style={"base_template": "input.html"},
        help_text="Identifiant (slug) de l'outil qui remplace celui-ci.",
    )
    # A method, not a dotted source: DRF leaves a dotted source's default out of a PATCH's response.
    moderated_by = serializers.SerializerMethodField(help_text="Identifiant du modérateur.")

    # Its fields differ from the public representation's: DRF's walk over the declared fields.
    to_representation = serializers.ModelSerializer.to_representation

    class Meta(ToolSerializer.Meta):
        fields = [
            *ToolSerializer.Meta.fields,
            "ranked_objectives",
            "status",
            "moderated_by",
            "moderated_at",
            "moderation_reason",
            "submitter_name",
            "submitter_email",
        ]
        read_only_fields = [
            "slug",
            "status",
            "moderated_at",
            "moderation_reason",
            "source",
            "created_at",
            "updated_at",
        ]

    def get_moderated_by(self, tool: Tool) -> str | None:
        return tool.moderated_by.username if tool.moderated_by else None

    def get_ranked_objectives(self, tool: Tool) -> list[str]:
        return [objective.objective for objective in tool.ranked_objectives()]

    def validate_objectives(self, value: list[str]) -> list[str]:
        field = RankedChoicesField(choices=Objective.choices, required=False)
        try:
            field.validate(value)
        except Exception as error:
            raise serializers.ValidationError(list(getattr(error, "messages", [str(error)]))) from None
        return value

    def create(self, validated_data: dict) -> Tool:
        objectives = validated_data.pop("objectives", [])
        moderator = self.context["request"].user
        return services.add_tool(values=validated_data, objectives=objectives, moderator=moderator)

    def update(self, tool: Tool, validated_data: dict) -> Tool:
        objectives = validated_data.pop("objectives", None)
        return services.edit_tool(tool=tool, values=validated_data, objectives=objectives)


class RejectionSerializer(RefusesNulCharacters, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Motif communiqué au contributeur.")


class ArchiveSerializer(RefusesNulCharacters, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema(tags=["équipe"])
class StaffToolViewSet(KnownMethodsFirst, viewsets.ModelViewSet):
    """Every tool, whatever its status. Reserved to staff (header `Authorization: Token <jeton>`)."""

    serializer_class = StaffToolSerializer
    permission_classes = [IsAdminUser]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self) -> QuerySet:
        queryset = Tool.objects.select_related(
            "collectivity__territory", "moderated_by", "link_check", "replaced_by"
        ).prefetch_related("objectives", with_provenance())
        wanted = self.request.query_params.get("status")
        if wanted in ToolStatus.values:
            queryset = queryset.filter(status=wanted)
        return queryset.order_by("-created_at", "pk")

    @extend_schema(request=None, responses=StaffToolSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, slug: str) -> Response:
        """Publish the tool; the submitter is told."""
        tool = services.approve_tool(tool=self.get_object(), moderator=request.user)
        return Response(self.get_serializer(tool).data)

    @extend_schema(request=RejectionSerializer, responses=StaffToolSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, slug: str) -> Response:
        """Refuse the tool with a reason; the submitter is told."""
        incoming = RejectionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        tool = services.reject_tool(
            tool=self.get_object(), moderator=request.user, reason=incoming.validated_data["reason"]
        )
        return Response(self.get_serializer(tool).data)

    @extend_schema(request=ArchiveSerializer, responses=StaffToolSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str) -> Response:
        """Withdraw the tool from public view."""
        incoming = ArchiveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        tool = services.archive_tool(
            tool=self.get_object(), moderator=request.user, reason=incoming.validated_data["reason"]
        )
        return Response(self.get_serializer(tool).data)
