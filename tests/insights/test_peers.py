"""Collectivities like mine: peers of the same level and population band, in the reference."""

import csv
import io

import pytest

from tests.factories import CollectivityFactory, ToolFactory
from tests.helpers import page_text
from tests.insights.conftest import more_tools
from tools_registry.choices import CollectivityKind

pytestmark = pytest.mark.django_db


def _families(answer: dict) -> dict[str, tuple]:
    return {family["code"]: (family["count"], family["base"], family["has"]) for family in answer["families"]}


def test_peers_are_the_communes_of_the_same_band_this_one_left_out(client, registry) -> None:
    answer = client.get(f"/api/v1/insights/peers/{registry.rennes.slug}/").json()
    # Communes of 10,000 to 50,000 inhabitants: Rennes, Bruz, Vitré, Brest, Les Abymes; Brest and Les
    # Abymes have an open-data tool, Vitré's has ended, Rennes Métropole's belongs to the
    # intercommunality, not to a commune.
    assert answer["base"] == 4
    assert answer["description"] == "communes de 10 000 à 50 000 habitants"
    families = _families(answer)
    assert families["open_data"] == (2, 4, True)
    assert families["forum"] == (0, 4, True)
    assert families["sondage"] == (0, 4, False)
    assert answer["licence"] == "etalab-2.0"
    examples = next(family["examples"] for family in answer["families"] if family["code"] == "open_data")
    assert [(tool["name"], tool["collectivity"]) for tool in examples] == [
        ("Abymes data", "Les Abymes"),
        ("Brest données", "Brest"),
    ]


def test_peers_of_the_same_region_as_an_option(client, registry) -> None:
    answer = client.get(f"/api/v1/insights/peers/{registry.rennes.slug}/", {"comparables": "region"}).json()
    assert answer["base"] == 3
    assert answer["description"] == "communes de 10 000 à 50 000 habitants de la région Bretagne"
    assert _families(answer)["open_data"] == (1, 3, True)


def test_an_unknown_comparables_value_is_refused_naming_the_parameter(client, registry) -> None:
    url = f"/api/v1/insights/peers/{registry.rennes.slug}/"
    response = client.get(url, {"comparables": "zzz"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "comparables": ["Valeur inconnue : « region » (même région) ou rien."]
    }
    english = client.get(url, {"comparables": "zzz"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"] == {"comparables": ["Unknown value: “region” (same region) or nothing."]}


def test_the_collectivity_page_says_the_share_and_whether_this_one_has_a_tool(client, registry) -> None:
    text = page_text(client.get(registry.vitre.get_absolute_url()))
    assert (
        "3 des 4 communes de 10 000 à 50 000 habitants ont un outil « Plateforme de mise à disposition des "
        "données publiques (open data) » ; Vitré n'en a pas." in text
    )
    # A few peers' tools, with a link to compare.
    assert (
        "Par exemple : Abymes data (Les Abymes, comparer ), Brest données (Brest, comparer ), "
        "Rennes open data (Rennes, comparer )." in text
    )
    assert "Les comparables sont les territoires du référentiel officiel" in text


def test_the_chart_has_a_title_and_a_description(client, registry) -> None:
    page = client.get(registry.rennes.get_absolute_url()).content.decode()
    assert '<title id="comparables-title">Part des communes de 10 000 à 50 000 habitants' in page
    assert "Forum de discussion : 0 sur 4 ; Rennes en a un" in page


def test_a_body_outside_the_reference_has_no_peers(client, registry) -> None:
    park = CollectivityFactory(name="Parc des Monts", kind=CollectivityKind.PNR)
    ToolFactory(collectivity=park)
    assert "Pas de comparaison" in page_text(client.get(park.get_absolute_url()))
    assert client.get(f"/api/v1/insights/peers/{park.slug}/").status_code == 404
    assert client.get(f"/collectivites/{park.slug}/comparables.csv").status_code == 404


def test_a_collectivity_without_published_tools_is_not_found(client, registry) -> None:
    liffre = registry.territories["35152"].collectivity
    assert client.get(f"/api/v1/insights/peers/{liffre.slug}/").status_code == 404


def test_the_csv_gives_each_family(client, registry) -> None:
    response = client.get(f"/collectivites/{registry.rennes.slug}/comparables.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    open_data = next(row for row in rows if row["family"] == "open_data")
    assert (open_data["peers"], open_data["peers_with_tool"], open_data["this_collectivity_has_one"]) == (
        "4",
        "2",
        "true",
    )


def test_query_count_does_not_grow_with_the_registry(queries, registry) -> None:
    small = queries(registry.rennes.get_absolute_url())
    more_tools(40)
    assert queries(registry.rennes.get_absolute_url()) == small
