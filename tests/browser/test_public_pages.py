import pytest

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tools_registry.choices import ToolFamily
from tools_registry.models import TerritoryKind, Tool, ToolStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry() -> None:
    rennes = CollectivityFactory(name="Rennes", latitude=48.11, longitude=-1.68)
    lyon = CollectivityFactory(name="Lyon", latitude=45.76, longitude=4.84)
    ToolFactory(
        name="Budget participatif rennais", family=ToolFamily.BUDGET_PARTICIPATIF, collectivity=rennes
    )
    ToolFactory(name="Forum de Rennes", family=ToolFamily.FORUM, collectivity=rennes)
    ToolFactory(name="Forum lyonnais", family=ToolFamily.FORUM, collectivity=lyon)
    ToolFactory(name="Portail open data", family=ToolFamily.OPEN_DATA, collectivity=lyon)


def test_search_and_filter_the_catalogue(web, registry) -> None:
    page = web.page
    web.goto("/outils/")
    assert page.locator(".results-count").inner_text() == "4 outils"
    page.get_by_role("searchbox", name="Rechercher").fill("forum")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**q=forum**")
    assert sorted(page.locator("#results .card-title").all_inner_texts()) == [
        "Forum de Rennes",
        "Forum lyonnais",
    ]
    page.get_by_role("searchbox", name="Rechercher").fill("")
    page.get_by_label("Forum de discussion (2)").check()
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**family=forum**")
    assert page.locator(".results-count").inner_text() == "2 outils"
    # The URL keeps the whole state: opening it again gives the same list.
    shared = page.url
    web.goto(shared.removeprefix(web.base_url))
    assert page.locator(".results-count").inner_text() == "2 outils"


def test_the_map_shows_the_filtered_tools_and_leads_to_their_pages(web, registry) -> None:
    page = web.page
    web.goto("/carte/?family=forum")
    page.wait_for_selector("body[data-map-ready='2']")
    assert page.locator("#map-status").inner_text() == "2 outils sur la carte."
    markers = page.locator("path.leaflet-interactive")
    assert markers.count() == 2
    markers.first.click(force=True)
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    link.click()
    page.wait_for_url("**/outils/forum-**")
    assert page.locator("h1").inner_text() in {"Forum de Rennes", "Forum lyonnais"}


def test_nearby_tools_are_clustered(web) -> None:
    town = CollectivityFactory(latitude=48.11, longitude=-1.68)
    ToolFactory.create_batch(5, collectivity=town)
    page = web.page
    web.goto("/carte/")
    page.wait_for_selector("body[data-map-ready='5']")
    assert page.locator(".marker-cluster").first.inner_text() == "5"


def test_submit_approve_then_find_the_tool_in_the_catalogue_and_on_the_map(web, admin_user) -> None:
    TerritoryFactory(
        kind=TerritoryKind.COMMUNE,
        code="35288",
        name="Saint-Malo",
        postcodes="35400",
        population=47000,
        latitude=48.65,
        longitude=-2.01,
    )
    page = web.page
    web.goto("/outils/proposer/")
    page.get_by_label("Nom de l'outil").fill("Carte des jardins partagés")
    page.get_by_label("Adresse web de l'outil").fill("https://jardins.saint-malo.example")
    page.get_by_label("Description").fill("Les habitants signalent et partagent les jardins.")
    page.get_by_label("Famille d'outil").select_option("cartographie_participative")
    page.get_by_label("Priorité 1").select_option("mobiliser")
    page.get_by_label("Priorité 2").select_option("informer")
    page.get_by_role("combobox", name="Collectivité").fill("Saint-M")
    page.get_by_role("option", name="Saint-Malo (Commune 35288) — 35400").click()
    page.get_by_label("Votre nom").fill("Camille")
    page.get_by_label("Votre adresse électronique").fill("camille@example.org")
    page.get_by_label("J'accepte").check()
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_selector("text=a bien été enregistré")
    assert Tool.objects.get().status == ToolStatus.PENDING

    web.goto("/admin/login/?next=/admin/tools_registry/tool/")
    page.get_by_label("Nom d’utilisateur").fill("admin")
    page.get_by_label("Mot de passe").fill("password")
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("row", name="Carte des jardins partagés").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector("text=1 outil publié")

    web.goto("/outils/?q=jardins")
    assert page.locator("#results .card-title").all_inner_texts() == ["Carte des jardins partagés"]
    web.goto("/carte/?family=cartographie_participative")
    page.wait_for_selector("body[data-map-ready='1']")


def test_the_api_documentation_runs_from_the_sites_own_files(web) -> None:
    web.goto("/api/docs/")
    web.page.wait_for_selector(".swagger-ui .info .title")
    assert "API du Baromètre" in web.page.locator(".swagger-ui .info .title").inner_text()
