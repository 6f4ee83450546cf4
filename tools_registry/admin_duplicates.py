"""The moderators' side-by-side page: a tool and the tools it may repeat, field by field, and the merge.

The candidates are those of `Tool.duplicate_candidates()`, the rule the submission form and the API use,
plus the tool it was flagged against when it was proposed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tools_registry.merging import merge_tools
from tools_registry.models import Tool
from tools_registry.provenance import with_provenance

MAX_CANDIDATES = 5


def _objectives(tool: Tool) -> str:
    return ", ".join(objective.get_objective_display() for objective in tool.ranked_objectives())


def _sources(tool: Tool) -> str:
    return ", ".join(f"{record.source.name} ({record.record_id})" for record in tool.source_records.all())


# (label, how to read the value of a tool); values are plain text, escaped by the template.
COMPARED = [
    (gettext_lazy("Nom"), lambda tool: tool.name),
    (gettext_lazy("Collectivité"), lambda tool: tool.collectivity.name if tool.collectivity else ""),
    (gettext_lazy("Adresse web"), lambda tool: tool.url),
    (gettext_lazy("Statut"), lambda tool: tool.get_status_display()),
    (gettext_lazy("Origine"), lambda tool: tool.get_source_display()),
    (gettext_lazy("Famille"), lambda tool: tool.family_label),
    (gettext_lazy("Objectifs"), _objectives),
    (gettext_lazy("Logiciel"), lambda tool: tool.software),
    (gettext_lazy("Année de lancement"), lambda tool: str(tool.launch_year or "")),
    (gettext_lazy("État"), lambda tool: tool.get_life_status_display()),
    (gettext_lazy("Description"), lambda tool: tool.description),
    (gettext_lazy("Sources"), _sources),
    (gettext_lazy("Créé le"), lambda tool: tool.created_at.strftime("%Y-%m-%d")),
]


class MergeForm(forms.Form):
    keep = forms.IntegerField()
    drop = forms.IntegerField()


def _candidates(tool: Tool) -> list[Tool]:
    related = Tool.objects.select_related("collectivity")
    candidates = list(related.filter(pk__in=tool.duplicate_candidates().values("pk")[:MAX_CANDIDATES]))
    flagged = tool.possible_duplicate_id
    if flagged and flagged not in {candidate.pk for candidate in candidates}:
        candidates += list(related.filter(pk=flagged, merged_into__isnull=True))
    return sorted(candidates, key=lambda candidate: (candidate.status != Tool.Status.PUBLISHED, candidate.pk))


def duplicates_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.select_related("collectivity"), pk=object_id)
    if not model_admin.has_change_permission(request, tool):
        raise PermissionDenied
    candidates = _candidates(tool)
    tools = [tool, *candidates]
    if request.method == "POST":
        form = MergeForm(request.POST)
        allowed = {t.pk for t in tools}
        if form.is_valid() and {form.cleaned_data["keep"], form.cleaned_data["drop"]} <= allowed:
            by_pk = {t.pk: t for t in tools}
            keep, drop = by_pk[form.cleaned_data["keep"]], by_pk[form.cleaned_data["drop"]]
            try:
                merge_tools(keep=keep, drop=drop, moderator=request.user)
            except ValidationError as error:
                model_admin.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                model_admin.message_user(
                    request,
                    _("« %(drop)s » a été fusionné dans « %(keep)s » ; son adresse redirige vers lui.")
                    % {"drop": drop.name, "keep": keep.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:tools_registry_tool_change", args=[keep.pk]))
        else:
            model_admin.message_user(request, _("Choisissez deux des outils comparés."), messages.ERROR)
        return HttpResponseRedirect(request.path)

    prefetch_related_objects(tools, "objectives", with_provenance())
    rows = []
    for label, read in COMPARED:
        values = [read(t) for t in tools]
        rows.append(
            {"label": label, "cells": [{"value": v, "same": v == values[0] and v != ""} for v in values]}
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Doublons possibles de « %(name)s »") % {"name": tool.name},
        "opts": model_admin.model._meta,
        "original": tool,
        "tool": tool,
        "candidates": candidates,
        "rows": rows,
    }
    return TemplateResponse(request, "admin/tools_registry/tool/duplicates.html", context)
