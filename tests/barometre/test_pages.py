import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from survey.models import Answer, Choice, Edition, EditionStatus, Response
from tests.barometre.helpers import bulk_responses
from tests.factories import EditionFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def edition_url(code: str) -> str:
    return reverse("barometre:edition", kwargs={"edition": code})


def svg_of(html: str, code: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="graphique-{code}-title.*?</svg>', html, re.S)
    assert match, code
    return match.group(0)


def test_the_latest_published_edition_is_the_barometer_page(client, demo_editions) -> None:
    response = client.get(reverse("barometre:latest"))
    assert response.status_code == 200
    assert response.context["edition"].code == "2018-demo"


def test_the_page_follows_the_report_and_says_the_data_are_fictitious(client, demo_2016) -> None:
    text = page_text(client.get(edition_url("2016")))
    for heading in (
        "Profil des collectivités répondantes",
        "Perceptions générales sur la démocratie locale numérique",
        "Les outils numériques de démocratie locale",
        "Focus sur l'ouverture des données publiques",
        "Ce qu'il faut retenir",
        "Méthode",
    ):
        assert heading in text
    assert "Données fictives." in text
    assert "du 17 janvier 2016 au 4 mars 2016" in text
    assert "20000" in text.replace(" ", "").replace("\u202f", "")


def test_svg_charts_carry_a_title_and_a_description_matching_the_table(client, demo_2016) -> None:
    html = client.get(edition_url("2016")).content.decode()
    svg = svg_of(html, "participation_positive")
    assert 'role="img"' in svg
    title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
    assert title == "Le numérique renforce la participation citoyenne (plutôt oui ou tout à fait)"
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "79,9\u00a0%" in desc and "155 sur 194" in desc and "90,9\u00a0%" in desc
    table = html[html.index("<caption>Le numérique renforce la participation") :]
    table = table[: table.index("</table>")]
    assert "<td>155</td><td>194</td><td>79,9\u00a0%</td>" in table
    assert "<td>40</td><td>44</td><td>90,9\u00a0%</td>" in table
    families = svg_of(html, "tool_family")
    assert (
        "Plateforme de mise à disposition des données publiques (open data) : 32,7\u00a0% (18 sur 55"
        in families
    )


def test_a_small_base_carries_a_caution(client, demo_2016) -> None:
    html = client.get(edition_url("2016")).content.decode()
    block = html[html.index('id="inform_objective_met"') :]
    block = block[: block.index("</section>")]
    assert "Effectif faible : à interpréter avec prudence" in block
    profile = html[html.index('id="collectivity_type"') :]
    assert "Effectif faible" not in profile[: profile.index("</section>")]


def test_only_publishable_verbatims_are_shown(client, demo_2016) -> None:
    text = page_text(client.get(edition_url("2016")))
    assert "Dispositif nécessitant un accès à l'équipement et une médiation." in text
    assert "Mme Exemple" not in text
    assert Answer.objects.filter(text__contains="Mme Exemple", publishable=False).exists()


def test_a_verbatim_of_a_response_no_longer_counted_is_not_shown(client, demo_2016) -> None:
    verbatim = Answer.objects.get(text="Dispositif nécessitant un accès à l'équipement et une médiation.")
    Response.objects.filter(pk=verbatim.response_id).update(status=Response.Status.IN_PROGRESS)
    assert verbatim.text not in page_text(client.get(edition_url("2016")))


def test_evolution_is_shown_for_indicators_of_several_editions(client, demo_editions) -> None:
    html = client.get(edition_url("2016")).content.decode()
    svg = svg_of(html, "participation_positive-evolution")
    assert "2016 : 79,9\u00a0%" in svg and "2018-demo" in svg


def evolution_table(html: str, code: str) -> list[list[str]]:
    section = re.search(rf'<section class="indicator" id="{code}".*?</section>', html, re.S).group(0)
    table = re.search(r'<details class="evolution">.*?</details>', section, re.S).group(0)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_the_objectives_of_editions_of_different_sizes_compare_as_shares_of_their_base(
    client, demo_editions
) -> None:
    # 2016: 55 tools answered, 32 cite "inform" (score 87); 2018-demo: 42 tools, 23 cite it (score 54).
    html = client.get(edition_url("2016")).content.decode()
    rows = evolution_table(html, "tool_objectives")
    assert rows[0] == ["Réponse", "2016 (n = 55)", "2018-demo (n = 42)"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Informer, mettre à disposition des informations"] == ["58,2\u00a0%", "54,8\u00a0%"]
    assert "Part des outils ayant répondu qui citent cet objectif ; n : outils ayant répondu." in html


def test_a_multiple_choice_across_editions_gives_each_edition_its_number_of_mentions(
    client, demo_editions
) -> None:
    html = client.get(edition_url("2016")).content.decode()
    rows = evolution_table(html, "tool_hybrid_formats")
    assert rows[0] == ["Réponse", "2016 (n = 66)", "2018-demo (n = 52)"]
    assert all(cell.endswith("%") or cell == "—" for row in rows[1:] for cell in row[1:])
    assert "Part des mentions ; n : mentions des outils décrits ayant répondu." in html


def test_indicator_csv(client, demo_2016) -> None:
    url = reverse("barometre:indicator_csv", kwargs={"edition": "2016", "code": "tool_hybrid_formats"})
    lines = client.get(url).content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("edition,donnees_fictives,indicator")
    assert "reunions_publiques,Réunions publiques,40,60.6" in lines[1]
    assert client.get(url.replace("tool_hybrid_formats", "nope")).status_code == 404


def test_an_unpublished_edition_is_hidden_from_the_public_but_not_from_staff(client) -> None:
    EditionFactory(code="2020")
    urls = [
        edition_url("2020"),
        reverse("barometre:indicator_csv", kwargs={"edition": "2020", "code": "respondents"}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.get(reverse("barometre:latest")).context.get("edition") is None
    staff = get_user_model().objects.create_user(username="equipe", password="x", is_staff=True)
    client.force_login(staff)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_navigation_links_to_the_barometer_and_the_open_data(client, db) -> None:
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("barometre:latest")}"' in html
    assert f'href="{reverse("opendata:index")}"' in html


def test_page_query_count_does_not_grow_with_the_responses(queries) -> None:
    edition: Edition = EditionFactory(status=EditionStatus.PUBLISHED)
    bulk_responses(edition, 50)
    small = queries(edition_url("2016"))
    bulk_responses(edition, 1950, start=50)
    assert queries(edition_url("2016")) == small


def test_labels_titles_and_verbatims_are_text_in_the_page_and_its_charts(client, demo_2016) -> None:
    hostile = "<img src=x onerror=alert(1)> & </svg><script>alert(2)</script>"
    Choice.objects.filter(
        question__edition=demo_2016, question__code="collectivity_type", code="commune"
    ).update(label=hostile)
    Edition.objects.filter(pk=demo_2016.pk).update(title=hostile)
    verbatim = Answer.objects.filter(publishable=True).exclude(text="").first()
    Answer.objects.filter(pk=verbatim.pk).update(text=hostile)
    cache.clear()  # the updates above bypass the signals that move the results' cache version
    html = client.get(edition_url("2016")).content.decode()
    escaped = "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert escaped in svg_of(html, "collectivity_type")
    assert f"<h1>{escaped}</h1>" in html
    assert f"« {escaped} »" in html
