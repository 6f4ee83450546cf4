"""The barometer page reads like the report: takeaways first, a reachable table of contents, evolution
folded, the respondents on a map without small counts, each chart as an SVG file."""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from barometre.models import EditionReport
from survey.models import Edition, EditionStatus, Response
from tests.factories import CollectivityFactory, EditionFactory, TerritoryFactory
from tests.helpers import page_text
from tools_registry.models import TerritoryKind

pytestmark = pytest.mark.django_db


def edition_url(code: str) -> str:
    return reverse("barometre:edition", kwargs={"edition": code})


def test_takeaways_come_before_the_parts_and_the_contents_stay_reachable(client, demo_2016) -> None:
    html = client.get(edition_url("2016")).content.decode()
    assert html.index('id="a-retenir"') < html.index('id="repondants"') < html.index('id="profil"')
    toc = re.search(r'<nav aria-label="Sommaire" class="toc toc-sticky">.*?</nav>', html, re.S).group(0)
    assert [href for href in re.findall(r'href="#([^"]+)"', toc)][:2] == ["a-retenir", "repondants"]


def test_evolution_is_folded(client, demo_editions) -> None:
    html = client.get(edition_url("2016")).content.decode()
    assert '<details class="evolution">' in html
    assert '<details class="evolution" open' not in html


def test_each_chart_downloads_as_an_svg_file(client, demo_2016) -> None:
    html = client.get(edition_url("2016")).content.decode()
    url = reverse("barometre:indicator_svg", kwargs={"edition": "2016", "code": "participation_positive"})
    assert f'href="{url}" download' in html
    response = client.get(url)
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert 'filename="barometre-2016-participation_positive.svg"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert '<title id="graphique-participation_positive-title">Le numérique renforce' in body
    assert "<style>" in body  # the file looks the same without the page's stylesheet
    # A count has no chart; an unknown indicator or edition has no file.
    assert client.get(url.replace("participation_positive", "respondents")).status_code == 404
    assert client.get(url.replace("2016", "1999")).status_code == 404


def test_the_respondents_map_hides_counts_under_five(client) -> None:
    edition = EditionFactory(code="2030", status=EditionStatus.PUBLISHED)
    region = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    places = {
        "35": TerritoryFactory(
            kind=TerritoryKind.DEPARTEMENT, code="35", name="Ille-et-Vilaine", region=region
        ),
        "29": TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, code="29", name="Finistère", region=region),
    }
    for code, count in (("35", 6), ("29", 2)):
        for _number in range(count):
            commune = TerritoryFactory(departement=places[code], region=region)
            Response.objects.create(
                edition=edition,
                collectivity=CollectivityFactory(territory=commune),
                origin=Response.Origin.IMPORT,
                status=Response.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
    Response.objects.create(
        edition=edition,
        origin=Response.Origin.IMPORT,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    html = client.get(edition_url("2030")).content.decode()
    svg = re.search(r'<svg class="france-map".*?</svg>', html, re.S).group(0)
    assert '<title id="carte-repondants-title">Collectivités répondantes par département</title>' in svg
    assert "<title>Ille-et-Vilaine : 6 réponses</title>" in svg
    assert "<title>Finistère : moins de 5 réponses</title>" in svg
    text = page_text(client.get(edition_url("2030")))
    assert "Finistère moins de 5 réponses" in text and "Finistère 2" not in text
    assert "1 réponse sans département connu" in text


SVG = "{http://www.w3.org/2000/svg}"


def downloaded_chart(client, code: str = "participation_positive") -> ElementTree.Element:
    url = reverse("barometre:indicator_svg", kwargs={"edition": "2016", "code": code})
    return ElementTree.fromstring(client.get(url).content)  # noqa: S314 (our own file)


def shown_text(svg: ElementTree.Element) -> list[str]:
    return [text.text for text in svg.iter(f"{SVG}text")]


def test_a_downloaded_chart_says_what_it_shows_of_which_edition_on_how_many_answers_and_where_from(
    client, demo_2016, settings
) -> None:
    settings.SITE_URL = "https://barometre.example.org"
    svg = downloaded_chart(client)
    edition_title = demo_2016.title
    title = svg.find(f"{SVG}title").text
    assert title.startswith("Le numérique renforce") and title.endswith(f" — {edition_title}")
    description = svg.find(f"{SVG}desc").text
    assert f"{edition_title} (édition 2016) : 194 collectivités répondantes." in description
    assert "Base : n = " in description and "(ensemble des répondants ayant répondu)" in description
    assert (
        f"Source : Association Décider ensemble, {edition_title}, https://barometre.example.org/barometre/2016/"
        in description
    )
    # In the image itself, for whoever sees it in a slide.
    text = shown_text(svg)
    assert "Données fictives (démonstration)" in text
    assert "https://barometre.example.org/barometre/2016/" in text
    assert any(line.startswith("Base : ") for line in text)


def test_a_downloaded_chart_of_real_data_says_nothing_of_fictitious_data(client, demo_2016) -> None:
    EditionReport.objects.filter(edition=demo_2016).update(fictitious=False)
    svg = downloaded_chart(client, "tool_objectives")
    assert "Données fictives" not in svg.find(f"{SVG}desc").text
    assert not [line for line in shown_text(svg) if "fictives" in line]


def test_a_hostile_edition_title_stays_text_in_a_downloaded_chart(client, demo_2016) -> None:
    hostile = '</title><script>alert("x")</script><text>&amp; Faux'
    Edition.objects.filter(pk=demo_2016.pk).update(title=hostile)
    svg = downloaded_chart(client)
    assert svg.find(f".//{SVG}script") is None
    assert svg.find(f"{SVG}title").text.endswith(f" — {hostile}")
    assert any(hostile in line for line in shown_text(svg))


def test_when_no_response_can_be_placed_the_page_says_so_instead_of_a_blank_map(client) -> None:
    EditionFactory(code="2031", status=EditionStatus.PUBLISHED)
    assert "aucune réponse comptée" in page_text(client.get(edition_url("2031")))

    edition = EditionFactory(code="2032", status=EditionStatus.PUBLISHED)
    for _number in range(3):  # imported from an anonymous file: no collectivity
        Response.objects.create(
            edition=edition,
            origin=Response.Origin.IMPORT,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    response = client.get(edition_url("2032"))
    assert 'class="france-map"' not in response.content.decode()
    assert "aucune des 3 réponses ne peut y être placée" in page_text(response)
