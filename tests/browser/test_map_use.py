"""The map as its users meet it: framed in another site, copied into one, overseas, and honest about what it
cannot place."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.choices import ToolFamily

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMBED_TITLE = "Carte des outils numériques de démocratie locale"


class TownHall:
    """A town hall's site, another origin than the live server, with one page whose body the test writes."""

    def __init__(self) -> None:
        self.body = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = f"<!DOCTYPE html><html lang='fr'><title>Mairie</title><h1>Mairie</h1>{site.body}"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page.encode())

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def show(self, web, body: str) -> None:
        self.body = body
        web.page.goto(self.url)


@pytest.fixture
def town_hall(web) -> Iterator[TownHall]:
    site = TownHall()
    web.other_sites.add(site.url.split("/")[2])
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


MARKERS_IN_VIEW = """() => {
  const box = document.querySelector('.folium-map').getBoundingClientRect();
  return [...document.querySelectorAll('path.leaflet-interactive')].flatMap((marker, index) => {
    const r = marker.getBoundingClientRect();
    const inside = r.width && r.left >= box.left && r.right <= box.right
      && r.top >= box.top && r.bottom <= box.bottom;
    return inside ? [index] : [];
  });
}"""


def markers_in_view(page, count: int) -> list[int]:
    """The indexes of the markers drawn inside the map's box, once there are `count` of them.

    Markers are drawn after the zoom's animation ends: wait for them rather than read too early.
    """
    page.wait_for_function(f"(count) => ({MARKERS_IN_VIEW})().length === count", arg=count)
    return page.evaluate(MARKERS_IN_VIEW)


def test_a_tool_link_in_the_map_framed_by_another_site_opens_outside_the_frame(web, town_hall) -> None:
    tool = ToolFactory(
        name="Forum de Rennes",
        collectivity=CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68),
    )
    town_hall.show(web, f'<iframe src="{web.base_url}/carte/embed/" width="800" height="500"></iframe>')
    page = web.page
    frame = page.frame_locator("iframe")
    frame.locator("body[data-map-ready='1']").wait_for()
    frame.locator("path.leaflet-interactive").click(force=True)
    link = frame.get_by_role("link", name="Voir la fiche (nouvelle fenêtre)")
    with page.context.expect_page() as opened:
        link.click()
    tool_page = opened.value
    tool_page.wait_for_load_state()
    assert tool_page.url == web.base_url + tool.get_absolute_url()
    assert tool_page.locator("h1").inner_text() == "Forum de Rennes"
    # The town hall's page, and the map in it, are where they were.
    assert page.url == town_hall.url
    assert frame.locator(".leaflet-popup-content .map-popup strong").inner_text() == "Forum de Rennes"


def test_the_map_page_gives_the_code_that_embeds_the_filtered_map_elsewhere(web, town_hall) -> None:
    rennes = CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68)
    ToolFactory(name="Forum de Rennes", family=ToolFamily.FORUM, collectivity=rennes)
    ToolFactory(name="Sondage de Rennes", family=ToolFamily.SONDAGE, collectivity=rennes)
    page = web.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base_url)
    web.goto("/carte/?family=forum&sort=nom")
    page.wait_for_selector("body[data-map-ready='1']")
    page.get_by_text("Intégrer cette carte à votre site").click()
    code = page.get_by_label("Code à copier")
    expected = (
        f'<iframe src="{web.base_url}/carte/embed/?family=forum" title="{EMBED_TITLE}" width="100%" '
        'height="480" style="border:0" loading="lazy"></iframe>'
    )
    assert code.input_value() == expected
    page.get_by_role("button", name="Copier le code").click()
    page.get_by_role("status").filter(has_text="Code copié.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == expected

    # Pasted into the town hall's page, it shows the forums only.
    town_hall.show(web, expected)
    frame = page.frame_locator(f"iframe[title='{EMBED_TITLE}']")
    frame.locator("body[data-map-ready='1']").wait_for()
    frame.locator("path.leaflet-interactive").hover(force=True)
    assert frame.locator(".leaflet-tooltip").inner_text() == "Rennes — Forum de discussion"


def test_a_search_copied_into_the_embedding_code_stays_text(web, town_hall) -> None:
    search = '"><b id=injected>x</b><script>alert(1)</script>'
    page = web.page
    web.goto("/carte/?q=" + search.replace("<", "%3C").replace(">", "%3E").replace('"', "%22"))
    page.get_by_text("Intégrer cette carte à votre site").click()
    snippet = page.get_by_label("Code à copier").input_value()
    assert snippet.startswith(f'<iframe src="{web.base_url}/carte/embed/?q=%22%3E%3Cb+id%3Dinjected%3E')
    town_hall.show(web, snippet)
    assert page.locator("iframe").count() == 1
    assert page.locator("#injected, script").count() == 0
    frame = page.frame_locator("iframe")
    frame.locator("body[data-map-ready='0']").wait_for()


def test_overseas_tools_are_one_button_away(web) -> None:
    ToolFactory(collectivity=CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68))
    ToolFactory(
        family=ToolFamily.BUDGET_PARTICIPATIF,
        collectivity=CollectivityFactory(name="Saint-Denis", latitude=-20.88, longitude=55.45),
    )
    ToolFactory(collectivity=CollectivityFactory(name="Cayenne", latitude=4.93, longitude=-52.33))
    page = web.page
    web.goto("/carte/")
    page.wait_for_selector("body[data-map-ready='3']")
    areas = page.get_by_role("group", name="Aller à")
    assert areas.get_by_role("button").all_inner_texts() == [
        "France métropolitaine (1)",
        "Guyane (1)",
        "La Réunion (1)",
    ]
    # The map opens on metropolitan France: one marker in view, Rennes.
    assert len(markers_in_view(page, 1)) == 1  # fails (time-out) unless exactly one is in view

    areas.get_by_role("button", name="La Réunion (1)").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(r"() => /^#11\/-20\.88\d*\/55\.45/.test(location.hash)")  # La Réunion, zoom 11
    [index] = markers_in_view(page, 1)
    page.locator("path.leaflet-interactive").nth(index).hover(force=True)
    assert (
        page.locator(".leaflet-tooltip").inner_text()
        == "Saint-Denis — Plateforme numérique pour le budget participatif"
    )


def test_the_map_says_how_many_tools_it_cannot_place_and_lists_them(web) -> None:
    ToolFactory(name="Forum de Rennes", collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    ToolFactory(name="Forum de Lyon", collectivity=CollectivityFactory(latitude=45.76, longitude=4.84))
    ToolFactory(name="Forum sans lieu", collectivity=CollectivityFactory(latitude=None, longitude=None))
    ToolFactory(name="Sondage sans lieu", family=ToolFamily.SONDAGE, collectivity=None)
    page = web.page
    web.goto("/carte/?family=forum")
    page.wait_for_selector("body[data-map-ready='2']")
    assert page.locator(".map-status").inner_text() == (
        "2 outils sur la carte. 1 outil sans position n’est pas sur la carte : le voir dans le catalogue."
    )
    page.get_by_role("link", name="le voir dans le catalogue").click()
    page.wait_for_url("**/outils/?family=forum&located=false")
    assert page.locator("#results .card-title").all_inner_texts() == ["Forum sans lieu"]

    web.goto("/carte/?family=forum&q=Rennes")
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.locator(".map-status").inner_text() == "1 outil sur la carte."


def test_the_zoom_buttons_speak_the_pages_language(web) -> None:
    tool = ToolFactory(collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    page = web.page
    for path in ("/carte/", tool.get_absolute_url()):
        web.goto(path)
        zoom = page.locator(".leaflet-control-zoom")
        assert zoom.count() == 1
        assert page.get_by_role("button", name="Zoom avant").get_attribute("title") == "Zoom avant"
        assert page.get_by_role("button", name="Zoom arrière").get_attribute("title") == "Zoom arrière"
        assert page.get_by_role("button", name="Zoom in").count() == 0


def test_the_map_s_scale_is_in_metres_only(web) -> None:
    ToolFactory(collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    web.goto("/carte/")
    lines = web.page.locator(".leaflet-control-scale-line")
    assert lines.count() == 1
    assert lines.inner_text().endswith("km")


def test_the_map_s_count_and_its_area_buttons_agree_when_a_source_misplaces_a_tool(web) -> None:
    ToolFactory(collectivity=CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68))
    ToolFactory(collectivity=CollectivityFactory(name="Nouméa", latitude=-22.27, longitude=166.44))
    # A longitude of the wrong sign, as one source gives it: in the Pacific, east of the date line.
    ToolFactory(
        collectivity=CollectivityFactory(name="SMTC du Grand Nouméa", latitude=-22.27, longitude=-166.44)
    )
    page = web.page
    web.goto("/carte/")
    page.wait_for_selector("body[data-map-ready='2']")
    assert page.locator(".map-status").inner_text() == (
        "2 outils sur la carte. 1 outil sans position n’est pas sur la carte : le voir dans le catalogue."
    )
    buttons = page.get_by_role("group", name="Aller à").get_by_role("button").all_inner_texts()
    assert buttons == ["France métropolitaine (1)", "Nouvelle-Calédonie (1)"]


def test_a_filter_given_twice_is_left_out_of_the_map_which_shows_the_others(web) -> None:
    ToolFactory(family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=48.11, longitude=-1.68))
    ToolFactory(family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=45.76, longitude=4.84))
    ToolFactory(family=ToolFamily.SONDAGE, collectivity=CollectivityFactory(latitude=48.39, longitude=-4.49))
    page = web.page
    web.goto("/carte/?family=forum&region=53&region=11")
    page.wait_for_selector("body[data-map-ready]")
    assert page.locator("body").get_attribute("data-map-ready") == "2"  # not "error": the map loaded
    assert page.locator(".map-status").inner_text() == "2 outils sur la carte."
    notice = page.locator(".filters .notice").inner_text()
    assert "Ces filtres n'ont pas été appliqués" in notice
    assert "Région (code INSEE) : Une seule valeur est attendue, pas 2." in notice
