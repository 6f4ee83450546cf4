"""Names sort as a reader expects: numbers by value (« n° 2 » before « n° 10 »), accents and case
ignored (« Île-de-France » among the I). On PostgreSQL and on SQLite (tests/test_sqlite.py)."""

import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tools_registry.models import TerritoryKind

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CATALOGUE = reverse("tools_registry:tool_list")
IN_ORDER = [
    "agora citoyenne",
    "Exemple fictif n° 2 — Forum",
    "Exemple fictif n° 10 — Forum",
    "Hérouville participe",
    "Île-de-France mobilités",
    "Ivry en débat",
    "Zèbre",
]


@pytest.fixture
def town():
    town = CollectivityFactory(name="Ivry")
    for name in reversed(IN_ORDER):
        ToolFactory(name=name, collectivity=town)
    return town


@pytest.mark.parametrize("params", [{}, {"sort": "nom"}])
def test_the_catalogue_lists_names_in_natural_order(client, town, params: dict) -> None:
    page = client.get(CATALOGUE, params).context["page"]
    assert [tool.name for tool in page.object_list] == IN_ORDER


def test_the_api_and_the_collectivity_page_use_the_same_order(client, town) -> None:
    api = client.get(reverse("api:tool-list"), {"sort": "nom"}).json()
    assert [tool["name"] for tool in api["results"]] == IN_ORDER
    page = client.get(town.get_absolute_url())
    assert [tool.name for tool in page.context["tools"]] == IN_ORDER


def test_the_region_filter_lists_ile_de_france_among_the_i(client) -> None:
    for code, name in [
        ("76", "Occitanie"),
        ("11", "Île-de-France"),
        ("53", "Bretagne"),
        ("32", "Hauts-de-France"),
    ]:
        region = TerritoryFactory(kind=TerritoryKind.REGION, code=code, name=name)
        ToolFactory(collectivity=CollectivityFactory(region=region))
    facets = client.get(CATALOGUE).context["facets"]
    region = next(group for group in facets if group["param"] == "region")
    assert [option["label"] for option in region["options"]] == [
        "Bretagne",
        "Hauts-de-France",
        "Île-de-France",
        "Occitanie",
    ]
