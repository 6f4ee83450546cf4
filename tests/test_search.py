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


def test_a_tool_is_found_by_the_words_of_its_family_in_french_and_english(client) -> None:
    # Named after its address, as many are: the family's name says what it is.
    ToolFactory(name="jeparticipe.ville.fr", description="", family="budget_participatif")
    ToolFactory(name="Budget de la ville", description="", family="open_data")
    ToolFactory(name="Consultations", description="", family="sondage")
    assert found(client, "budget participatif") == ["jeparticipe.ville.fr"]
    assert found(client, "budget") == ["Budget de la ville", "jeparticipe.ville.fr"]
    assert found(client, "participatory budgeting") == ["jeparticipe.ville.fr"]
    assert found(client, "sondage") == ["Consultations"]
    assert found(client, "survey") == ["Consultations"]


def test_a_tool_whose_family_changes_is_found_by_its_new_family(client) -> None:
    tool = ToolFactory(name="Consultations", description="", family="forum")
    assert found(client, "sondage") == []
    tool.family = "sondage"
    tool.save(update_fields=["family"])
    assert found(client, "sondage") == ["Consultations"]
