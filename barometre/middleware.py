"""A database outage answers a friendly 503 instead of a 500; the next request reconnects by itself.
A NUL character in a parameter answers a 400 instead of reaching PostgreSQL."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tools_registry.api.errors import invalid_body

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


NUL = "\x00"
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


# Public forms that refuse a NUL character beside the field, keeping what was typed (a pasted answer),
# which is clearer than an error page: their POST data is left to them (their query string is not).
EXPLAINED_BY_THEIR_FORM = {
    "tools_registry:tool_submit",
    "tools_registry:tool_correct",
    "survey:open_link",
    "survey:step",
    "survey:tool_step",
}


class NulCharacterMiddleware:
    """PostgreSQL can neither store nor compare text holding a NUL character: a parameter that holds
    one (an admin filter, a catalogue search, a form field) would be a server error wherever it reaches
    a query. Refused here, for every view, rather than field by field (EXPLAINED_BY_THEIR_FORM aside)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        refused = _names_holding_nul(request.GET)
        api = request.path.startswith("/api/")
        # The API's bodies are its serializers' to refuse (RefusesNulCharacters), under the field's name.
        if (
            request.method == "POST"
            and not api
            and request.content_type in FORM_CONTENT_TYPES
            and request.resolver_match.view_name not in EXPLAINED_BY_THEIR_FORM
        ):
            refused += _names_holding_nul(request.POST)
        if not refused:
            return None
        message = ProhibitNullCharactersValidator.message
        if api:
            return JsonResponse(invalid_body({name: [message] for name in refused}), status=400)
        return render(request, "400.html", {"reason": message}, status=400)


def _names_holding_nul(parameters: QueryDict) -> list[str]:
    return [
        name for name, values in parameters.lists() if NUL in name or any(NUL in value for value in values)
    ]
