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
