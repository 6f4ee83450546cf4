"""A published tool in the API, and the public sources it comes from (its provenance)."""

from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tools_registry.api.serializers.collectivities import CollectivitySummarySerializer
from tools_registry.api.serializers.documents import tool_documents
from tools_registry.choices import HybridFormat
from tools_registry.licences import LICENCES, licence_of
from tools_registry.links.models import current_link_check
from tools_registry.models import Tool
from tools_registry.provenance import SourceRecord
from tools_registry.representation import tool_page_address


class ProvenanceSerializer(serializers.ModelSerializer):
    """A public source the tool comes from, and the licence of what is taken from it."""

    source = serializers.CharField(source="source.code", help_text="Code de la source.")
    name = serializers.CharField(source="source.name")
    publisher = serializers.CharField(source="source.publisher")
    credit = serializers.CharField(source="source.credit", help_text="Mention à reprendre avec les données.")
    url = serializers.URLField(source="source.url")
    licence = serializers.ChoiceField(list(LICENCES), source="source.licence")
    licence_url = serializers.URLField(source="source.licence_info.url")

    class Meta:
        model = SourceRecord
        fields = [
            "source",
            "name",
            "publisher",
            "credit",
            "url",
            "licence",
            "licence_url",
            "record_id",
            "source_date",
            "missing_since",
        ]


class ToolSerializer(serializers.ModelSerializer):
    objectives = serializers.SerializerMethodField(help_text="Codes des objectifs, par ordre de priorité.")
    collectivity = CollectivitySummarySerializer(read_only=True, allow_null=True)
    is_demo = serializers.BooleanField(read_only=True, help_text="Exemple fictif de démonstration.")
    web_url = serializers.SerializerMethodField(help_text="Fiche de l'outil sur le site.")
    hybrid_formats = serializers.ListField(
        child=serializers.ChoiceField(HybridFormat.choices), read_only=True
    )
    link_checked_at = serializers.SerializerMethodField(
        help_text="Dernière vérification de l'adresse par le site (null : pas encore vérifiée)."
    )
    link_ok = serializers.SerializerMethodField(
        help_text="L'adresse répond, selon le site ou, à défaut, l'équipe (null : pas encore vérifiée)."
    )
    unreachable_since = serializers.SerializerMethodField(
        help_text="Date du premier échec de la série en cours (null si l'adresse répond)."
    )
    provenance = ProvenanceSerializer(
        source="source_records", many=True, read_only=True, help_text="Sources publiques dont vient l'outil."
    )
    licence = serializers.SerializerMethodField(
        help_text="Licence de cette fiche : ODbL-1.0 si elle vient d'une source sous ODbL, sinon etalab-2.0."
    )
    replaced_by = serializers.SerializerMethodField(
        help_text="Identifiant (slug) de l'outil publié qui remplace celui-ci (null : aucun)."
    )

    class Meta:
        model = Tool
        fields = [
            "slug",
            "name",
            "description",
            "url",
            "family",
            "family_other",
            "objectives",
            "collectivity",
            "software",
            "is_open_source",
            "launch_year",
            "launched_on",
            "life_status",
            "end_year",
            "ended_on",
            "replaced_by",
            "archived_url",
            "hybrid",
            "hybrid_formats",
            "source",
            "provenance",
            "licence",
            "is_demo",
            "last_verified",
            "link_checked_at",
            "link_ok",
            "unreachable_since",
            "created_at",
            "updated_at",
            "web_url",
        ]

    def get_replaced_by(self, tool: Tool) -> str | None:
        # Annotated by ToolQuerySet.with_public_replacement: only a published replacement is named.
        return getattr(tool, "replacement_slug", "") or None

    def to_representation(self, tool: Tool) -> dict:
        # The same document as the lists give, from plain rows (see `tool_documents`).
        request = self.context.get("request")
        return tool_documents([tool.pk], request)[0]

    def get_link_checked_at(self, tool: Tool) -> datetime | None:
        link_check = current_link_check(tool)
        return link_check.checked_at if link_check else None

    def get_link_ok(self, tool: Tool) -> bool | None:
        link_check = current_link_check(tool)
        return link_check.link_ok if link_check else None

    def get_unreachable_since(self, tool: Tool) -> datetime | None:
        link_check = current_link_check(tool)
        return link_check.unreachable_since if link_check else None

    def get_objectives(self, tool: Tool) -> list[str]:
        return [objective.objective for objective in tool.ranked_objectives()]

    @extend_schema_field(serializers.ChoiceField(list(LICENCES)))
    def get_licence(self, tool: Tool) -> str:
        return licence_of({record.source.licence for record in tool.source_records.all()}).code

    def get_web_url(self, tool: Tool) -> str:
        return tool_page_address()(tool.slug)
