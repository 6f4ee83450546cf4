"""The one FilterSet of the tool list: used by the catalogue page, the map data and the API."""

import copy
import hashlib
from array import array
from collections.abc import Callable, Iterable
from functools import cache, partial, reduce
from operator import and_, or_
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from pyroaring import FrozenBitMap

from tools_registry.cache import LocalCopies, built_by_job, cached, rebuild, registry_version
from tools_registry.choices import (
    CollectivityKind,
    Objective,
    PopulationBand,
    ToolFamily,
)
from tools_registry.common_words import CommonWords, build_common_words, in_order
from tools_registry.facets import (
    Answered,
    Facet,
    FacetCounts,
    FacetIndex,
    Options,
    count_facets,
    index_facets,
    matched_rows,
    takes_several,
    with_facet,
)
from tools_registry.models import STORED_OBJECTIVES, LifeStatus, Territory, TerritoryKind, Tool
from tools_registry.search import search_lexemes, search_tools, search_word
from tools_registry.text import natural, natural_key

YES_NO = [("true", _("Oui")), ("false", _("Non"))]
YES_NO_VALUES = [value for value, _label in YES_NO]


class Sort(models.TextChoices):
    RELEVANCE = "pertinence", _("Pertinence")
    NAME = "nom", _("Nom")
    NEWEST = "recent", _("Plus récents")


class SharedFields(dict):
    """The fields of the filter form, shared by all its forms: a Django form deep-copies its fields for
    each instance (here 0.4 ms, ~200 copies of choices and their lazy labels), so that one form may
    change its own; the filter form never does (no queryset nor choices that depend on a request), and
    its fields only read and clean the parameters."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class ToolFilterForm(forms.Form):
    """The filter form. A filter that takes one value and is given several (`?region=53&region=11`) is
    refused, as a value it does not know is, rather than read as its last one: the API answers 400 and the
    catalogue leaves it out, saying so."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, field in self.fields.items():
            given = len(self.data.getlist(self.add_prefix(name))) if hasattr(self.data, "getlist") else 0
            if given > 1 and not takes_several(field):
                self.add_error(name, _("Une seule valeur est attendue, pas %(count)d.") % {"count": given})
        return cleaned


class IdInFilter(django_filters.BaseInFilter, django_filters.Filter):
    """Ids separated by commas: whole numbers a database integer can hold (1e20 is a 400, not a 500)."""

    field_class = forms.IntegerField


# Documented as the text it reads: a boolean schema would refuse the very values the filter accepts.
@extend_schema_field({"type": "string", "enum": YES_NO_VALUES})
class YesNoFilter(django_filters.TypedChoiceFilter):
    """`true` or `false`; any other value is refused with the values accepted."""

    def __init__(self, *args, **kwargs) -> None:
        refused = _("Valeur inconnue : « %(value)s ». Valeurs acceptées : « true » (oui) ou « false » (non).")
        super().__init__(
            *args,
            choices=YES_NO,
            coerce=lambda value: value == "true",
            error_messages={"invalid_choice": refused},
            **kwargs,
        )


def yes_no(path: str) -> Case:
    """A yes/no field of the tool as a YesNoFilter writes it: `true`, `false` (or nothing)."""
    return Case(When(**{path: True}, then=Value("true")), When(**{path: False}, then=Value("false")))


def _territory_names(kind: str, label: str) -> Options:
    """Options of a territory facet: its counted codes with the territories' names."""

    def options(codes: Iterable[str]) -> list[tuple[str, str]]:
        names = dict(Territory.objects.filter(kind=kind, code__in=codes).values_list("code", "name"))
        return [(code, label % {"code": code, "name": names.get(code, code)}) for code in codes]

    return options


def _by_name(options: Options) -> Options:
    return lambda codes: sorted(options(codes), key=lambda option: natural_key(option[1]))


def _by_code(options: Options) -> Options:
    return lambda codes: sorted(options(codes))


class ToolFilterSet(django_filters.FilterSet):
    """The tool list's filters. A filter declared `with_facet` is shown in the filter panel with counts
    (see tools_registry.facets)."""

    id = IdInFilter(
        label=_("Identifiants (séparés par des virgules)"), field_name="id", min_value=1, max_value=2**63 - 1
    )
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search", max_length=200)
    # distinct=False: a tool has one family and one collectivity, so no filter here can repeat a row, and
    # DISTINCT over every column would make PostgreSQL sort all matches.
    family = with_facet(
        django_filters.MultipleChoiceFilter(label=_("Famille"), choices=ToolFamily.choices, distinct=False),
        Facet("family"),
    )
    objective = with_facet(
        django_filters.MultipleChoiceFilter(
            label=_("Objectif"), choices=Objective.choices, method="filter_objective"
        ),
        Facet(tuple(STORED_OBJECTIVES)),
    )
    kind = with_facet(
        django_filters.MultipleChoiceFilter(
            label=_("Type de collectivité"),
            choices=CollectivityKind.choices,
            field_name="collectivity_kind",
            distinct=False,
        ),
        Facet("collectivity_kind"),
    )
    population = with_facet(
        django_filters.MultipleChoiceFilter(
            label=_("Population"),
            choices=PopulationBand.choices,
            field_name="population_band",
            distinct=False,
        ),
        Facet("population_band", label=_("Population de la collectivité")),
    )
    region = with_facet(
        django_filters.CharFilter(label=_("Région (code INSEE)"), field_name="region_code", max_length=3),
        Facet(
            "region_code",
            label=_("Région"),
            options=_by_name(_territory_names(TerritoryKind.REGION, "%(name)s")),
        ),
    )
    departement = with_facet(
        django_filters.CharFilter(
            label=_("Département (code INSEE)"), field_name="departement_code", max_length=3
        ),
        Facet(
            "departement_code",
            label=_("Département"),
            options=_by_code(_territory_names(TerritoryKind.DEPARTEMENT, "%(code)s – %(name)s")),
        ),
    )
    software = with_facet(
        django_filters.CharFilter(label=_("Logiciel"), field_name="software", lookup_expr="iexact"),
        # Matched whatever the case ("decidim" finds "Decidim"): not by value.
        Facet("software", options=lambda names: [(name, name) for name in names], limit=30, by_value=False),
    )
    open_source = with_facet(
        YesNoFilter(label=_("Logiciel libre"), field_name="is_open_source"), Facet(yes_no("is_open_source"))
    )
    hybrid = with_facet(
        YesNoFilter(label=_("Combiné à des réunions en présentiel"), field_name="hybrid"),
        Facet(yes_no("hybrid")),
    )
    life_status = with_facet(
        django_filters.MultipleChoiceFilter(label=_("État"), choices=LifeStatus.choices, distinct=False),
        Facet("life_status"),
    )
    located = YesNoFilter(label=_("Placé sur la carte"), method="filter_located")
    sort = django_filters.ChoiceFilter(
        label=_("Tri"), choices=Sort.choices, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Tool
        fields = []
        form = ToolFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        # django-filter deep-copies every filter, its choices and their lazy labels included, for each
        # FilterSet, and builds a new form class with new fields: ~1 ms a time, several times a page.
        # These filters hold no state of a request (no queryset, no request-dependent choices), so a
        # shallow copy each is enough, and the form class is built once.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Tool.objects.all() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = self.queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # binds the filter's method to this copy (FilterMethod)

    @classmethod
    @cache
    def _form_class(cls) -> type[forms.Form]:
        fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
        form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        form_class.base_fields = SharedFields(form_class.base_fields)
        return form_class

    def get_form_class(self) -> type[forms.Form]:
        return self._form_class()

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_tools(queryset, value) if value.strip() else queryset

    def filter_objective(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        # From what each tool stores of its objectives, as the facet counts them: no join to their table.
        return queryset.filter(reduce(or_, (Q(**{f"{field}__in": value}) for field in STORED_OBJECTIVES)))

    def filter_located(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.located(value)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ordering is applied once every filter has run: see `qs`.
        return queryset

    def refused(self) -> list[tuple[str, list[str]]]:
        """The filters given a value they do not know, or several values where they take one, with why: each
        is left out of the list (the search box says its own)."""
        if not self.is_bound:
            return []
        return [
            (str(self.form.fields[name].label), [str(message) for message in messages])
            for name, messages in self.form.errors.items()
            if name != "q"
        ]

    def accepted(self) -> QueryDict:
        """The parameters given but those of the refused filters (the search's too): what the list is
        filtered by, for the addresses that must show the same tools (the API refuses the others)."""
        accepted = self.data.copy()
        if self.is_bound:
            for name in self.form.errors:
                accepted.pop(name, None)
        return accepted

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        valid = self.is_bound and self.form.is_valid()
        sort = self.form.cleaned_data.get("sort") if valid else None
        if sort == Sort.NEWEST:
            return queryset.active_first("-created_at", "pk")
        if not ranked(self.form.cleaned_data.get("q") if valid else None, sort):
            return queryset.active_first(natural("name"), "pk")
        return by_relevance(queryset)


def by_relevance(queryset: QuerySet) -> QuerySet:
    """The tools of a search (annotated with their `rank`) in the order of its list."""
    return queryset.active_first("-rank", natural("name"), "pk")


def ranked(search: str | None, sort: str | None) -> bool:
    """Whether the list of a search (`q`) sorted by `sort` is ordered by relevance: no sort by name or
    date was asked for a search."""
    return bool(search and search.strip()) and sort not in {Sort.NAME, Sort.NEWEST}


FACET_CACHE_SECONDS = 300


def facet_counts(data: QueryDict | dict, queryset: QuerySet) -> FacetCounts:
    """For each facet, how many tools each value would give, the other filters staying as they are, and
    how many tools the filters match (`total`).

    One query whatever the number of tools (tools_registry.facets); the result is cached until the
    registry changes. `queryset` must be the published tools (the cache key does not tell querysets apart).
    """
    data = data if isinstance(data, QueryDict) else QueryDict(mutable=True)
    build = partial(_count_facets, data, queryset)
    return cached(_facets_key(data), build, FACET_CACHE_SECONDS, refresh=refreshed_by_job("facets", data))


def refresh_facet_counts(query: str) -> None:
    """Rebuild the cached facet counts of the published tools filtered by `query` (a `normalized_query`),
    unless they are current already: the job's part of `facet_counts`."""
    data = QueryDict(query)
    rebuild(_facets_key(data), partial(_count_facets, data, Tool.objects.published()), FACET_CACHE_SECONDS)


def _count_facets(data: QueryDict, queryset: QuerySet) -> FacetCounts:
    index = facet_index()
    return count_facets(ToolFilterSet, data, queryset, index=index, answered=_by_common_word(index))


def _by_common_word(index: FacetIndex | None) -> Answered:
    """The search answered from the lists of its words (`common_words`) where each is common: the tools
    holding all of them."""

    def rows(text: str) -> FrozenBitMap | None:
        lists = _common_word_lists(text)
        if index is None or lists is None:
            return None
        return reduce(and_, (index.rows(keys) for keys in lists))

    return {"q": rows}


# The key names the index's form (compressed bitmaps): an index an earlier release left in the cache in
# another form (Python ints) is never read.
FACET_INDEX_KEY = "facet-index:roaring"
# Rebuilt at least this often even if the registry does not change, whatever might have been missed.
FACET_INDEX_SECONDS = 3600
# Each worker keeps its own copy of the facet index (cache.LocalCopies): 0.9 MB at 100,000 tools, 8.3 MB
# at a million.
FACET_INDEXES = LocalCopies[FacetIndex](max_bytes=48 * 1024 * 1024, size=FacetIndex.size)


def facet_index() -> FacetIndex | None:
    """The `FacetIndex` of the published tools as they are now, or None: then a job builds it (never a
    request: seconds at a million tools), and the counts come from SQL meanwhile."""
    return built_by_job(
        FACET_INDEX_KEY, local=FACET_INDEXES, refresh=partial(_enqueue_refresh, "facet-index", "")
    )


def refresh_facet_index(query: str = "") -> None:
    """Build the `FacetIndex` of the published tools, unless the one cached is current: the job's part of
    `facet_index` (`query` is unused: the index is of every published tool)."""
    build = partial(index_facets, ToolFilterSet, Tool.objects.published(), registry_version())
    rebuild(FACET_INDEX_KEY, build, FACET_INDEX_SECONDS)


COMMON_WORDS_KEY = "common-words"
COMMON_WORDS_SECONDS = FACET_INDEX_SECONDS
COMMON_WORDS = LocalCopies[CommonWords](max_bytes=1024 * 1024, size=CommonWords.size)


def common_words() -> CommonWords | None:
    """The common words of the published tools as they are now (tools_registry.common_words), or None:
    then a job builds them (3.5 minutes at a million tools), and searches are made in SQL meanwhile."""
    return built_by_job(
        COMMON_WORDS_KEY, local=COMMON_WORDS, refresh=partial(_enqueue_refresh, "common-words", "")
    )


def refresh_common_words(query: str = "") -> None:
    """Build the common words of the published tools and their lists, unless those cached are current:
    the job's part of `common_words` (`query` is unused)."""
    published = Tool.objects.published()
    build = partial(build_common_words, published, registry_version(), _word_list, COMMON_WORDS_SECONDS)
    rebuild(COMMON_WORDS_KEY, build, COMMON_WORDS_SECONDS)


def _word_list(queryset: QuerySet, word: str) -> QuerySet:
    return by_relevance(search_word(queryset, word))


def _common_word_lists(text: str) -> list[array] | None:
    """The lists of the words a search for `text` requires every one of (in the order a search for each
    alone gives), when each is a common word; else None. One statement at most: which words they are."""
    words = common_words()
    lexemes = None if words is None else search_lexemes(text)
    if lexemes is None:
        return None
    lists = [words.keys(lexeme) for lexeme in lexemes]
    return None if None in lists else lists


def common_word_block(data: QueryDict) -> Callable[[int, int], tuple[list[int], int] | None]:
    """For `CachedPaginator(ordered=…)`: the published tools `start` to `stop` of the list `data` asks
    for and its length, when it is a search for one common word; else None."""

    def block(start: int, stop: int) -> tuple[list[int], int] | None:
        if not ranked(data.get("q"), data.get("sort")):
            return None  # a list sorted by name or date is read in its order from an index
        filterset = ToolFilterSet(data, queryset=Tool.objects.published())
        filterset.form.is_valid()
        cleaned = filterset.form.cleaned_data
        if not ranked(cleaned.get("q"), cleaned.get("sort")):
            return None  # a search the form leaves out (too long): no search, as for the FilterSet
        # Both asked for, so that a job builds whichever is missing.
        index, words = facet_index(), common_words()
        lists = None if index is None or words is None else _common_word_lists(cleaned["q"])
        if lists is None or len(lists) > 1:
            return None  # the order of a search for several words is not theirs alone: ranked in SQL
        [keys] = lists
        published = filterset.queryset
        kept = matched_rows(ToolFilterSet, data, published, index, {"q": lambda _text: index.rows(keys)})
        return in_order(keys, kept, start, stop), len(kept)

    return block


def _facets_key(data: QueryDict) -> str:
    # The key names what it holds (FacetCounts, with their total): entries of another shape that an
    # earlier release left in the cache are never read.
    return f"facet-counts:{query_digest(data)}"


def located_counts(filterset: ToolFilterSet) -> tuple[int, int]:
    """How many of the filtered tools a map places, and how many it cannot (no location).

    Cached like `facet_counts`, and like it for a FilterSet over the published tools.
    """
    data = filterset.data if isinstance(filterset.data, QueryDict) else QueryDict()
    refresh = refreshed_by_job("located", data)
    return cached(_located_key(data), filterset.qs.count_located, FACET_CACHE_SECONDS, refresh=refresh)


def refresh_located_counts(query: str) -> None:
    """Rebuild the cached `located_counts` of the published tools filtered by `query` (a
    `normalized_query`), unless they are current already: the job's part of `located_counts`."""
    data = QueryDict(query)
    build = ToolFilterSet(data, queryset=Tool.objects.published()).qs.count_located
    rebuild(_located_key(data), build, FACET_CACHE_SECONDS)


def _located_key(data: QueryDict) -> str:
    return f"located:{query_digest(data)}"


def query_digest(data: QueryDict) -> str:
    """A short fixed-length stand-in for `normalized_query`, for cache keys."""
    return hashlib.sha256(normalized_query(data).encode()).hexdigest()[:32]


def list_digest(data: QueryDict) -> str:
    """The published tools filtered and sorted by `data`, in cache keys: its filters and its sort (pages
    differ by sort).

    A sort that is not one of `Sort` sorts as no sort does, and never puts what a client typed in a key.
    """
    sort = data.get("sort", "")
    return f"published-tools:{query_digest(data)}:{sort if sort in Sort.values else ''}"


def chosen_from_lists(data: QueryDict) -> bool:
    """Whether every filter that `data` sets takes its values from a list (families, kinds, yes or no…):
    no search words, no other text a visitor may have typed (a software's name, codes)."""
    filters = ToolFilterSet.base_filters
    return all(
        isinstance(filters[name], django_filters.MultipleChoiceFilter | django_filters.TypedChoiceFilter)
        for name in data
        if name in filters and name != "sort" and any(data.getlist(name))
    )


def refreshed_by_job(kind: str, data: QueryDict) -> Callable[[], None] | None:
    """For `cached`: how a job rebuilds the cached view `kind` ("map": the map source, "facets": the
    facet counts, "located": `located_counts`) of the published tools filtered by `data`, once it is
    slow to build. None when `data` holds text a visitor typed, which never goes into a job's row: a
    request rebuilds that view."""
    if not chosen_from_lists(data):
        return None
    return partial(_enqueue_refresh, kind, normalized_query(data))


def _enqueue_refresh(kind: str, query: str) -> None:
    from tools_registry.tasks import refresh_cached  # the jobs' module imports this one

    refresh_cached.enqueue(kind, query)


def normalized_query(data: dict) -> str:
    """The filter parameters in a canonical order, for cache keys and shareable links."""
    keys = sorted(key for key in data if key in ToolFilterSet.base_filters and key != "sort")
    return urlencode([(key, value) for key in keys for value in sorted(data.getlist(key)) if value])
