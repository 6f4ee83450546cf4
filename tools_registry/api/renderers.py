import json

from rest_framework.renderers import BaseRenderer


class GeoJSONRenderer(BaseRenderer):
    """GeoJSON; bytes already serialised by tools_registry.geojson go out as they are."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class CSVRenderer(BaseRenderer):
    """Declares the CSV format; the list view streams the body itself (tools_registry.csv_export)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        # Reached only by what is not a list of tools (an OPTIONS description): it stays JSON text.
        return json.dumps(data, ensure_ascii=False).encode()
