"""What every endpoint of the public API shares: the 405 before the 401, the public cache, the
errors' format, the slug of an address."""

from collections.abc import Callable

from django.urls import reverse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from tools_registry.api.renderers import CSVRenderer, GeoJSONRenderer

# What a slug in an address may hold (Django's slug converter): anything else is a 404 before any query.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
PUBLIC_CACHE = "public, max-age=60"


class KnownMethodsFirst:
    """A method the endpoint does not have is a 405, with its `Allow` header, whoever asks: REST framework
    checks who asks first, and would answer an anonymous PUT on a read-only endpoint 401."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class PublicReadMixin(KnownMethodsFirst):
    def finalize_response(self, request: Request, response, *args, **kwargs):
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            # Errors keep the API's one JSON error format, whatever representation was asked for.
            if request.accepted_renderer.format in {GeoJSONRenderer.format, CSVRenderer.format}:
                request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not request.user.is_authenticated
        ):
            response.setdefault("Cache-Control", PUBLIC_CACHE)
        return response


def _address(route: str) -> Callable[[str], str]:
    return lambda slug: reverse(route, args=[slug])
