"""Search ignores accents and case, on PostgreSQL (the tests' database) and on SQLite (what
`scripts/run.sh` gives a newcomer): the same searches give the same tools on both (tests/test_sqlite.py)."""

import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CATALOGUE = reverse("tools_registry:tool_list")


@pytest.fixture
def registry() -> None:
    ToolFactory(name="Portail de données ouvertes", description="Les jeux publiés par la ville.")
    ToolFactory(name="Budget participatif", description="Les DONNÉES du budget, projet par projet.")
    ToolFactory(
        name="Carte des équipements",
        description="Les équipements publics.",
        collectivity=CollectivityFactory(name="Saint-Étienne"),
    )
    ToolFactory(
        name="Forum", description="Un espace d'échange.", collectivity=CollectivityFactory(name="Lyon")
    )


def found(client, text: str) -> list[str]:
    response = client.get(CATALOGUE, {"q": text})
    return sorted(tool.name for tool in response.context["page"].object_list)


@pytest.mark.parametrize("text", ["donnees", "données", "DONNÉES", "Donnees"])
def test_a_word_is_found_whatever_its_accents_and_case(client, registry, text: str) -> None:
    assert found(client, text) == ["Budget participatif", "Portail de données ouvertes"]


@pytest.mark.parametrize("text", ["saint etienne", "SAINT-ÉTIENNE", "Saint-Etienne"])
def test_a_collectivity_is_found_whatever_its_accents_and_case(client, registry, text: str) -> None:
    assert found(client, text) == ["Carte des équipements"]


@pytest.mark.parametrize("text", ["EQUIPEMENTS publics", "équipements PUBLICS"])
def test_every_word_of_the_search_must_match(client, registry, text: str) -> None:
    assert found(client, text) == ["Carte des équipements"]
