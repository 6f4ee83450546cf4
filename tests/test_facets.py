"""The filter panel's counts: exact, from one statement, and derived from the FilterSet alone."""

import random

import django_filters
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory, ToolObjectiveFactory
from tools_registry import services
from tools_registry.choices import CollectivityKind, Objective, PopulationBand, ToolFamily, population_band
from tools_registry.facets import Facet, count_facets, facet_panel, facets_of, index_facets, with_facet
from tools_registry.filters import ToolFilterSet
from tools_registry.merging import merge_tools
from tools_registry.models import (
    STORED_FROM_COLLECTIVITY,
    STORED_OBJECTIVES,
    Collectivity,
    Territory,
    TerritoryKind,
    Tool,
    ToolObjective,
)

pytestmark = pytest.mark.django_db

SOFTWARE = ["Decidim", "CONSUL", "uData", ""]
POPULATIONS = [None, 800, 3500, 9999, 10000, 60000, 200000, 450000]


@pytest.fixture
def registry() -> None:
    """Some forty tools over every kind of value a facet counts, a few of them unpublished."""
    chance = random.Random(7)
    regions = [
        TerritoryFactory(kind=TerritoryKind.REGION, code=code, name=name)
        for code, name in [("53", "Bretagne"), ("11", "Île-de-France")]
    ]
    departements = [
        TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code=code, name=name, region=region)
        for code, name, region in [("35", "Ille-et-Vilaine", regions[0]), ("75", "Paris", regions[1])]
    ]
    collectivities = [
        CollectivityFactory(
            kind=chance.choice(CollectivityKind.values),
            population=chance.choice(POPULATIONS),
            region=chance.choice([*regions, None]),
            departement=chance.choice([*departements, None]),
        )
        for _ in range(12)
    ]
    for number in range(40):
        tool = ToolFactory(
            name=f"{'Budget' if number % 3 else 'Forum'} citoyen {number}",
            family=chance.choice(ToolFamily.values),
            collectivity=chance.choice([*collectivities, None]),
            software=chance.choice(SOFTWARE),
            is_open_source=chance.choice([True, False, None]),
            hybrid=chance.choice([True, False, None]),
            status=Tool.Status.PENDING if number % 9 == 0 else Tool.Status.PUBLISHED,
        )
        for rank, objective in enumerate(chance.sample(Objective.values, chance.randint(0, 3)), start=1):
            ToolObjectiveFactory(tool=tool, objective=objective, rank=rank)


COMBINATIONS = [
    {},
    {"family": ["forum"]},
    {"family": ["forum", "open_data"], "objective": ["informer"]},
    {"objective": ["idees", "consulter"], "kind": ["commune"]},
    {"population": [PopulationBand.LT_3500, PopulationBand.GT_200000], "open_source": ["true"]},
    {"region": ["53"], "hybrid": ["false"]},
    {"departement": ["75"], "software": ["decidim"], "sort": ["nom"]},
    {"q": ["budget"], "family": ["budget_participatif", "sondage"], "population": ["pop_3500_10000"]},
    {"q": ["forum"], "located": ["true"], "kind": ["region", "departement", "commune"]},
    {"family": ["nonsense"], "kind": ["commune"]},
]


def as_query(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def candidates(name: str) -> set[str]:
    """Every value a facet could count: the filter's choices, or the values the tools have."""
    filter_ = ToolFilterSet.base_filters[name]
    if "choices" in filter_.extra:
        return {value for value, _label in filter_.extra["choices"]}
    return set(Tool.objects.values_list(filter_.field_name, flat=True)) - {None, ""}


def naive_counts(data: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Each value of each facet counted by filtering the tools with it, the facet's own selection left out."""
    counts = {}
    for name in facets_of(ToolFilterSet):
        counts[name] = {}
        for value in candidates(name):
            query = as_query({**data, name: [value]})
            n = ToolFilterSet(query, queryset=Tool.objects.published()).qs.count()
            if n:
                counts[name][value] = n
    return counts


@pytest.mark.parametrize("indexed", [False, True], ids=["sql", "index"])
@pytest.mark.parametrize("data", COMBINATIONS, ids=lambda data: "&".join(data) or "nothing")
def test_facet_counts_equal_a_naive_count_of_each_value(registry, data, indexed) -> None:
    # In one SQL statement, or from the facet index (tests/test_facet_index.py).
    index = index_facets(ToolFilterSet, Tool.objects.published(), version=0) if indexed else None
    counts = count_facets(ToolFilterSet, as_query(data), Tool.objects.published(), index=index)
    assert counts == naive_counts(data)
    assert any(counts.values())
    # The same statement counts the list itself (the catalogue's "n outils").
    assert counts.total == ToolFilterSet(as_query(data), queryset=Tool.objects.published()).qs.count()


def test_all_facets_of_a_page_are_counted_in_one_statement(registry) -> None:
    query = QueryDict("family=forum&objective=informer&region=53&q=budget")
    with CaptureQueriesContext(connection) as context:
        count_facets(ToolFilterSet, query, Tool.objects.published())
    assert len(context.captured_queries) == 1


def test_from_the_index_filters_chosen_from_the_panel_are_counted_without_a_statement(registry) -> None:
    index = index_facets(ToolFilterSet, Tool.objects.published(), version=0)
    chosen = QueryDict("family=forum&objective=informer&region=53&open_source=true&population=pop_lt_3500")
    with CaptureQueriesContext(connection) as context:
        count_facets(ToolFilterSet, chosen, Tool.objects.published(), index=index)
    assert context.captured_queries == []
    # A search, a software typed in any case, are matched in SQL: one statement each gives their tools.
    typed = QueryDict("q=budget&software=decidim&family=forum")
    with CaptureQueriesContext(connection) as context:
        count_facets(ToolFilterSet, typed, Tool.objects.published(), index=index)
    assert len(context.captured_queries) == 2


def test_a_filter_becomes_a_facet_by_one_declaration(registry) -> None:
    class WithLaunchYear(ToolFilterSet):
        launch_year = with_facet(
            django_filters.MultipleChoiceFilter(
                label="Année de lancement", choices=[("2019", "2019"), ("2020", "2020")]
            ),
            Facet("launch_year"),
        )

    Tool.objects.filter(pk__in=Tool.objects.published().values("pk")[:3]).update(launch_year=2019)
    filterset = WithLaunchYear(QueryDict(), queryset=Tool.objects.published())
    panel = facet_panel(filterset, count_facets(WithLaunchYear, QueryDict(), Tool.objects.published()))
    launch_year = next(group for group in panel if group["param"] == "launch_year")
    assert launch_year["label"] == "Année de lancement"
    assert launch_year["options"] == [{"value": "2019", "label": "2019", "count": 3, "selected": False}]


def truth(tool: Tool) -> dict[str, str]:
    """What the tool's collectivity says, read through the relations."""
    collectivity = tool.collectivity
    if collectivity is None:
        return {"collectivity_kind": "", "population_band": "", "region_code": "", "departement_code": ""}
    return {
        "collectivity_kind": collectivity.kind,
        "population_band": population_band(collectivity.population) or "",
        "region_code": collectivity.region.code if collectivity.region else "",
        "departement_code": collectivity.departement.code if collectivity.departement else "",
    }


def assert_stored_values_true() -> None:
    tools = Tool.objects.select_related("collectivity__region", "collectivity__departement")
    stored = {tool.pk: {name: getattr(tool, name) for name in STORED_FROM_COLLECTIVITY} for tool in tools}
    assert stored == {tool.pk: truth(tool) for tool in tools}
    assert any(value for values in stored.values() for value in values.values())


def test_what_a_tool_stores_of_its_collectivity_follows_every_change(registry) -> None:
    """The filters and facets of a collectivity's kind, population, région and département read values
    stored on each tool: they follow the collectivity and the tool wherever either changes."""
    assert_stored_values_true()
    brittany = Territory.objects.get(kind=TerritoryKind.REGION, code="53")
    paris = Territory.objects.get(kind=TerritoryKind.DEPARTEMENT, code="75")
    collectivity = Collectivity.objects.filter(tools__status=Tool.Status.PUBLISHED).first()
    collectivity.kind, collectivity.population = CollectivityKind.REGION, 5_000_000
    collectivity.region, collectivity.departement = brittany, paris
    collectivity.save()
    assert_stored_values_true()
    query = QueryDict("kind=region&population=pop_gt_200000&region=53&departement=75")
    listed = set(ToolFilterSet(query, queryset=Tool.objects.published()).qs)
    assert set(collectivity.tools.published()) <= listed

    # A tool moved to another collectivity, its other fields left alone; and one that loses it.
    tool = Tool.objects.exclude(collectivity=collectivity).exclude(collectivity=None).first()
    tool.collectivity = collectivity
    tool.save(update_fields=["collectivity"])
    tool = Tool.objects.exclude(collectivity=None).exclude(pk=tool.pk).first()
    tool.collectivity = None
    tool.save()
    assert_stored_values_true()
    assert count_facets(ToolFilterSet, QueryDict("region=53"), Tool.objects.published()).total == (
        Tool.objects.published().filter(collectivity__region__code="53").count()
    )


def assert_stored_objectives_true() -> None:
    stored = {tool.pk: [getattr(tool, name) for name in STORED_OBJECTIVES] for tool in Tool.objects.all()}
    ranked = {
        tool.pk: [objective.objective for objective in tool.ranked_objectives()]
        for tool in Tool.objects.prefetch_related("objectives")
    }
    assert stored == {
        pk: codes + [""] * (len(STORED_OBJECTIVES) - len(codes)) for pk, codes in ranked.items()
    }


def test_what_a_tool_stores_of_its_objectives_follows_every_change(registry, admin_user) -> None:
    """The objective facet counts the objectives stored on each tool: they follow every writer of the
    objectives, one at a time or in bulk."""
    assert_stored_objectives_true()
    first, second, third = Tool.objects.published()[:3]
    services.set_objectives(tool=first, objectives=["consulter", "informer"])
    ToolObjective.objects.filter(tool=second).delete()
    ToolObjectiveFactory(tool=second, objective="idees", rank=1)
    ToolObjective.objects.filter(tool=third, rank=1).delete()
    assert_stored_objectives_true()
    assert Tool.objects.get(pk=second.pk).objective_1 == "idees"
    merge_tools(keep=second, drop=first, moderator=admin_user)
    assert_stored_objectives_true()
    counts = count_facets(ToolFilterSet, QueryDict("objective=informer"), Tool.objects.published())
    assert counts["objective"] == naive_counts({"objective": ["informer"]})["objective"]
