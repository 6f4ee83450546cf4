"""The site speaks French by default and English on request: the visitor's pages and Django's own text."""

import re

import pytest
from django.urls import reverse

from barometre.results.demo_editions import DEMO_2016
from barometre.results.demo_survey import load_demo_edition
from tests.factories import ToolFactory
from tests.helpers import page_text, page_title

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("tools_registry:tool_list")
MAP = reverse("tools_registry:tool_map")
SUBMIT = reverse("tools_registry:tool_submit")


@pytest.fixture
def a_tool():
    return ToolFactory(name="Forum des habitants")


def in_english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": CATALOGUE})
    assert response.status_code == 302
    assert response["Location"] == CATALOGUE


def test_french_is_the_default_language(client, a_tool) -> None:
    response = client.get(CATALOGUE)
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "<h1>Catalogue des outils</h1>" in content
    assert "<legend>Famille</legend>" in content
    assert "<legend>Type de collectivité</legend>" in content
    text = page_text(response)
    assert "Proposer un outil" in text
    assert "1 outil" in text
    assert "Forum de discussion" in text
    assert "Tool catalogue" not in text


def test_the_catalogue_in_english_after_choosing_the_language(client, a_tool) -> None:
    in_english(client)
    response = client.get(CATALOGUE)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<title>Tool catalogue — Digital Local Democracy Barometer</title>" in content
    assert "<h1>Tool catalogue</h1>" in content
    assert "<legend>Family</legend>" in content
    assert "<legend>Population of the local authority</legend>" in content
    assert "<legend>Type of local authority</legend>" in content
    assert '<option value="en" lang="en" selected>' in content
    text = page_text(response)
    for words in (
        "Skip to content",
        "Catalogue Map Submit a tool",
        "Search",
        "Discussion forum (1)",
        "Sort by Relevance Name Most recent",
        "Apply",
        "Clear all",
        "1 tool",
        "See these tools on the map",
        "Open registry of digital local-democracy tools used by French local authorities.",
    ):
        assert words in text
    assert "Catalogue des outils" not in text
    assert "Rechercher" not in text


def test_the_empty_catalogue_in_english(client) -> None:
    response = client.get(CATALOGUE, {"q": "introuvable"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page_text(response)
    assert "0 tools" in text
    assert "No tools match these criteria." in text
    assert "Clear the search and filters" in text


def test_the_map_in_english(client, a_tool) -> None:
    response = client.get(MAP, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<h1>Map of tools</h1>" in content
    assert "<legend>Family</legend>" in content
    assert 'data-loaded="1 tool on the map."' in content
    assert 'data-loading="Loading tools…"' in content
    assert '"linkLabel": "View the tool page"' in content
    text = page_text(response)
    for words in (
        "Tool families",
        "Participatory mapping platform",
        "See these tools as a list",
        "Permanent link to this view",
        "Data (GeoJSON)",
        "Embed this map on your website",
    ):
        assert words in text
    assert "Carte des outils" not in text


def test_the_brand_the_menu_and_the_zoom_buttons_in_english(client, a_tool) -> None:
    response = client.get(MAP, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    brand = re.search(r'<a class="brand"[^>]*>(.*?)</a>', content).group(1)
    assert brand == '<span class="brand-sub">Digital Local Democracy</span> Barometer'
    menu = re.search(r'<nav aria-label="Main navigation">(.*?)</nav>', content, re.S).group(1)
    assert ">Barometer</a>" in menu and "Baromètre" not in menu
    assert '{"zoomInTitle": "Zoom in", "zoomOutTitle": "Zoom out"}' in content
    french = client.get(MAP).content.decode()
    assert re.search(r'<a class="brand"[^>]*>(.*?)</a>', french).group(1) == (
        'Baromètre <span class="brand-sub">de la démocratie locale numérique</span>'
    )
    assert '{"zoomInTitle": "Zoom avant", "zoomOutTitle": "Zoom arrière"}' in french


def test_the_map_labels_follow_the_language(client, a_tool) -> None:
    french = client.get(reverse("tools_registry:tool_map")).content.decode()
    english = client.get(reverse("tools_registry:tool_map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '"forum": "Forum de discussion"' in french
    assert '"forum": "Discussion forum"' in english


def test_the_submission_form_in_english(client) -> None:
    in_english(client)
    response = client.get(SUBMIT)
    content = response.content.decode()
    assert "<h1>Submit a tool</h1>" in content
    assert "<legend>The tool</legend>" in content
    assert "<legend>The local authority</legend>" in content
    assert "<legend>You (never published)</legend>" in content
    assert '<span class="required">(required)</span>' in content
    text = page_text(response)
    for words in (
        "Tool name (required)",
        "Tool family (required)",
        "Digital platform for participatory budgeting",
        "Objectives of the tool, in order of priority (required)",
        "Priority 1",
        "Is it open-source software? I don't know Yes No",
        "My local authority is not in the list (regional nature park, other body)",
        "Send the submission",
    ):
        assert words in text
    assert "Proposer un outil" not in text


def test_submission_errors_in_english_including_djangos_own(client) -> None:
    response = client.post(SUBMIT, {"website": ""}, HTTP_ACCEPT_LANGUAGE="en")
    text = page_text(response)
    assert "The form contains 9 errors: correct the flagged fields." in text
    assert page_title(response).startswith("Error: Submit a tool")
    assert "Choose your local authority from the list provided" in text
    assert "This field is required." in text
    assert "Ce champ est obligatoire." not in text
    # Each error of the summary after its field's name, as English punctuates it.
    assert re.search(r"</a>: [A-Z]", response.content.decode())
    assert "</a> : " not in response.content.decode()


def test_submission_errors_in_french_by_default(client) -> None:
    text = page_text(client.post(SUBMIT, {"website": ""}))
    assert "Le formulaire contient 9 erreurs : corrigez les champs signalés." in text
    assert "Ce champ est obligatoire." in text


def test_the_admin_comes_translated_by_django(client) -> None:
    assert "Nom d’utilisateur" in page_text(client.get("/admin/login/"))
    assert "Username" in page_text(client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en"))


def test_api_errors_follow_the_language(client) -> None:
    assert client.get("/api/v1/nope/").json()["detail"] == "Ressource introuvable."
    english = client.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == "Resource not found."


def test_the_api_documentation_is_titled_in_the_reader_s_language(client) -> None:
    docs, schema = reverse("api-docs"), reverse("api-schema")
    assert page_title(client.get(docs)) == "API du Baromètre de la démocratie locale numérique"
    assert page_title(client.get(docs, HTTP_ACCEPT_LANGUAGE="en")) == "Digital Local Democracy Barometer API"
    info = client.get(schema, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()["info"]
    assert info["title"] == "Digital Local Democracy Barometer API"
    assert info["description"].startswith("The open registry of digital local-democracy tools")
    assert "Data under Licence Ouverte 2.0; a response or file of the registry" in info["description"]
    assert "Données" not in info["description"]


def test_api_parameter_errors_follow_the_language(client) -> None:
    tools = reverse("api:tool-list")
    coverage = reverse("api:insights-coverage")
    for url, params, field, french, english in [
        (tools, {"page": "0"}, "page", "Un numéro de page", "A page number"),
        (tools, {"page_size": "0"}, "page_size", "Un entier de 1 à 500", "A whole number from 1 to 500"),
        (coverage, {"family": "x"}, "family", "Famille inconnue.", "Unknown family."),
    ]:
        assert client.get(url, params).json()["errors"][field][0].startswith(french)
        answer = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").json()
        assert answer["errors"][field][0].startswith(english)


def test_the_barometer_in_english(client) -> None:
    load_demo_edition(DEMO_2016)
    url = reverse("barometre:edition", kwargs={"edition": "2016"})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert '<h2 id="profil-titre">Profile of the responding local authorities</h2>' in content
    label = "Digital technology strengthens citizen participation (rather yes or absolutely)"
    assert f'<h3 id="participation_positive-titre">{label}</h3>' in content
    assert f'<title id="graphique-participation_positive-title">{label}</title>' in content
    text = page_text(response)
    for words in (
        "Fictitious data.",
        "Small base: interpret with caution",
        "Key takeaways",
        "Methodology",
        "from 17 January 2016 to 4 March 2016",
    ):
        assert words in text
    assert "Profil des collectivités répondantes" not in text
    assert "Le numérique renforce la participation citoyenne" not in text


def test_the_correction_form_speaks_english_on_request(client, a_tool) -> None:
    in_english(client)
    url = reverse("tools_registry:tool_correct", args=[a_tool.slug])
    text = page_text(client.get(url))
    assert "Report an error or propose a correction" in text and "The web address" in text
    response = client.post(url, {"kind": "url", "proposed_value": "x", "email": "a@example.org"})
    text = page_text(response)
    assert "Give a valid web address, for example https://…" in text
    assert "Tick this box so that we may keep your address" in text
