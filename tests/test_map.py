import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.choices import ToolFamily
from tools_registry.models import ToolSource, ToolStatus

pytestmark = pytest.mark.django_db
MAP = reverse("tools_registry:tool_map")
GEOJSON = reverse("api:tool-list")


def test_the_map_page_runs_only_the_sites_own_scripts(client) -> None:
    html = client.get(MAP).content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    for outside in ("cdn.jsdelivr", "code.jquery.com", "bootstrapcdn", "cdnjs", "fontawesome"):
        assert outside not in html


def test_the_map_page_does_not_embed_the_tools(client) -> None:
    ToolFactory(name="Outil très particulier")
    html = client.get(MAP, {"family": "forum"}).content.decode()
    assert "Outil très particulier" not in html
    assert "format=geojson&amp;family=forum" in html or "format=geojson\\u0026family=forum" in html


def test_geojson_has_a_point_per_located_published_tool(client) -> None:
    ToolFactory(
        name="Forum",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68),
    )
    ToolFactory(name="Sans lieu", collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(name="En attente", status=ToolStatus.PENDING)
    ToolFactory(
        name="Démo", source=ToolSource.DEMO, collectivity=CollectivityFactory(latitude=45.0, longitude=5.0)
    )
    response = client.get(GEOJSON, {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    by_name = {feature["properties"]["name"]: feature for feature in collection["features"]}
    assert set(by_name) == {"Forum", "Démo"}
    forum = by_name["Forum"]
    assert forum["geometry"] == {"type": "Point", "coordinates": [-1.68, 48.11]}
    assert forum["properties"]["collectivity"] == "Rennes"
    assert forum["properties"]["family_label"] == "Forum de discussion"
    assert forum["properties"]["url"].startswith("/outils/")
    assert by_name["Démo"]["properties"]["demo"] == "Exemple fictif"


def test_geojson_follows_the_catalogue_filters_and_changes_when_a_tool_is_published(client) -> None:
    ToolFactory(name="Forum", family=ToolFamily.FORUM)
    pending = ToolFactory(name="Sondage", family=ToolFamily.SONDAGE, status=ToolStatus.PENDING)
    names = lambda params: [f["properties"]["name"] for f in client.get(GEOJSON, params).json()["features"]]  # noqa: E731
    assert names({"format": "geojson", "family": "sondage"}) == []
    pending.status = ToolStatus.PUBLISHED
    pending.save()
    assert names({"format": "geojson", "family": "sondage"}) == ["Sondage"]
    assert names({"format": "geojson"}) == ["Forum", "Sondage"]


def test_the_embeddable_map_may_be_framed_but_other_pages_may_not(client) -> None:
    embed = client.get(reverse("tools_registry:tool_map_embed"), {"family": "forum"})
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert client.get(MAP)["X-Frame-Options"] == "DENY"


def test_the_tiles_come_from_the_configured_server(client, settings) -> None:
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "Tuiles exemple"
    html = client.get(MAP).content.decode()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert "Tuiles exemple" in html


def test_pages_carry_a_content_security_policy_with_a_nonce_for_the_map(client) -> None:
    response = client.get(MAP)
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_only_the_embeddable_map_may_be_framed_by_other_sites(client) -> None:
    policy = client.get(reverse("tools_registry:tool_map_embed"))["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
