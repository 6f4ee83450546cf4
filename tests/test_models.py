import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory, ToolObjectiveFactory
from tools_registry.models import Collectivity, Territory, TerritoryKind, Tool, ToolStatus

pytestmark = pytest.mark.django_db


def assert_rejected(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_tool_slugs_are_unique() -> None:
    ToolFactory(slug="budget-participatif")
    assert_rejected(lambda: ToolFactory(slug="budget-participatif"))


def test_a_tool_gets_a_free_slug_from_its_name() -> None:
    first = ToolFactory(name="Budget participatif")
    second = ToolFactory(name="Budget participatif")
    assert first.slug == "budget-participatif"
    assert second.slug == "budget-participatif-2"


def test_territory_codes_are_unique_per_kind_but_may_repeat_across_kinds() -> None:
    # Code 11 is both the Aude département and the Île-de-France région.
    TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="11", name="Aude")
    TerritoryFactory(kind=TerritoryKind.REGION, code="11", name="Île-de-France")
    assert_rejected(lambda: TerritoryFactory(kind=TerritoryKind.REGION, code="11", name="Doublon"))


def test_an_unknown_status_is_rejected_by_the_database() -> None:
    tool = ToolFactory()
    assert_rejected(lambda: Tool.objects.filter(pk=tool.pk).update(status="hidden"))


def test_an_unknown_family_is_rejected_by_the_database() -> None:
    assert_rejected(lambda: ToolFactory(family="blog"))


def test_a_rejection_needs_a_reason() -> None:
    tool = ToolFactory()
    assert_rejected(lambda: Tool.objects.filter(pk=tool.pk).update(status=ToolStatus.REJECTED))


def test_an_implausible_launch_year_is_rejected() -> None:
    assert_rejected(lambda: ToolFactory(launch_year=1789))


def test_a_tool_has_at_most_three_ranked_objectives() -> None:
    tool = ToolFactory()
    for rank, objective in enumerate(["informer", "idees", "consulter"], 1):
        ToolObjectiveFactory(tool=tool, objective=objective, rank=rank)
    assert_rejected(lambda: ToolObjectiveFactory(tool=tool, objective="mobiliser", rank=4))
    assert [o.objective for o in tool.ranked_objectives()] == ["informer", "idees", "consulter"]


def test_an_objective_cannot_be_given_twice() -> None:
    tool = ToolFactory()
    ToolObjectiveFactory(tool=tool, objective="informer", rank=1)
    assert_rejected(lambda: ToolObjectiveFactory(tool=tool, objective="informer", rank=2))


def test_two_objectives_cannot_share_a_rank() -> None:
    tool = ToolFactory()
    ToolObjectiveFactory(tool=tool, objective="informer", rank=1)
    assert_rejected(lambda: ToolObjectiveFactory(tool=tool, objective="idees", rank=1))


def test_a_territory_has_at_most_one_collectivity() -> None:
    territory = TerritoryFactory()
    CollectivityFactory(territory=territory)
    assert_rejected(lambda: CollectivityFactory(territory=territory))


def test_a_collectivity_takes_its_location_and_population_from_its_territory() -> None:
    region = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    departement = TerritoryFactory(
        kind=TerritoryKind.DEPARTEMENT, code="35", name="Ille-et-Vilaine", region=region
    )
    commune = TerritoryFactory(
        code="35288",
        name="Saint-Malo",
        population=47000,
        latitude=48.65,
        longitude=-2.0,
        departement=departement,
        region=region,
    )
    collectivity = Collectivity.objects.create(name="Saint-Malo", kind="commune", territory=commune)
    assert (collectivity.latitude, collectivity.longitude, collectivity.population) == (48.65, -2.0, 47000)
    assert collectivity.departement == departement
    assert collectivity.region == region


def test_staff_set_location_wins_over_the_territory() -> None:
    territory = TerritoryFactory(latitude=45.0, longitude=5.0)
    collectivity = Collectivity.objects.create(
        name="Mairie annexe", kind="autre", territory=territory, latitude=45.5, longitude=5.5
    )
    assert (collectivity.latitude, collectivity.longitude) == (45.5, 5.5)


def test_a_point_outside_france_is_refused_with_what_to_check() -> None:
    collectivity = CollectivityFactory(latitude=None, longitude=None)
    collectivity.latitude, collectivity.longitude = -22.27, -166.44
    with pytest.raises(ValidationError) as refused:
        collectivity.full_clean()
    assert refused.value.message_dict["longitude"] == [
        "Ce point (-22.27, -166.44) n'est dans aucune zone de la France que les cartes montrent : "
        "vérifiez les signes et l'ordre de la latitude et de la longitude."
    ]
    collectivity.longitude = 166.44
    collectivity.full_clean()


def test_only_published_tools_are_public() -> None:
    published = ToolFactory(status=ToolStatus.PUBLISHED)
    ToolFactory(status=ToolStatus.PENDING)
    ToolFactory(status=ToolStatus.REJECTED, moderation_reason="Doublon")
    ToolFactory(status=ToolStatus.ARCHIVED)
    assert list(Tool.objects.published()) == [published]


def test_the_moderation_queue_holds_only_pending_tools() -> None:
    pending = ToolFactory(status=ToolStatus.PENDING)
    ToolFactory(status=ToolStatus.PUBLISHED)
    ToolFactory(status=ToolStatus.REJECTED, moderation_reason="Doublon")
    ToolFactory(status=ToolStatus.ARCHIVED)
    assert list(Tool.objects.pending()) == [pending]


def test_a_collectivity_is_public_through_its_published_tools_only() -> None:
    shown = CollectivityFactory(name="Rennes")
    ToolFactory(collectivity=shown)
    ToolFactory(collectivity=shown)
    ToolFactory(collectivity=shown, status=ToolStatus.PENDING)
    waiting = CollectivityFactory(name="Brest")
    ToolFactory(collectivity=waiting, status=ToolStatus.PENDING)
    ToolFactory(collectivity=waiting, status=ToolStatus.ARCHIVED)
    CollectivityFactory(name="Quimper")
    public = Collectivity.objects.with_published_tools()
    assert [(c.name, c.tool_count) for c in public] == [("Rennes", 2)]


def test_territory_search_name_ignores_accents_and_punctuation() -> None:
    territory = TerritoryFactory(name="L'Haÿ-les-Roses")
    assert Territory.objects.get(pk=territory.pk).search_name == "l hay les roses"


def test_territory_search_name_spells_out_ligatures() -> None:
    territory = TerritoryFactory(name="Rœschwoog")
    assert Territory.objects.get(pk=territory.pk).search_name == "roeschwoog"
