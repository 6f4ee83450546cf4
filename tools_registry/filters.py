"""The one FilterSet of the tool list: used by the catalogue page, the map data and the API."""

import hashlib
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tools_registry.cache import registry_version
from tools_registry.choices import (
    POPULATION_BAND_BOUNDS,
    CollectivityKind,
    Objective,
    PopulationBand,
    ToolFamily,
    in_population_band,
)
from tools_registry.models import LifeStatus, Tool, ToolObjective
from tools_registry.search import search_tools
from tools_registry.text import natural

YES_NO = [("true", _("Oui")), ("false", _("Non"))]


class Sort:
    RELEVANCE = "pertinence"
    NAME = "nom"
    NEWEST = "recent"
    CHOICES = [(RELEVANCE, _("Pertinence")), (NAME, _("Nom")), (NEWEST, _("Plus récents"))]


class IdInFilter(django_filters.BaseInFilter, django_filters.Filter):
    """Ids separated by commas: whole numbers a database integer can hold (1e20 is a 400, not a 500)."""

    field_class = forms.IntegerField


class ToolFilterSet(django_filters.FilterSet):
    id = IdInFilter(
        label=_("Identifiants (séparés par des virgules)"), field_name="id", min_value=1, max_value=2**63 - 1
    )
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search", max_length=200)
    # distinct=False: a tool has one family and one collectivity, so no filter here can repeat a row, and
    # DISTINCT over every column would make PostgreSQL sort all matches.
    family = django_filters.MultipleChoiceFilter(
        label=_("Famille"), choices=ToolFamily.choices, distinct=False
    )
    objective = django_filters.MultipleChoiceFilter(
        label=_("Objectif"), choices=Objective.choices, method="filter_objective"
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Type de collectivité"),
        choices=CollectivityKind.choices,
        field_name="collectivity__kind",
        distinct=False,
    )
    region = django_filters.CharFilter(
        label=_("Région (code INSEE)"), field_name="collectivity__region__code", max_length=3
    )
    departement = django_filters.CharFilter(
        label=_("Département (code INSEE)"), field_name="collectivity__departement__code", max_length=3
    )
    population = django_filters.MultipleChoiceFilter(
        label=_("Population"), choices=PopulationBand.choices, method="filter_population"
    )
    software = django_filters.CharFilter(label=_("Logiciel"), field_name="software", lookup_expr="iexact")
    open_source = django_filters.TypedChoiceFilter(
        label=_("Logiciel libre"), field_name="is_open_source", choices=YES_NO, coerce=lambda v: v == "true"
    )
    hybrid = django_filters.TypedChoiceFilter(
        label=_("Combiné à des réunions en présentiel"),
        field_name="hybrid",
        choices=YES_NO,
        coerce=lambda v: v == "true",
    )
    life_status = django_filters.MultipleChoiceFilter(
        label=_("État"), choices=LifeStatus.choices, distinct=False
    )
    located = django_filters.TypedChoiceFilter(
        label=_("Placé sur la carte"), choices=YES_NO, coerce=lambda v: v == "true", method="filter_located"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Tri"), choices=Sort.CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Tool
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_tools(queryset, value) if value.strip() else queryset

    def filter_objective(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Exists(ToolObjective.objects.filter(tool=OuterRef("pk"), objective__in=value)))

    def filter_population(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        bands = Q()
        for band in value:
            bands |= in_population_band(band, "collectivity__population")
        return queryset.filter(bands)

    def filter_located(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.located(value)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ordering is applied once every filter has run: see `qs`.
        return queryset

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else None
        searching = bool(self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"))
        if sort == Sort.NEWEST:
            return queryset.active_first("-created_at", "pk")
        if sort == Sort.NAME or not searching:
            return queryset.active_first(natural("name"), "pk")
        return queryset.active_first("-rank", natural("name"), "pk")


# Facets: the parameter, the value each tool has for it, and how many values to show at most.
FACETS = {
    "family": ("family", None),
    "objective": ("objectives__objective", None),
    "kind": ("collectivity__kind", None),
    "region": ("collectivity__region__code", None),
    "departement": ("collectivity__departement__code", None),
    "software": ("software", 30),
    "open_source": ("is_open_source", None),
    "hybrid": ("hybrid", None),
    "life_status": ("life_status", None),
}


FACET_CACHE_SECONDS = 300


def facet_counts(data: QueryDict | dict, queryset: QuerySet) -> dict[str, dict[str, int]]:
    """For each facet, how many tools each value would give, the other filters staying as they are.

    One query per facet, whatever the number of tools; the result is cached until the registry changes.
    `queryset` must be the published tools (the cache key does not tell querysets apart).
    """
    data = data if isinstance(data, QueryDict) else QueryDict(mutable=True)
    key = f"facets:{registry_version()}:{query_digest(data)}"
    counts = cache.get(key)
    if counts is None:
        counts = _facet_counts(data, queryset)
        cache.set(key, counts, FACET_CACHE_SECONDS)
    return counts


def located_counts(filterset: ToolFilterSet) -> tuple[int, int]:
    """How many of the filtered tools a map places, and how many it cannot (no location).

    Cached like `facet_counts`, and like it for a FilterSet over the published tools.
    """
    key = f"located:{registry_version()}:{query_digest(filterset.data)}"
    counts = cache.get(key)
    if counts is None:
        counts = filterset.qs.count_located()
        cache.set(key, counts, FACET_CACHE_SECONDS)
    return counts


def _facet_counts(data: QueryDict, queryset: QuerySet) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for param, (path, limit) in FACETS.items():
        others = data.copy()
        others.pop(param, None)
        others.pop("sort", None)
        filterset = ToolFilterSet(others, queryset=queryset)
        rows = (
            filterset.qs.order_by()
            .exclude(**{f"{path}__isnull": True})
            .values(path)
            # Only the objectives facet joins a table with several rows per tool.
            .annotate(n=Count("pk", distinct=param == "objective"))
            .order_by("-n", path)
        )
        if limit:
            rows = rows[:limit]
        counts[param] = {_facet_key(row[path]): row["n"] for row in rows if row[path] != ""}
    counts["population"] = _population_counts(data, queryset)
    return counts


def _facet_key(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _population_counts(data: dict, queryset: QuerySet) -> dict[str, int]:
    others = data.copy()
    others.pop("population", None)
    others.pop("sort", None)
    base = ToolFilterSet(others, queryset=queryset).qs.order_by()
    aggregates = {
        band: Count("pk", filter=in_population_band(band, "collectivity__population"))
        for band in POPULATION_BAND_BOUNDS
    }
    return {band: n for band, n in base.aggregate(**aggregates).items() if n}


def query_digest(data: QueryDict) -> str:
    """A short fixed-length stand-in for `normalized_query`, for cache keys."""
    return hashlib.sha256(normalized_query(data).encode()).hexdigest()[:32]


def normalized_query(data: dict) -> str:
    """The filter parameters in a canonical order, for cache keys and shareable links."""
    keys = sorted(key for key in data if key in ToolFilterSet.base_filters and key != "sort")
    return urlencode([(key, value) for key in keys for value in sorted(data.getlist(key)) if value])
