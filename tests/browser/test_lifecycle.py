"""An ended tool as a visitor meets it: on its page, and drawn apart on the map."""

import pytest

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.models import LifeStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARCHIVE = "https://web.archive.org/web/2023/https://ancien-forum.example.org/"


@pytest.fixture
def ended():
    rennes = CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68)
    # Apart from Rennes, so that the map draws both markers rather than one cluster.
    saint_malo = CollectivityFactory(name="Saint-Malo", latitude=48.65, longitude=-2.01)
    successor = ToolFactory(name="Nouvelle concertation de Rennes", collectivity=saint_malo)
    return ToolFactory(
        name="Ancien forum de Rennes",
        collectivity=rennes,
        life_status=LifeStatus.ENDED,
        end_year=2023,
        replaced_by=successor,
        archived_url=ARCHIVE,
    )


def test_the_page_of_an_ended_tool_leads_to_its_replacement_and_archived_copy(web, ended) -> None:
    page = web.page
    web.goto(ended.get_absolute_url())
    status = page.locator(".life-ended")
    assert status.inner_text().startswith("Arrêté en 2023, remplacé par Nouvelle concertation de Rennes")
    assert status.get_by_role("link", name="Copie archivée de l'outil").get_attribute("href") == ARCHIVE
    status.get_by_role("link", name="Nouvelle concertation de Rennes").click()
    page.wait_for_url(f"**{ended.replaced_by.get_absolute_url()}")
    assert page.locator("h1").text_content() == "Nouvelle concertation de Rennes"


def test_the_map_draws_an_ended_tool_apart_and_says_it_has_ended(web, ended) -> None:
    page = web.page
    web.goto("/carte/")
    page.wait_for_selector("body[data-map-ready='2']")
    page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length === 2")
    marker = page.locator("path.marker-ended")
    assert marker.count() == 1
    assert (
        page.locator("path.leaflet-interactive:not(.marker-ended)").get_attribute("stroke-dasharray") is None
    )
    assert marker.get_attribute("stroke-dasharray") == "3 3"
    marker.hover(force=True)
    assert page.locator(".leaflet-tooltip").text_content().endswith("— Arrêté")
    marker.click(force=True)
    popup = page.locator(".leaflet-popup-content .map-popup")
    popup.wait_for()
    assert popup.locator("strong").text_content() == "Ancien forum de Rennes"
    assert popup.locator(".map-popup-ended").text_content() == "Arrêté (2023)"
    assert "outil arrêté" in page.locator(".map-legend").inner_text()
