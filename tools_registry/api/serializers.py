from rest_framework import serializers

from tools_registry.models import Collectivity, Territory, Tool


class CollectivitySummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="territory.code", default=None)

    class Meta:
        model = Collectivity
        fields = ["slug", "name", "kind", "code", "population", "latitude", "longitude"]


class ToolSerializer(serializers.ModelSerializer):
    objectives = serializers.SerializerMethodField(help_text="Codes des objectifs, par ordre de priorité.")
    collectivity = CollectivitySummarySerializer(read_only=True)
    is_demo = serializers.BooleanField(read_only=True, help_text="Exemple fictif de démonstration.")
    web_url = serializers.SerializerMethodField()

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
            "hybrid",
            "hybrid_formats",
            "source",
            "is_demo",
            "last_verified",
            "created_at",
            "updated_at",
            "web_url",
        ]

    def get_objectives(self, tool: Tool) -> list[str]:
        return [objective.objective for objective in tool.ranked_objectives()]

    def get_web_url(self, tool: Tool) -> str:
        request = self.context.get("request")
        url = tool.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class TerritorySerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Territory
        fields = ["id", "kind", "code", "name", "label", "population", "postcodes", "latitude", "longitude"]

    def get_label(self, territory: Territory) -> str:
        return str(territory)
