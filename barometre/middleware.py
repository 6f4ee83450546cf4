"""A database outage answers a friendly 503 instead of a 500; the next request reconnects by itself."""

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"status": 503, "code": "unavailable", "detail": _("Service momentanément indisponible.")},
            status=503,
        )
    else:
        # Rendered without the database: no context processor may query it.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError) or not _database_down(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        for connection in connections.all(initialized_only=True):
            # Drop the broken connection so that the next request opens a new one.
            connection.close_if_unusable_or_obsolete()
        return unavailable_response(request)


def _database_down(exception: DatabaseError) -> bool:
    """An error of the connection itself, not of a query (a constraint, a bad statement)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not connection.is_usable():
            return True
    text = str(exception).lower()
    return any(word in text for word in ("connection", "terminat", "server closed", "could not connect"))
