"""The public's contributions: a proposed tool and a proposed correction, validated as the forms do."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes, renderer_classes
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tools_registry import services
from tools_registry.api.serializers import (
    CorrectionReceiptSerializer,
    CorrectionSerializer,
    SubmissionReceiptSerializer,
    SubmissionSerializer,
)
from tools_registry.corrections import CorrectionStatus
from tools_registry.forms import CorrectionForm, ToolSubmissionForm
from tools_registry.history import recorded_as
from tools_registry.models import Tool, ToolSource, ToolStatus
from tools_registry.ratelimit import allow, client_ip, exceeded, retry_after


def _readable(serializer_class: type[serializers.Serializer], data: Any) -> tuple[dict, dict]:
    """The fields of `data` of the type and shape the serializer expects, and the errors of the others.

    The form's rules then run on what could be read, so that one answer names every invalid field: the
    serializer's error for a field wins over what the form says of it (absent, to the form).
    """
    incoming = serializer_class(data=data)
    if incoming.is_valid():
        return incoming.validated_data, {}
    errors = dict(incoming.errors)
    if not isinstance(data, Mapping) or api_settings.NON_FIELD_ERRORS_KEY in errors:
        raise serializers.ValidationError(errors)
    rest = serializer_class(
        data={key: value for key, value in data.items() if key not in errors}, partial=True
    )
    return (rest.validated_data if rest.is_valid() else {}), errors


def _refused(form: forms.Form, errors: dict) -> dict:
    """The form's errors, but for the fields the serializer refused already, with its errors."""
    return {
        **{field: list(messages) for field, messages in form.errors.items() if field not in errors},
        **errors,
    }


def _form_data(data: dict) -> MultiValueDict:
    """The submission as the HTML form receives it, so that both go through the same validation."""
    yes_no = {True: "oui", False: "non", None: ""}
    form_data = MultiValueDict()
    for key, value in data.items():
        if key in {"objectives", "hybrid_formats"}:
            form_data.setlist(key, list(value))
        elif key in {"is_open_source", "hybrid"}:
            form_data[key] = yes_no[value]
        elif key in {"consent", "not_listed", "confirm_distinct"}:
            if value:
                form_data[key] = "on"
        elif value is not None:
            form_data[key] = str(value)
    return form_data


@extend_schema(
    tags=["outils"],
    request=SubmissionSerializer,
    responses={201: SubmissionReceiptSerializer},
    examples=[
        OpenApiExample(
            "Proposer un budget participatif",
            value={
                "name": "Budget participatif de Saint-Malo",
                "url": "https://budget.example.org/",
                "description": "Les habitants proposent et votent des projets.",
                "family": "budget_participatif",
                "objectives": ["idees", "coconstruire"],
                "territory_query": "35288",
                "software": "Decidim",
                "is_open_source": True,
                "submitter_name": "Camille Agent",
                "submitter_email": "camille@example.org",
                "consent": True,
            },
            request_only=True,
        )
    ],
)
@api_view(["POST"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
# JSON only (415 otherwise): a page of another site can post a form, never JSON without CORS, which
# only allows reading here. Only accepted submissions count against the rate limit.
@parser_classes([JSONParser])
def submit(request: Request) -> Response:
    """Propose a tool: it is stored as pending, exactly as through the form, until staff moderate it."""
    limit = {"scope": "submission", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if exceeded(**limit):
        raise exceptions.Throttled(wait=retry_after())
    readable, errors = _readable(SubmissionSerializer, request.data)
    form = ToolSubmissionForm(_form_data(readable))
    if not form.is_valid() or errors:
        errors = _refused(form, errors)
        if "confirm_distinct" in form.errors and form.duplicate is not None:
            # The form's page links to the published tool and its correction form; the API gives both.
            errors["confirm_distinct"].append(
                _("Fiche : %(page)s — proposer une correction : %(correction)s")
                % {
                    "page": request.build_absolute_uri(form.duplicate.get_absolute_url()),
                    "correction": request.build_absolute_uri(
                        reverse("tools_registry:tool_correct", args=[form.duplicate.slug])
                    ),
                }
            )
        raise serializers.ValidationError(errors)
    data = form.cleaned_data
    if data["website"]:
        # The honeypot: accepted in appearance, stored nowhere.
        receipt = {"slug": None, "status": ToolStatus.PENDING, "duplicate_flagged": False}
        return Response(SubmissionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
    if not allow(**limit):
        raise exceptions.Throttled(wait=retry_after())
    with recorded_as(ToolSource.SUBMISSION):  # the collectivity the proposal may add, like the tool
        tool = services.propose_tool(proposal=form.proposal(), choice=form.collectivity_choice())
    receipt = {
        "slug": tool.slug,
        "status": tool.status,
        "duplicate_flagged": tool.public_duplicate is not None,
    }
    return Response(SubmissionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["outils"],
    request=CorrectionSerializer,
    responses={201: CorrectionReceiptSerializer},
    examples=[
        OpenApiExample(
            "Signaler une nouvelle adresse",
            value={
                "tool": "budget-participatif-de-saint-malo",
                "kind": "url",
                "proposed_value": "https://budget.saint-malo.example/",
                "email": "camille@example.org",
                "consent": True,
            },
            request_only=True,
        )
    ],
)
@api_view(["POST"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
@parser_classes([JSONParser])  # JSON only, as for submissions (see `submit`)
def correct(request: Request) -> Response:
    """Propose a correction of a published tool: it waits for staff, exactly as through the form."""
    limit = {"scope": "correction", "key": client_ip(request), "limit": settings.SUBMISSION_RATE_LIMIT}
    if exceeded(**limit):
        raise exceptions.Throttled(wait=retry_after())
    readable, errors = _readable(CorrectionSerializer, request.data)
    tool = Tool.objects.published().filter(slug=readable.pop("tool", None)).first()
    if tool is None and "tool" not in errors:
        errors["tool"] = [_("Aucun outil publié n'a cet identifiant.")]
    form = CorrectionForm(_form_data(readable))
    if not form.is_valid() or errors:
        raise serializers.ValidationError(_refused(form, errors))
    receipt = CorrectionReceiptSerializer({"status": CorrectionStatus.PENDING}).data
    if form.cleaned_data["website"]:  # the honeypot: accepted in appearance, stored nowhere
        return Response(receipt, status=status.HTTP_201_CREATED)
    if not allow(**limit):
        raise exceptions.Throttled(wait=retry_after())
    cleaned = form.cleaned_data
    services.submit_correction(
        tool=tool, kind=cleaned["kind"], proposed_value=cleaned["proposed_value"], email=cleaned["email"]
    )
    return Response(receipt, status=status.HTTP_201_CREATED)
