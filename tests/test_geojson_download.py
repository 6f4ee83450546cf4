"""The GeoJSON download of /donnees/: one Feature per tool, with what a journalist needs, RFC 7946 valid."""

import geojson
import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tools_registry.choices import ToolFamily
from tools_registry.models import ToolSource, ToolStatus

pytestmark = pytest.mark.django_db
DOWNLOAD = reverse("opendata:tools_geojson")


def download(client, params: dict | None = None) -> geojson.FeatureCollection:
    response = client.get(DOWNLOAD, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == 'attachment; filename="outils.geojson"'
    collection = geojson.loads(b"".join(response.streaming_content).decode())
    assert collection.is_valid, collection.errors()
    return collection


def test_each_published_tool_is_a_feature_with_its_address_family_collectivity_and_page(
    client, settings, django_assert_num_queries
) -> None:
    settings.SITE_URL = "https://barometre.example.org"
    lille = CollectivityFactory(
        name="Lille",
        territory=TerritoryFactory(code="59350", name="Lille"),
        latitude=50.6292,
        longitude=3.0573,
    )
    ToolFactory(
        name="Budget participatif de Lille",
        url="https://budget.lille.example/",
        family=ToolFamily.BUDGET_PARTICIPATIF,
        collectivity=lille,
    )
    ToolFactory(name="Web-radio", family=ToolFamily.AUTRE, family_other="Web-radio", collectivity=lille)
    ToolFactory(name="Parc sans point", collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(name="Exemple fictif", source=ToolSource.DEMO, collectivity=lille)
    ToolFactory(name="En attente", status=ToolStatus.PENDING, collectivity=lille)
    # The collection's licence, the tools, their sources: three queries whatever the number of tools.
    with django_assert_num_queries(3):
        collection = download(client)
    features = {feature["properties"]["name"]: feature for feature in collection["features"]}
    assert sorted(features) == [
        "Budget participatif de Lille",
        "Exemple fictif",
        "Parc sans point",
        "Web-radio",
    ]
    budget = features["Budget participatif de Lille"]
    assert budget["id"] == "budget-participatif-de-lille"
    assert budget["geometry"] == {"type": "Point", "coordinates": [3.0573, 50.6292]}
    assert budget["properties"] == {
        "name": "Budget participatif de Lille",
        "url": "https://budget.lille.example/",
        "family": "budget_participatif",
        "family_label": "Plateforme numérique pour le budget participatif",
        "collectivity": "Lille",
        "collectivity_code": "59350",
        "page_url": "https://barometre.example.org/outils/budget-participatif-de-lille/",
        "source": "submission",
        "life_status": "active",
        "launch_year": None,
        "end_year": None,
        "replaced_by": None,
        "archived_url": "",
        "is_demo": False,
        "provenance": [],
        "source_date": [],
        "licence": "etalab-2.0",
    }
    assert (collection["license"], collection["attribution"]) == ("etalab-2.0", [])
    assert features["Web-radio"]["properties"]["family_label"] == "Autres : Web-radio"
    assert features["Parc sans point"]["geometry"] is None
    assert features["Exemple fictif"]["properties"]["is_demo"] is True


def test_the_labels_stay_in_the_registry_s_language_on_english_pages(client) -> None:
    ToolFactory(family=ToolFamily.FORUM)
    client.cookies["django_language"] = "en"
    (feature,) = download(client)["features"]
    assert feature["properties"]["family_label"] == "Forum de discussion"


def test_the_catalogue_filters_apply(client) -> None:
    ToolFactory(name="Forum", family=ToolFamily.FORUM)
    ToolFactory(name="Sondage", family=ToolFamily.SONDAGE)
    features = download(client, {"family": "forum"})["features"]
    assert [feature["properties"]["name"] for feature in features] == ["Forum"]
    assert download(client, {"q": "inexistant"})["features"] == []


def test_the_map_page_offers_this_download_with_its_filters(client) -> None:
    html = client.get(reverse("tools_registry:tool_map"), {"family": "forum"}).content.decode()
    assert f'href="{DOWNLOAD}?family=forum"' in html
