"""The OpenAPI schema document: what drf-spectacular does not read from the views."""

import unicodedata

from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request


class SchemaView(SpectacularAPIView):
    """The schema, downloaded under an ASCII name: a header holds no other character unencoded, and the
    default name is the title, accents included."""

    def _get_filename(self, request: Request, version: str | None) -> str:
        name = unicodedata.normalize("NFKD", super()._get_filename(request, version))
        return name.encode("ascii", "ignore").decode()
