import pytest
from django.urls import reverse

from tests.factories import (
    CollectivityFactory,
    SaintMaloFactory,
    TerritoryFactory,
    ToolFactory,
    ToolObjectiveFactory,
)
from tests.helpers import page_text
from tools_registry import views as registry_views
from tools_registry.choices import ToolFamily
from tools_registry.models import TerritoryKind, ToolSource, ToolStatus

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")


def result_names(response) -> list[str]:
    return [tool.name for tool in response.context["page"].object_list]


@pytest.mark.postgres
def test_search_ignores_accents_and_plural_forms(client) -> None:
    ToolFactory(name="Budget participatif de la ville", description="Les habitants votent.")
    ToolFactory(name="Portail de données", description="Open data.")
    assert result_names(client.get(CATALOGUE, {"q": "budgets participatifs"})) == [
        "Budget participatif de la ville"
    ]
    ToolFactory(name="Carte des défibrillateurs", description="Équipements publics.")
    assert result_names(client.get(CATALOGUE, {"q": "defibrillateurs equipements"})) == [
        "Carte des défibrillateurs"
    ]


@pytest.mark.postgres
def test_search_finds_collectivity_and_software(client) -> None:
    ToolFactory(name="Plateforme A", software="Decidim", collectivity=CollectivityFactory(name="Montreuil"))
    ToolFactory(name="Plateforme B", software="CONSUL")
    assert result_names(client.get(CATALOGUE, {"q": "decidim"})) == ["Plateforme A"]
    assert result_names(client.get(CATALOGUE, {"q": "montreuil"})) == ["Plateforme A"]


@pytest.mark.postgres
def test_search_ranks_name_matches_before_description_matches(client) -> None:
    ToolFactory(name="Forum citoyen", description="Un espace d'échange sur la ville.")
    ToolFactory(name="Cartographie", description="Signalez les problèmes ; le forum est ouvert.")
    assert result_names(client.get(CATALOGUE, {"q": "forum"})) == ["Forum citoyen", "Cartographie"]


@pytest.mark.postgres
def test_its_own_name_ranks_a_tool_before_the_name_of_its_family(client) -> None:
    # By name alone « agora… » would come first: relevance puts the tool named « Budget » before it.
    ToolFactory(name="agora.ville.fr", description="", family="budget_participatif")
    ToolFactory(name="Budget de la ville", description="", family="open_data")
    assert result_names(client.get(CATALOGUE, {"q": "budget"})) == ["Budget de la ville", "agora.ville.fr"]


def test_search_keeps_working_when_a_collectivity_is_renamed(client) -> None:
    collectivity = CollectivityFactory(name="Ancienne commune")
    ToolFactory(name="Outil X", collectivity=collectivity)
    collectivity.name = "Commune nouvelle de Bellerive"
    collectivity.save()
    assert result_names(client.get(CATALOGUE, {"q": "Bellerive"})) == ["Outil X"]


def test_family_filter_and_its_counts(client) -> None:
    ToolFactory.create_batch(2, family=ToolFamily.OPEN_DATA)
    ToolFactory(family=ToolFamily.FORUM)
    response = client.get(CATALOGUE, {"family": ToolFamily.OPEN_DATA})
    assert len(result_names(response)) == 2
    family = next(group for group in response.context["facets"] if group["param"] == "family")
    # Counts of a facet ignore its own selection, so the other values stay reachable.
    assert {option["value"]: option["count"] for option in family["options"]} == {"open_data": 2, "forum": 1}
    assert "Plateforme de mise à disposition des données publiques (open data) (2)" in page_text(response)


def test_objective_filter_matches_any_rank(client) -> None:
    informing = ToolFactory(name="Informe")
    ToolObjectiveFactory(tool=informing, objective="idees", rank=1)
    ToolObjectiveFactory(tool=informing, objective="informer", rank=2)
    ToolFactory(name="Sans objectif")
    assert result_names(client.get(CATALOGUE, {"objective": "informer"})) == ["Informe"]


def test_territory_and_population_filters(client) -> None:
    bretagne = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    ille = TerritoryFactory(
        kind=TerritoryKind.DEPARTEMENT, code="35", name="Ille-et-Vilaine", region=bretagne
    )
    town = SaintMaloFactory(departement=ille, region=bretagne)
    ToolFactory(name="Malouin", collectivity=CollectivityFactory(territory=town, population=None))
    ToolFactory(name="Ailleurs", collectivity=CollectivityFactory(population=250000))
    assert result_names(client.get(CATALOGUE, {"region": "53"})) == ["Malouin"]
    assert result_names(client.get(CATALOGUE, {"departement": "35"})) == ["Malouin"]
    assert result_names(client.get(CATALOGUE, {"population": "pop_10000_50000"})) == ["Malouin"]
    assert result_names(client.get(CATALOGUE, {"population": "pop_gt_200000"})) == ["Ailleurs"]
    region = next(group for group in client.get(CATALOGUE).context["facets"] if group["param"] == "region")
    assert region["options"] == [{"value": "53", "label": "Bretagne", "count": 1, "selected": False}]


def test_software_open_source_and_hybrid_filters(client) -> None:
    ToolFactory(name="Libre", software="Decidim", is_open_source=True, hybrid=True)
    ToolFactory(name="Propriétaire", software="OpenDataSoft", is_open_source=False, hybrid=False)
    assert result_names(client.get(CATALOGUE, {"software": "decidim"})) == ["Libre"]
    assert result_names(client.get(CATALOGUE, {"open_source": "false"})) == ["Propriétaire"]
    assert result_names(client.get(CATALOGUE, {"hybrid": "true"})) == ["Libre"]


def test_sorting_by_name_and_newest(client) -> None:
    ToolFactory(name="Alpha")
    ToolFactory(name="Beta")
    assert result_names(client.get(CATALOGUE, {"sort": "nom"})) == ["Alpha", "Beta"]
    assert result_names(client.get(CATALOGUE, {"sort": "recent"})) == ["Beta", "Alpha"]


def test_pagination_keeps_the_filters_in_its_links(client) -> None:
    ToolFactory.create_batch(25, family=ToolFamily.SONDAGE)
    response = client.get(CATALOGUE, {"family": "sondage"})
    html = response.content.decode()
    assert "25 outils" in html
    assert "?family=sondage&amp;page=2" in html
    second = client.get(CATALOGUE, {"family": "sondage", "page": 2})
    assert len(result_names(second)) == 5


def test_only_published_tools_are_listed(client) -> None:
    ToolFactory(name="Publié")
    ToolFactory(name="En attente", status=ToolStatus.PENDING)
    ToolFactory(name="Refusé", status=ToolStatus.REJECTED, moderation_reason="Hors sujet")
    assert result_names(client.get(CATALOGUE)) == ["Publié"]


def test_an_empty_result_helps(client) -> None:
    ToolFactory(name="Forum")
    html = client.get(CATALOGUE, {"q": "zzzzzz"}).content.decode()
    assert "Aucun outil ne correspond" in html
    assert "Effacer la recherche et les filtres" in html


@pytest.mark.parametrize("number", ["3", "99999", "1" * 40, "0", "-1", "x9", "1.5"])
def test_a_page_the_list_does_not_have_is_not_found_and_leads_to_its_first_page(
    client, monkeypatch, number
) -> None:
    monkeypatch.setattr(registry_views, "PER_PAGE", 2)
    ToolFactory.create_batch(3, family=ToolFamily.SONDAGE)
    response = client.get(CATALOGUE, {"family": "sondage", "sort": "nom", "page": number})
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)
    assert "Cette page de la liste n'existe pas" in page_text(response)
    assert f'<a href="{CATALOGUE}?family=sondage&amp;sort=nom">Première page de cette recherche</a>' in (
        response.content.decode()
    )


def test_the_last_page_and_a_page_left_empty_are_the_list_s_own(client, monkeypatch) -> None:
    monkeypatch.setattr(registry_views, "PER_PAGE", 2)
    ToolFactory.create_batch(3, family=ToolFamily.SONDAGE)
    assert client.get(CATALOGUE, {"family": "sondage", "page": "2"}).status_code == 200
    assert len(result_names(client.get(CATALOGUE, {"family": "sondage", "page": ""}))) == 2
    assert client.get(CATALOGUE, {"family": "forum"}).status_code == 200  # no result: one empty page


def test_bad_parameters_are_explained_not_crashing(client) -> None:
    response = client.get(CATALOGUE, {"q": "b" * 201, "family": "nope"})
    assert response.status_code == 200
    assert "au plus 200 caractères" in page_text(response)


def test_demo_tools_say_they_are_fictitious(client) -> None:
    tool = ToolFactory(name="Exemple fictif n° 1", source=ToolSource.DEMO)
    assert "Exemple fictif" in client.get(CATALOGUE).content.decode()
    page = client.get(tool.get_absolute_url()).content.decode()
    assert "Cet outil a été inventé pour la démonstration du site" in page


def test_tool_page_shows_objectives_in_order_and_hides_the_submitter(client) -> None:
    tool = ToolFactory(submitter_email="agent@mairie.example", submitter_name="Camille Agent")
    ToolObjectiveFactory(tool=tool, objective="consulter", rank=2)
    ToolObjectiveFactory(tool=tool, objective="idees", rank=1)
    html = client.get(tool.get_absolute_url()).content.decode()
    assert html.index("Faire émerger des idées") < html.index("Consulter, recueillir des avis")
    assert "agent@mairie.example" not in html
    assert "Camille Agent" not in html


def test_pending_tool_page_is_not_found(client) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    assert client.get(tool.get_absolute_url()).status_code == 404


def test_collectivity_page_lists_its_published_tools_only(client) -> None:
    collectivity = CollectivityFactory(name="Villeneuve")
    ToolFactory(name="Visible", collectivity=collectivity)
    ToolFactory(name="Caché", collectivity=collectivity, status=ToolStatus.PENDING)
    html = client.get(collectivity.get_absolute_url()).content.decode()
    assert "Visible" in html
    assert "Caché" not in html


def test_tool_page_suggests_nearby_tools_of_the_same_family(client) -> None:
    here = ToolFactory(
        family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=48.0, longitude=-1.0)
    )
    ToolFactory(
        name="Voisin",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(latitude=48.1, longitude=-1.1),
    )
    ToolFactory(
        name="Plus loin",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(latitude=48.9, longitude=-1.9),
    )
    ToolFactory(
        name="Trop loin",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(latitude=43.0, longitude=6.0),
    )
    ToolFactory(
        name="Autre famille", family=ToolFamily.SONDAGE, collectivity=CollectivityFactory(latitude=48.0)
    )
    nearby = [tool.name for tool in client.get(here.get_absolute_url()).context["nearby"]]
    assert nearby == ["Voisin", "Plus loin"]


def test_nearby_tools_are_the_five_closest_wherever_their_collectivities_are(client) -> None:
    place = CollectivityFactory(latitude=47.0, longitude=2.0)
    here = ToolFactory(family=ToolFamily.FORUM, collectivity=place)
    ToolFactory(name="Même collectivité", family=ToolFamily.FORUM, collectivity=place)
    # Closer collectivities with tools of other families only take no place in the list.
    for step in range(1, 4):
        closer = CollectivityFactory(latitude=47.0, longitude=2.0 + step / 100)
        ToolFactory(name=f"Autre famille {step}", family=ToolFamily.SONDAGE, collectivity=closer)
    for step in range(1, 7):
        away = CollectivityFactory(latitude=47.0 + step / 10, longitude=2.0)
        ToolFactory(name=f"À {step}", family=ToolFamily.FORUM, collectivity=away)
    nearby = [tool.name for tool in client.get(here.get_absolute_url()).context["nearby"]]
    assert nearby == ["Même collectivité", "À 1", "À 2", "À 3", "À 4"]


def test_a_tool_just_past_the_first_box_comes_before_one_in_its_far_corner(client) -> None:
    # The closest collectivities are searched in a small box first: five tools found there are kept
    # only if none outside it can be closer (a box's corner is farther than its side).
    here = ToolFactory(
        family=ToolFamily.FORUM, collectivity=CollectivityFactory(latitude=47.0, longitude=2.0)
    )
    for step in range(1, 5):
        ToolFactory(
            name=f"Proche {step}",
            family=ToolFamily.FORUM,
            collectivity=CollectivityFactory(latitude=47.0, longitude=2.0 + step / 100),
        )
    ToolFactory(
        name="Dans le coin",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(latitude=47.24, longitude=2.24),
    )
    ToolFactory(
        name="Juste au-delà",
        family=ToolFamily.FORUM,
        collectivity=CollectivityFactory(latitude=47.3, longitude=2.0),
    )
    nearby = [tool.name for tool in client.get(here.get_absolute_url()).context["nearby"]]
    assert nearby == ["Proche 1", "Proche 2", "Proche 3", "Proche 4", "Juste au-delà"]


def test_the_sitemap_lists_published_tools_only(client) -> None:
    shown = ToolFactory(name="Visible")
    hidden = ToolFactory(name="Caché", status=ToolStatus.PENDING)
    xml = client.get("/sitemap.xml").content.decode()
    assert shown.get_absolute_url() in xml
    assert hidden.get_absolute_url() not in xml
    assert shown.collectivity.get_absolute_url() in xml
    assert hidden.collectivity.get_absolute_url() not in xml


def test_a_launch_year_is_written_as_a_year_not_as_a_number(client) -> None:
    tool = ToolFactory(launch_year=2016)
    text = page_text(client.get(tool.get_absolute_url()))
    assert "Lancé en 2016" in text


def test_large_numbers_are_grouped_as_in_french(client) -> None:
    collectivity = CollectivityFactory(population=1234567)
    ToolFactory(collectivity=collectivity)
    html = client.get(collectivity.get_absolute_url()).content.decode()
    assert "<dd>1\u00a0234\u00a0567</dd>" in html


def test_the_site_has_an_icon(client) -> None:
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.svg"
