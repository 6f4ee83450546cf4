"""Collectivities side by side: up to four, the selection kept in the address."""

import pytest

from tests.factories import CollectivityFactory, ToolFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_two_collectivities_side_by_side_with_their_tools_software_and_years(client, registry) -> None:
    response = client.get("/collectivites/comparer/", {"c": [registry.rennes.slug, registry.brest.slug]})
    text = page_text(response)
    assert "Rennes Retirer Rennes Brest Retirer Brest" in text
    assert "Rennes open data OpenDataSoft · depuis 2012" in text
    assert "Brest données logiciel non renseigné" in text
    assert "Fabrique citoyenne Decidim · depuis 2016" in text


def test_adding_by_name_keeps_the_selection_in_the_address(client, registry) -> None:
    response = client.get("/collectivites/comparer/", {"c": registry.rennes.slug, "ajouter": "brest"})
    assert response.status_code == 302
    assert (
        response["Location"] == f"/collectivites/comparer/?c={registry.rennes.slug}&c={registry.brest.slug}"
    )


def test_an_unknown_name_is_said_and_kept(client, registry) -> None:
    response = client.get("/collectivites/comparer/", {"c": registry.rennes.slug, "ajouter": "Atlantide"})
    assert response.status_code == 400
    assert "Aucune collectivité du registre ne porte ce nom." in page_text(response)
    assert 'value="Atlantide"' in response.content.decode()


def test_four_at_most(client, registry) -> None:
    slugs = [
        c.slug for c in (registry.rennes, registry.brest, registry.abymes, registry.metropole, registry.vitre)
    ]
    text = page_text(client.get("/collectivites/comparer/", {"c": slugs}))
    assert "Seules les quatre premières collectivités de l'adresse sont comparées." in text
    assert "Retirer Vitré" not in text
    full = client.get("/collectivites/comparer/", {"c": slugs[:4], "ajouter": "Vitré"})
    assert "Quatre collectivités au plus" in page_text(full)


def test_a_collectivity_without_published_tools_is_not_shown(client, registry) -> None:
    liffre = registry.territories["35152"].collectivity
    text = page_text(client.get("/collectivites/comparer/", {"c": [liffre.slug, registry.rennes.slug]}))
    assert "Liffré" not in text
    assert "1 collectivité de l'adresse n'a pas d'outil publié" in text


def test_query_count_does_not_grow_with_the_tools(queries, registry) -> None:
    slugs = [registry.rennes.slug, registry.brest.slug]
    small = queries("/collectivites/comparer/", {"c": slugs})
    ToolFactory.create_batch(10, collectivity=registry.brest)
    other = CollectivityFactory()
    ToolFactory.create_batch(5, collectivity=other)
    assert queries("/collectivites/comparer/", {"c": [*slugs, other.slug]}) == small
