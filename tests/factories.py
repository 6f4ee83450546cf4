import factory
from factory.django import DjangoModelFactory

from tools_registry.choices import CollectivityKind, ToolFamily
from tools_registry.models import Collectivity, Territory, TerritoryKind, Tool, ToolObjective, ToolStatus


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    kind = TerritoryKind.COMMUNE
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Faker("city", locale="fr_FR")
    population = 12000
    latitude = 47.0
    longitude = 2.0


class CollectivityFactory(DjangoModelFactory):
    class Meta:
        model = Collectivity

    # Unique: one body outside the territory reference per name and kind.
    name = factory.Sequence(lambda n: f"Commune exemple {n}")
    kind = CollectivityKind.COMMUNE
    latitude = 48.1
    longitude = -1.6
    population = 20000


class ToolFactory(DjangoModelFactory):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Outil numéro {n}")
    description = factory.Faker("paragraph", locale="fr_FR")
    url = factory.Sequence(lambda n: f"https://outil-{n}.example.org/")
    family = ToolFamily.FORUM
    collectivity = factory.SubFactory(CollectivityFactory)
    status = ToolStatus.PUBLISHED


class ToolObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = ToolObjective

    tool = factory.SubFactory(ToolFactory)
    objective = "informer"
    rank = 1
