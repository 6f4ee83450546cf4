"""An official territory in the API: the autocomplete's entries."""

from rest_framework import serializers

from tools_registry.models import Territory


class TerritorySerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="Libellé à afficher : nom, type et code.")

    class Meta:
        model = Territory
        fields = ["id", "kind", "code", "name", "label", "population", "postcodes", "latitude", "longitude"]

    def get_label(self, territory: Territory) -> str:
        return str(territory)
