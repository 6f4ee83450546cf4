import html
import json
import re

import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory
from tests.helpers import external_resources, page_text
from tools_registry.areas import point_in_an_area
from tools_registry.choices import ToolFamily
from tools_registry.models import Tool, ToolSource, ToolStatus
from tools_registry.territories import DATA_FILE, read_rows

pytestmark = pytest.mark.django_db
MAP = reverse("tools_registry:tool_map")
GEOJSON = reverse("api:tool-list")


def test_the_map_page_runs_only_the_sites_own_scripts(client) -> None:
    html = client.get(MAP).content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert external_resources(html) == []


def test_the_map_page_does_not_embed_the_tools(client) -> None:
    ToolFactory(name="Outil très particulier")
    html = client.get(MAP, {"family": "forum"}).content.decode()
    assert "Outil très particulier" not in html
    # The map's script fetches its data, with the page's filters.
    assert re.search(r"format=geojson(&|&amp;|\\u0026)family=forum", html)


def tools_on_the_map(response) -> dict[str, tuple[str, list[float], str]]:
    """Tool name → (family, coordinates, collectivity), read back from the map's GeoJSON."""
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    found = {}
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        for tool_id, family in feature["properties"]["t"]:
            name = Tool.objects.get(pk=tool_id).name
            found[name] = (
                collection["families"][family],
                feature["geometry"]["coordinates"],
                feature["properties"]["c"],
            )
    return found


def test_geojson_places_every_located_published_tool(client) -> None:
    rennes = CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68)
    ToolFactory(name="Forum", family=ToolFamily.FORUM, collectivity=rennes)
    ToolFactory(name="Sondage", family=ToolFamily.SONDAGE, collectivity=rennes)
    ToolFactory(name="Sans lieu", collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(name="En attente", status=ToolStatus.PENDING)
    ToolFactory(
        name="Démo", source=ToolSource.DEMO, collectivity=CollectivityFactory(latitude=45.0, longitude=5.0)
    )
    response = client.get(GEOJSON, {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    assert tools_on_the_map(response) == {
        "Forum": ("forum", [-1.68, 48.11], "Rennes"),
        "Sondage": ("sondage", [-1.68, 48.11], "Rennes"),
        "Démo": ("forum", [5.0, 45.0], ToolFactory._meta.model.objects.get(name="Démo").collectivity.name),
    }
    # Tools of one collectivity share its point: one feature for both.
    assert len(response.json()["features"]) == 2


def test_geojson_follows_the_catalogue_filters_and_changes_when_a_tool_is_published(client) -> None:
    ToolFactory(name="Forum", family=ToolFamily.FORUM)
    pending = ToolFactory(name="Sondage", family=ToolFamily.SONDAGE, status=ToolStatus.PENDING)
    assert tools_on_the_map(client.get(GEOJSON, {"format": "geojson", "family": "sondage"})) == {}
    pending.status = ToolStatus.PUBLISHED
    pending.save()
    assert set(tools_on_the_map(client.get(GEOJSON, {"format": "geojson", "family": "sondage"}))) == {
        "Sondage"
    }
    assert set(tools_on_the_map(client.get(GEOJSON, {"format": "geojson"}))) == {"Forum", "Sondage"}


def map_data_url(page: str) -> str:
    """The address the map's script fetches its tools from, as the page gives it."""
    return json.loads(re.search(r'"dataUrl": ("[^"]*")', page).group(1))


@pytest.mark.parametrize("refused", [{"region": ["53", "11"]}, {"open_source": "oui"}])
@pytest.mark.parametrize("path", ["tools_registry:tool_map", "tools_registry:tool_map_embed"])
def test_a_map_leaves_out_a_refused_filter_from_its_data_and_its_links(client, path, refused) -> None:
    rennes = CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68)
    ToolFactory(name="Forum", family=ToolFamily.FORUM, collectivity=rennes)
    ToolFactory(name="Sondage", family=ToolFamily.SONDAGE, collectivity=rennes)
    page = client.get(reverse(path), {"family": "forum", **refused}).content.decode()
    # The map shows the tools of the filter it kept, rather than an error of the API.
    assert set(tools_on_the_map(client.get(map_data_url(page)))) == {"Forum"}
    fallback = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    # So do the list and the downloads offered without JavaScript.
    for link in re.findall(r'href="([^"]+)"', fallback):
        assert client.get(html.unescape(link)).status_code == 200


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


def test_a_collectivity_name_in_the_tool_pages_map_script_cannot_end_the_script(client) -> None:
    name = "Bourg </script><script>alert(1)</script><!-- `${alert(2)}`"
    tool = ToolFactory(collectivity=CollectivityFactory(name=name))
    html = client.get(tool.get_absolute_url()).content.decode()
    script = html[html.rindex("<script nonce=") :]
    assert "</script><script>alert(1)" not in html
    assert script.count("</script>") == 1 and "<!--" not in script
    assert '"Bourg \\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)' in script


def test_tool_pages_of_one_place_give_its_map_each_page_s_nonce_and_language(client) -> None:
    # A place's map is drawn once by a process and served again to the pages showing it.
    place = CollectivityFactory(name="Saint-Malo", latitude=48.65, longitude=-2.0)
    pages = [client.get(ToolFactory(collectivity=place).get_absolute_url()) for _ in range(2)]
    pages.append(client.get(ToolFactory(collectivity=place).get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    nonces = [page["Content-Security-Policy"].split("'nonce-")[1].split("'")[0] for page in pages]
    assert len(set(nonces)) == 3
    for page, nonce in zip(pages, nonces, strict=True):
        text = page.content.decode()
        inline = [tag for tag in re.findall(r"<script[^>]*>", text) if "src=" not in tag]
        assert inline and all(tag == f'<script nonce="{nonce}">' for tag in inline)
        assert '"Saint-Malo"' in text[text.rindex("<script nonce=") :]
    assert ["Zoom avant" in page.content.decode() for page in pages] == [True, True, False]
    assert "Zoom in" in pages[2].content.decode()


def test_the_map_counts_its_tools_and_those_it_cannot_place_in_words_of_the_language(client) -> None:
    ToolFactory(family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    ToolFactory(family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(family=ToolFamily.FORUM, collectivity=None)
    ToolFactory(family=ToolFamily.SONDAGE, collectivity=None)
    response = client.get(MAP, {"family": "forum"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'data-loaded="1 tool on the map."' in html
    assert "2 tools without a position are not on the map:" in page_text(response)
    assert '<a href="/outils/?family=forum&amp;located=false">see them in the catalogue</a>' in html


def test_the_embedding_code_keeps_the_filters_and_nothing_else(client) -> None:
    response = client.get(MAP, {"region": "53", "family": ["sondage", "forum"], "sort": "nom", "page": "2"})
    textarea = response.content.decode().split('<textarea id="embed-code"')[1].split("</textarea>")[0]
    code = html.unescape(textarea.split(">", 1)[1])
    assert code.startswith(
        '<iframe src="http://testserver/carte/embed/?family=forum&amp;family=sondage&amp;region=53"'
    )


@pytest.mark.parametrize("page", ["tools_registry:tool_map", "tools_registry:tool_map_embed"])
def test_without_javascript_the_map_pages_say_so_and_lead_to_the_list_and_the_downloads(client, page) -> None:
    text = client.get(reverse(page), {"family": "forum"}).content.decode()
    fallback = re.search(r"<noscript>(.*?)</noscript>", text, re.S).group(1)
    assert "La carte a besoin de JavaScript" in fallback
    links = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', fallback)]
    assert links == [
        reverse("tools_registry:tool_list") + "?family=forum",
        reverse("api:tool-list") + "?format=csv&family=forum",
        reverse("opendata:tools_geojson") + "?family=forum",
    ]
    for link in links:
        assert client.get(link).status_code == 200
    # Nor does the page promise, without a script to load them, that the tools are coming.
    assert re.search(r'<span id="map-status"[^>]*></span>', text)


def test_a_point_outside_france_counts_as_no_position_on_the_map_in_the_catalogue_and_the_downloads(
    client,
) -> None:
    # A source gives the SMTC du Grand Nouméa a longitude of -166.44 for 166.44: a point in the Pacific
    # that the map drew and counted, but that no area of the map frames (its area buttons said one less).
    ToolFactory(name="Forum de Rennes", collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    ToolFactory(name="Données de Nouméa", collectivity=CollectivityFactory(latitude=-22.27, longitude=166.44))
    ToolFactory(
        name="Transports du Grand Nouméa",
        collectivity=CollectivityFactory(latitude=-22.27, longitude=-166.44),
    )
    page = client.get(MAP)
    assert 'data-loaded="2 outils sur la carte."' in page.content.decode()
    assert "1 outil sans position n’est pas sur la carte : le voir dans le catalogue" in page_text(page)
    on_the_map = tools_on_the_map(client.get(GEOJSON, {"format": "geojson"}))
    assert set(on_the_map) == {"Forum de Rennes", "Données de Nouméa"}
    listed = page_text(client.get(reverse("tools_registry:tool_list"), {"located": "false"}))
    assert "Transports du Grand Nouméa" in listed and "Données de Nouméa" not in listed
    download = client.get(reverse("opendata:tools_geojson"))
    points = {
        feature["properties"]["name"]: feature["geometry"]
        for feature in json.loads(b"".join(download.streaming_content))["features"]
    }
    assert points["Transports du Grand Nouméa"] is None
    assert points["Données de Nouméa"]["coordinates"] == [166.44, -22.27]


def test_every_territory_of_the_reference_lies_in_an_area_of_the_map() -> None:
    outside = [
        (row["code"], row["name"])
        for row in read_rows(DATA_FILE)
        if row["latitude"] and not point_in_an_area(float(row["latitude"]), float(row["longitude"]))
    ]
    assert outside == []
