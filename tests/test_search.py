"""Search ignores accents and case, on PostgreSQL (the tests' database) and on SQLite (what
`scripts/run.sh` gives a newcomer): the same searches give the same tools on both."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")
ROOT = Path(__file__).resolve().parent.parent


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


def test_the_same_searches_give_the_same_tools_on_sqlite(tmp_path: Path) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite already: the tests above are the check")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-k", "not on_sqlite", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout
