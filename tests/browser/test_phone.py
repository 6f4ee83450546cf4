"""The site on a phone (375 px wide): results and map first, filters folded, nothing wider than the
screen; and the skip links that take keyboard users past the header and the filters."""

import pytest
from django.urls import reverse

from barometre.results.demo_editions import DEMO_2016
from barometre.results.demo_survey import load_demo_edition
from survey.models import EditionStatus
from tests.conftest import PHONE
from tests.factories import CollectivityFactory, ContactFactory, EditionFactory, SaintMaloFactory, ToolFactory
from tests.survey.helpers import review_url, step_url
from tools_registry.choices import ToolFamily
from tools_registry.services import collectivity_for_territory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_URL = (
    "https://participation.exemple-de-collectivite-territoriale.example/" + "concertation-" * 12 + "fin"
)


@pytest.fixture
def registry() -> None:
    families = list(ToolFamily.values)
    for number in range(30):
        town = CollectivityFactory(
            name=f"Commune {number}", latitude=45 + number / 10, longitude=1 + number / 10
        )
        ToolFactory(name=f"Outil {number:02d}", family=families[number % len(families)], collectivity=town)


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 48) <= PHONE["height"]


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_first_result_is_in_the_first_screen_and_the_filters_fold(phone, registry) -> None:
    page = phone.page
    phone.goto("/outils/")
    assert in_first_screen(page, "#results .card-title")
    assert page.get_by_label("Forum de discussion (5)").is_hidden()
    page.get_by_text("Filtres et tri").click()
    option = page.get_by_label("Forum de discussion (5)")
    option.check()
    # At the bottom of the long filter panel, the button to apply it is still on screen.
    page.locator("#id_sort").scroll_into_view_if_needed()
    apply = page.get_by_role("button", name="Appliquer")
    assert in_first_screen(page, ".filters-actions button")
    apply.click()
    page.wait_for_url("**family=forum**")
    assert page.locator(".results-count").inner_text() == "5 outils"
    assert in_first_screen(page, "#results .card-title")
    assert page.get_by_text("Filtres et tri (1 actif)").is_visible()


def test_the_map_is_in_the_first_screen(phone, registry) -> None:
    page = phone.page
    phone.goto("/carte/")
    page.wait_for_selector("body[data-map-ready]")
    assert in_first_screen(page, ".map-frame")


def test_no_page_scrolls_sideways(phone, registry) -> None:
    long = ToolFactory(
        name="Plateforme-de-participation-citoyenne-intercommunale-particulièrement-longue",
        url=LONG_URL,
        description=f"Toutes les consultations sont à l'adresse {LONG_URL} depuis 2019.",
        collectivity=CollectivityFactory(name="Communauté de communes du Pays-de-la-Très-Longue-Vallée"),
    )
    load_demo_edition(DEMO_2016)
    edition = EditionFactory(code="2026", status=EditionStatus.OPEN)
    territory = SaintMaloFactory()
    contact = ContactFactory(
        edition=edition, collectivity=collectivity_for_territory(territory), email="camille@example.org"
    )
    page = phone.page
    pages = [
        "/",
        "/outils/",
        "/outils/?q=outil&family=forum",
        long.get_absolute_url(),
        long.collectivity.get_absolute_url(),
        "/carte/",
        "/outils/proposer/",
        "/barometre/2016/",
        "/donnees/",
        reverse("survey:open_link", kwargs={"edition": "2026"}),
        contact.get_absolute_url(),
    ]
    too_wide = {}
    for path in pages:
        phone.goto(path)
        if scroll_width(page) > PHONE["width"]:
            too_wide[path] = scroll_width(page)
    phone.goto(contact.get_absolute_url())
    page.get_by_role("button", name="Commencer le questionnaire").click()
    for path in [page.url.removeprefix(phone.base_url), step_url(contact, "outil"), review_url(contact)]:
        phone.goto(path)
        if scroll_width(page) > PHONE["width"]:
            too_wide[path] = scroll_width(page)
    assert too_wide == {}


def test_the_skip_links_take_keyboard_users_to_the_results_and_the_map(web, registry) -> None:
    page = web.page
    web.goto("/outils/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller aux résultats")
    assert page.evaluate("document.activeElement.textContent") == "Aller aux résultats"
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results-title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Voir ces outils sur la carte"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.card') !== null")

    web.goto("/carte/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller à la carte"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "carte"


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(web, registry) -> None:
    page = web.page
    web.goto("/outils/")
    assert page.get_by_label("Forum de discussion (5)").is_visible()


def test_the_site_icon_is_served(web) -> None:
    page = web.page
    web.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(web.base_url + href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
