"""A collectivity in the API: in a tool's document, in the list, and with its published tools."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tools_registry.licences import LICENCES, credits_of
from tools_registry.models import Collectivity, Tool


class CollectivitySummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        source="territory.code",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="Code officiel INSEE ou SIREN.",
    )

    class Meta:
        model = Collectivity
        fields = ["slug", "name", "kind", "code", "population", "latitude", "longitude"]


class CollectivitySerializer(CollectivitySummarySerializer):
    departement = serializers.CharField(
        source="departement.code", default=None, allow_null=True, read_only=True
    )
    region = serializers.CharField(source="region.code", default=None, allow_null=True, read_only=True)
    tool_count = serializers.IntegerField(read_only=True, help_text="Nombre d'outils publiés.")

    class Meta(CollectivitySummarySerializer.Meta):
        fields = [
            "slug",
            "name",
            "kind",
            "code",
            "population",
            "departement",
            "region",
            "latitude",
            "longitude",
            "tool_count",
        ]


class PublishedToolLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tool
        fields = ["slug", "name", "family", "url"]


class CollectivityDetailSerializer(CollectivitySerializer):
    """A collectivity with its published tools, and what their sources and the collectivity's own ask: the
    licence of the answer and their credits (`terms`, set by the view: also the answer's `Link` header)."""

    tools = PublishedToolLinkSerializer(source="published_tools", many=True, read_only=True)
    licence = serializers.SerializerMethodField(
        help_text="Licence de cette réponse : ODbL-1.0 si la collectivité ou l'un de ses outils vient d'une "
        "source sous ODbL, sinon etalab-2.0."
    )
    licence_url = serializers.SerializerMethodField()
    attribution = serializers.SerializerMethodField(
        help_text="Mentions des sources publiques dont viennent la collectivité et ses outils, à reprendre "
        "avec les données."
    )

    class Meta(CollectivitySerializer.Meta):
        fields = [*CollectivitySerializer.Meta.fields, "tools", "licence", "licence_url", "attribution"]

    @extend_schema_field(serializers.ChoiceField(list(LICENCES)))
    def get_licence(self, collectivity: Collectivity) -> str:
        return collectivity.terms[0].code

    @extend_schema_field(serializers.URLField())
    def get_licence_url(self, collectivity: Collectivity) -> str:
        return collectivity.terms[0].url

    def get_attribution(self, collectivity: Collectivity) -> list[str]:
        return credits_of(collectivity.terms[1])
