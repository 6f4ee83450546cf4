"""The map as its users meet it: overseas, and honest about what it cannot place."""

import pytest

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.choices import ToolFamily

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def markers_in_view(page) -> list[int]:
    """The indexes of the markers drawn inside the map's box."""
    return page.evaluate(
        """() => {
          const box = document.querySelector('.folium-map').getBoundingClientRect();
          return [...document.querySelectorAll('path.leaflet-interactive')].flatMap((marker, index) => {
            const r = marker.getBoundingClientRect();
            const inside = r.width && r.left >= box.left && r.right <= box.right
              && r.top >= box.top && r.bottom <= box.bottom;
            return inside ? [index] : [];
          });
        }"""
    )


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
    assert len(markers_in_view(page)) == 1

    areas.get_by_role("button", name="La Réunion (1)").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#11/-20.8800/55.4500'")
    [index] = markers_in_view(page)
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
        "2 outils sur la carte. 1 outil sans localisation n’y est pas placé : le voir dans le catalogue."
    )
    page.get_by_role("link", name="le voir dans le catalogue").click()
    page.wait_for_url("**/outils/?family=forum&located=false")
    assert page.locator("#results .card-title").all_inner_texts() == ["Forum sans lieu"]

    web.goto("/carte/?family=forum&q=Rennes")
    page.wait_for_selector("body[data-map-ready='1']")
    assert page.locator(".map-status").inner_text() == "1 outil sur la carte."
