"""The insight pages: software per family, the coverage map, collectivities side by side; their CSV files."""

from django import forms
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tools_registry.api.errors import invalid_parameters
from tools_registry.choices import ToolFamily
from tools_registry.facets import facet_panel, selected_count
from tools_registry.filters import facet_counts, normalized_query
from tools_registry.insights import coverage as coverage_rules
from tools_registry.insights import tables
from tools_registry.insights.coverage import coverage
from tools_registry.insights.france_map import SHAPES_CREDIT, SHAPES_LICENCE_URL
from tools_registry.insights.software import filtered, software_breakdown
from tools_registry.models import Tool
from tools_registry.text import natural, share_text

COMPARED_AT_MOST = 4


def software(request: HttpRequest) -> HttpResponse:
    filterset = filtered(request.GET)
    breakdown = software_breakdown(filterset)
    facets = facet_panel(filterset, facet_counts(filterset.data or {}, Tool.objects.published()))
    families = [
        {
            **family,
            "chart": tables.software_chart(family),
            "software": [
                {**software, "share": share_text(software["count"], family["count"])}
                for software in family["software"]
            ],
            "open_source": {
                **family["open_source"],
                "share": share_text(family["open_source"]["yes"], family["open_source"]["base"]),
            },
            "splits": [
                (
                    _("Par type de collectivité"),
                    tables.split_table(family, "kind", _("Type de collectivité")),
                ),
                (_("Par population"), tables.split_table(family, "population", _("Population"))),
                (_("Par région"), tables.split_table(family, "region", _("Région"))),
            ],
        }
        for family in breakdown["families"]
    ]
    query = normalized_query(filterset.data) if filterset.is_bound else ""
    context = {
        "filterset": filterset,
        "facets": facets,
        "active_filters": selected_count(facets),
        "breakdown": breakdown,
        "families": families,
        "terms": breakdown["terms"],
        "query": query,
    }
    return render(request, "tools_registry/insights/software.html", context)


def software_csv(request: HttpRequest) -> HttpResponse:
    filterset = filtered(request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return invalid_parameters(filterset.errors)
    breakdown = software_breakdown(filterset)
    rows = tables.software_rows(breakdown)
    return tables.csv_response(tables.SOFTWARE_COLUMNS, rows, "logiciels.csv", breakdown["terms"])


class Measure:
    COMMUNES = "communes"
    POPULATION = "population"
    CHOICES = [
        (COMMUNES, gettext_lazy("Part des communes couvertes")),
        (POPULATION, gettext_lazy("Part de la population couverte")),
    ]


class CoverageForm(forms.Form):
    family = forms.ChoiceField(
        label=gettext_lazy("Famille d'outils"),
        choices=[("", gettext_lazy("Toutes les familles")), *ToolFamily.choices],
        required=False,
    )
    mesure = forms.ChoiceField(label=gettext_lazy("Mesure"), choices=Measure.CHOICES, required=False)


def _coverage_choice(request: HttpRequest) -> tuple[CoverageForm, str, str]:
    form = CoverageForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["family"], form.cleaned_data["mesure"] or Measure.COMMUNES
    return form, "", Measure.COMMUNES


def coverage_page(request: HttpRequest) -> HttpResponse:
    form, family, measure = _coverage_choice(request)
    result = coverage(family or None)
    family_label = str(ToolFamily(family).label) if family else _("toutes les familles")
    catalogue = reverse("tools_registry:tool_list")

    def catalogue_url(code: str) -> str:
        params = QueryDict(mutable=True)
        params["departement"] = code
        if family:
            params["family"] = family
        return f"{catalogue}?{params.urlencode()}"

    rows = [
        {
            **row,
            "url": catalogue_url(row["code"]),
            "share_communes": share_text(row["covered_communes"], row["communes"]),
            "share_population": share_text(row["covered_population"], row["population"]),
        }
        for row in result["departements"]
    ]
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("communes", "covered_communes", "population", "covered_population")
    }
    totals["share_communes"] = share_text(totals["covered_communes"], totals["communes"])
    totals["share_population"] = share_text(totals["covered_population"], totals["population"])
    context = {
        "form": form,
        "family": family,
        "family_label": family_label,
        "measure": measure,
        "map": tables.coverage_map(
            result, family_label=family_label, measure=measure, catalogue_url=catalogue_url
        ),
        "rows": rows,
        "totals": totals,
        "terms": result["terms"],
        "query": request.GET.urlencode(),
        "shapes_credit": SHAPES_CREDIT,
        "shapes_licence_url": SHAPES_LICENCE_URL,
        "legend": coverage_rules.legend(),
    }
    return render(request, "tools_registry/insights/coverage.html", context)


def coverage_csv(request: HttpRequest) -> HttpResponse:
    form, family, _measure = _coverage_choice(request)
    if not form.is_valid():
        return invalid_parameters(form.errors)
    result = coverage(family or None)
    rows = tables.coverage_rows(result, family)
    return tables.csv_response(tables.COVERAGE_COLUMNS, rows, "couverture.csv", result["terms"])


def compare(request: HttpRequest) -> HttpResponse:
    slugs = list(dict.fromkeys(slug for slug in request.GET.getlist("c") if slug))
    added = request.GET.get("ajouter", "").strip()[:200]
    error = ""
    if added:
        # No name holds a NUL character (nor can the database be asked for one).
        found = (
            Tool.objects.published()
            .filter(collectivity__name__icontains=added)
            .order_by(natural("collectivity__name"), "pk")
            .values_list("collectivity__slug", flat=True)
            .first()
            if "\x00" not in added
            else None
        )
        if found and len(slugs) < COMPARED_AT_MOST:
            params = QueryDict(mutable=True)
            params.setlist("c", [*slugs, found] if found not in slugs else slugs)
            return redirect(f"{reverse('tools_registry:compare')}?{params.urlencode()}")
        error = (
            _("Quatre collectivités au plus : retirez-en une pour en ajouter une autre.")
            if found
            else _("Aucune collectivité du registre ne porte ce nom.")
        )
    too_many = len(slugs) > COMPARED_AT_MOST
    slugs = slugs[:COMPARED_AT_MOST]
    tools = list(
        Tool.objects.published()
        .filter(collectivity__slug__in=[slug for slug in slugs if slug_re.match(slug)])
        .select_related("collectivity__departement", "collectivity__region")
        .order_by(natural("name"), "pk")
    )
    by_slug: dict[str, dict] = {}
    for tool in tools:
        column = by_slug.setdefault(tool.collectivity.slug, {"collectivity": tool.collectivity, "tools": []})
        column["tools"].append(tool)
    columns = [by_slug[slug] for slug in slugs if slug in by_slug]
    for column in columns:
        others = QueryDict(mutable=True)
        others.setlist("c", [slug for slug in by_slug if slug != column["collectivity"].slug])
        column["remove_url"] = f"{reverse('tools_registry:compare')}?{others.urlencode()}"
    families = [
        {
            "label": label,
            "cells": [[tool for tool in column["tools"] if tool.family == code] for column in columns],
        }
        for code, label in ToolFamily.choices
    ]
    context = {
        "columns": columns,
        "families": [family for family in families if any(family["cells"])],
        "selected": [column["collectivity"].slug for column in columns],
        "added": added,
        "error": error,
        "too_many": too_many,
        "full": len(columns) >= COMPARED_AT_MOST,
        "missing": len(slugs) - len(columns),
    }
    status = 400 if error else 200
    return render(request, "tools_registry/insights/compare.html", context, status=status)
