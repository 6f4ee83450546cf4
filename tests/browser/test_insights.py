"""Each insight page in a browser: a picture with its title and description, nothing loaded from elsewhere,
no script error; the coverage map leads to the catalogue."""

import pytest

from barometre.results.demo_editions import DEMO_2016
from barometre.results.demo_survey import load_demo_edition
from tests.insights.conftest import Registry, build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry() -> Registry:
    return build_registry()


@pytest.fixture
def errors(web) -> list[str]:
    found: list[str] = []
    web.page.on("pageerror", lambda error: found.append(str(error)))
    return found


def assert_pictures_are_described(web) -> None:
    pictures = web.page.locator("svg[role='img']")
    assert pictures.count() >= 1
    for index in range(pictures.count()):
        svg = pictures.nth(index)
        assert svg.locator(":scope > title").text_content().strip()
        assert svg.locator(":scope > desc").text_content().strip()
        assert svg.get_attribute("aria-labelledby")


@pytest.mark.parametrize(
    "path",
    [
        "/logiciels/",
        "/logiciels/?family=open_data&region=53",
        "/couverture/?family=open_data&mesure=population",
        "/collectivites/rennes/",
        "/collectivites/rennes/?comparables=region",
    ],
)
def test_insight_pages_draw_described_pictures_from_the_site_alone(web, errors, registry, path) -> None:
    web.goto(path)
    assert_pictures_are_described(web)
    assert web.console_errors == [] and errors == []


def test_the_comparison_table_loads_from_the_site_alone(web, errors, registry) -> None:
    web.goto(f"/collectivites/comparer/?c={registry.rennes.slug}&c={registry.brest.slug}")
    assert web.page.locator("table.compare tbody tr").count() == 7  # five facts, two families
    assert web.console_errors == [] and errors == []


def test_a_departement_of_the_coverage_map_opens_the_filtered_catalogue(web, errors, registry) -> None:
    web.goto("/couverture/?family=open_data")
    web.page.locator("svg.france-map a[href*='departement=35'] path").click()
    web.page.wait_for_url("**/outils/?departement=35&family=open_data")
    # The catalogue lists published tools, ended ones too: Vitré's old portal with Rennes' and its EPCI's.
    assert web.page.locator(".results-count").inner_text() == "3 outils"


def test_compare_adds_a_collectivity_and_keeps_it_in_the_address(web, errors, registry) -> None:
    web.goto(f"/collectivites/comparer/?c={registry.rennes.slug}")
    web.page.get_by_label("Ajouter une collectivité (nom)").fill("Brest")
    web.page.get_by_role("button", name="Ajouter").click()
    web.page.wait_for_url(f"**/collectivites/comparer/?c={registry.rennes.slug}&c={registry.brest.slug}")
    assert web.page.locator("table.compare thead th a").all_inner_texts()[::2] == ["Rennes", "Brest"]


def test_the_barometer_page_leads_with_takeaways_and_folds_evolution(web, errors, db) -> None:
    load_demo_edition(DEMO_2016)
    web.goto("/barometre/2016/")
    assert_pictures_are_described(web)
    toc = web.page.locator("nav.toc-sticky")
    web.page.mouse.wheel(0, 6000)
    assert toc.is_visible()  # it sticks to the top of the window
    assert toc.bounding_box()["y"] <= 1
    assert web.page.locator("details.evolution[open]").count() == 0
    assert web.console_errors == [] and errors == []


def test_the_barometer_prints_as_a_report(web, db) -> None:
    load_demo_edition(DEMO_2016)
    web.goto("/barometre/2016/")
    web.page.emulate_media(media="print")
    # Navigation, contents bar and download links are for the screen; the charts and figures print.
    for hidden in ("header.site-header", "nav.toc-sticky", "p.downloads-line >> nth=0"):
        assert not web.page.locator(hidden).is_visible()
    assert web.page.locator("#participation_positive svg").is_visible()
    assert web.page.locator("ul.key-figures").is_visible()
