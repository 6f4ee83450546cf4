"""One error format for the whole API, and its documentation in the OpenAPI schema.

Every error answers `{"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["…"]}}`;
`errors` is present only for invalid input.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_COMPONENT = {
    "type": "object",
    "required": ["status", "code", "detail"],
    "properties": {
        "status": {"type": "integer", "description": "Code HTTP."},
        "code": {"type": "string", "description": "Code de l'erreur (invalid, not_found, throttled…)."},
        "detail": {"type": "string", "description": "Message lisible."},
        "errors": {
            "type": "object",
            "description": "Messages par champ, pour une saisie invalide.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Paramètres ou données invalides.",
    "401": "Authentification requise.",
    "403": "Action réservée à l'équipe.",
    "404": "Ressource, page ou format introuvable.",
    "405": "Méthode non permise.",
    "406": "Format de réponse non disponible.",
    "415": "Type de contenu non pris en charge.",
    "429": "Trop de requêtes : réessayez après le délai indiqué par l'en-tête Retry-After.",
}


def _flatten(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [message for value in data.values() for message in _flatten(value)]
    if isinstance(data, list):
        return [message for value in data for message in _flatten(value)]
    return [str(data)]


def invalid_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The body of a 400 for invalid input: the messages by field (or parameter)."""
    return {
        "status": 400,
        "code": "invalid",
        "detail": _("Les données envoyées sont invalides."),
        "errors": {field: _flatten(messages) for field, messages in errors.items()},
    }


def invalid_parameters(errors: dict[str, list[str]]) -> JsonResponse:
    """The API's 400 for a download served outside REST framework, in the same format: a filter it
    does not know is refused, not dropped (which would send the whole registry)."""
    return JsonResponse(invalid_body(errors), status=400)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Django's own 404 and 403, as REST framework translates them, so that they get their codes too.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # A model's full_clean() or a service refused the write: a 400 naming the fields, never a 500.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = invalid_body(details)
    else:
        detail = getattr(exc, "detail", str(exc))
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body["code"] = codes if isinstance(codes, str) else "error"
        body["detail"] = " ".join(_flatten(detail))
    response.data = body
    return response


def document_error_responses(result: dict, generator, request, public) -> dict:
    """Add the error responses every operation can give to the schema, with the shared error format."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400", "404", "405", "406", "429"]
            if method in {"post", "put", "patch"}:
                codes.append("415")
            if path.startswith("/api/v1/staff/") or method in {"post", "put", "patch", "delete"}:
                codes += ["401", "403"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": ERROR_DESCRIPTIONS[code], "content": reference}
                )
    return result
