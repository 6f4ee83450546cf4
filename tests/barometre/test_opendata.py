import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from barometre.results.demo_editions import load_barometer_demo
from survey.models import Answer, Choice, Edition, EditionStatus, Question, Response, ResponseOrigin
from tests.barometre.helpers import bulk_responses
from tests.factories import CollectivityFactory, EditionFactory, ResponseFactory
from tests.helpers import formula_cells

pytestmark = pytest.mark.django_db
FILES = [
    "responses_csv",
    "responses_notes",
    "codebook_json",
    "codebook_csv",
    "indicators_csv",
    "indicators_json",
]


def test_the_page_lists_registry_and_edition_downloads_with_the_licence(client, demo_2016) -> None:
    html = client.get(reverse("opendata:index")).content.decode()
    assert "/api/v1/tools/?format=csv" in html and 'href="/donnees/outils.geojson"' in html
    for name in FILES:
        assert reverse(f"opendata:{name}", kwargs={"edition": "2016"}) in html
    assert "Licence Ouverte" in html and "GeoNames" in html and "DILA" in html and "Etalab" in html
    assert "données fictives" in html


def test_the_anonymised_responses_hold_no_personal_data(client, demo_2016) -> None:
    ResponseFactory(
        edition=demo_2016,
        collectivity=CollectivityFactory(name="Commune témoin"),
        origin=ResponseOrigin.INVITATION,
        respondent_name="Camille Secret",
        respondent_email="camille.secret@example.org",
    )
    url = reverse("opendata:responses_csv", kwargs={"edition": "2016"})
    body = client.get(url).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == ["response_id", "subject", "question_code", "value", "rank", "donnees_fictives"]
    for secret in (
        "Camille Secret",
        "camille.secret",
        "Commune témoin",
        "Mme Exemple",
        "DEMO-2016",
        "01 00 00",
    ):
        assert secret not in body
    assert {row["response_id"][:1] for row in rows} == {"R"}
    assert "Dispositif nécessitant un accès à l'équipement et une médiation." in body
    assert Answer.objects.filter(text__contains="Mme Exemple").exists()


def test_the_responses_of_a_fictitious_edition_say_so_on_every_row_and_real_ones_say_they_are_not(
    client, demo_2016
) -> None:
    def rows(code: str) -> list[dict]:
        url = reverse("opendata:responses_csv", kwargs={"edition": code})
        return list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))

    assert {row["donnees_fictives"] for row in rows("2016")} == {"oui"}
    real = EditionFactory(code="2020", status=EditionStatus.PUBLISHED)
    bulk_responses(real, 3)
    assert {row["donnees_fictives"] for row in rows("2020")} == {"non"}
    notes = client.get(reverse("opendata:responses_notes", kwargs={"edition": "2016"})).content.decode()
    assert "Colonne donnees_fictives : « oui » si les réponses sont fictives" in notes


def test_the_codebook_gives_questions_choices_and_conditions(client, demo_2016) -> None:
    book = client.get(reverse("opendata:codebook_json", kwargs={"edition": "2016"})).json()
    questions = {q["code"]: q for section in book["sections"] for q in section["questions"]}
    assert questions["tool_hybrid_formats"]["shown_if"] == {"question": "tool_hybrid", "choices": ["oui"]}
    assert {c["code"] for c in questions["has_tool"]["choices"]} == {"oui", "non"}
    assert book["fictitious"] is True
    rows = client.get(reverse("opendata:codebook_csv", kwargs={"edition": "2016"})).content.decode()
    assert "outil,tool,tool_family,single,tool,À quelle famille" in rows


def test_indicator_files(client, demo_2016) -> None:
    body = client.get(reverse("opendata:indicators_csv", kwargs={"edition": "2016"})).content.decode()
    assert "2016,oui,participation_positive,Le numérique renforce" in body
    data = client.get(reverse("opendata:indicators_json", kwargs={"edition": "2016"})).json()
    assert data["fictitious"] is True and len(data["results"]) > 20


def test_an_unpublished_edition_has_no_download(client) -> None:
    EditionFactory(code="2020")
    for name in FILES:
        assert client.get(reverse(f"opendata:{name}", kwargs={"edition": "2020"})).status_code == 404
    assert "2020" not in client.get(reverse("opendata:index")).content.decode()
    assert "barometre-2020" not in client.get(reverse("opendata:catalog")).content.decode()


def test_the_dcat_catalogue_describes_every_dataset(client, demo_2016) -> None:
    response = client.get(reverse("opendata:catalog"))
    assert response["Content-Type"] == "application/ld+json"
    catalog = response.json()
    assert catalog["@type"] == "dcat:Catalog"
    datasets = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    assert set(datasets) == {"registre-outils", "barometre-2016-responses", "barometre-2016-indicators"}
    for dataset in datasets.values():
        assert dataset["@type"] == "dcat:Dataset"
        assert {"dct:title", "dct:description", "dct:license", "dct:publisher"} <= set(dataset)
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dcat:downloadURL"]["@id"].startswith("http")
            assert {"dcat:accessURL", "dct:format", "dcat:mediaType"} <= set(distribution)
    responses = datasets["barometre-2016-responses"]
    assert responses["dct:issued"]["@value"] == "2016-03-04"
    assert "dct:modified" in responses


def test_loading_the_demo_editions_twice_changes_nothing(db) -> None:
    load_barometer_demo()
    snapshot = (Edition.objects.count(), Response.objects.count(), Answer.objects.count())
    lines = load_barometer_demo()
    assert (Edition.objects.count(), Response.objects.count(), Answer.objects.count()) == snapshot
    assert all("déjà présente" in line for line in lines)
    assert Response.objects.filter(edition__code="2016").count() == 194
    assert Response.objects.filter(edition__code="2016", collectivity__isnull=False).count() == 0


def test_no_published_csv_cell_can_run_as_a_spreadsheet_formula(client, demo_2016) -> None:
    Question.objects.filter(edition=demo_2016, code="collectivity_type").update(label="-Type de collectivité")
    Choice.objects.filter(
        question__edition=demo_2016, question__code="collectivity_type", code="commune"
    ).update(label='=HYPERLINK("https://piege.example")')
    verbatim = Answer.objects.filter(publishable=True).exclude(text="").first()
    Answer.objects.filter(pk=verbatim.pk).update(text="@SUM(1+1)*cmd|' /C calc'!A0")
    cache.clear()  # the updates above bypass the signals that move the results' cache version
    files = {
        name: client.get(reverse(f"opendata:{name}", kwargs={"edition": "2016"})).content.decode()
        for name in ("responses_csv", "codebook_csv", "indicators_csv")
    }
    files["indicator"] = client.get(
        reverse("barometre:indicator_csv", kwargs={"edition": "2016", "code": "collectivity_type"})
    ).content.decode()
    for body in files.values():
        assert formula_cells(body) == []
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in [
        row["value"] for row in csv.DictReader(io.StringIO(files["responses_csv"]))
    ]
    assert "'-Type de collectivité" in files["codebook_csv"]
    for name in ("codebook_csv", "indicators_csv", "indicator"):
        assert '\'=HYPERLINK(""https://piege.example"")' in files[name]


def test_every_csv_the_site_serves_has_a_byte_order_mark_and_crlf_line_ends(client, demo_2016) -> None:
    """Excel shows accents right only with the mark: one rule for the registry's CSVs and the barometer's."""
    downloads = [reverse(f"opendata:{name}", kwargs={"edition": "2016"}) for name in FILES if "csv" in name]
    downloads += [
        reverse("barometre:indicator_csv", kwargs={"edition": "2016", "code": "collectivity_type"}),
        reverse("tools_registry:software_csv"),
        f"{reverse('api:tool-list')}?format=csv",
    ]
    for url in downloads:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"\xef\xbb\xbf"), url
        lines = body.split(b"\n")
        assert len(lines) > 1 and all(line.endswith(b"\r") for line in lines[:-1]), url


def test_a_web_map_on_another_site_may_load_the_open_data_files_which_are_cached_like_the_api(
    client, demo_2016
) -> None:
    for url in (reverse("opendata:tools_geojson"), reverse("opendata:catalog")):
        response = client.get(url, HTTP_ORIGIN="https://carte.example.org")
        assert response["Access-Control-Allow-Origin"] == "*", url
    assert client.get(reverse("opendata:tools_geojson"))["Cache-Control"] == "public, max-age=60"


def test_every_barometer_file_and_api_answer_says_its_licence_in_a_link_header(client, demo_2016) -> None:
    urls = [reverse(f"opendata:{name}", kwargs={"edition": "2016"}) for name in FILES]
    urls += [
        reverse("barometre:indicator_csv", kwargs={"edition": "2016", "code": "collectivity_type"}),
        reverse("barometre-api:editions"),
        reverse("barometre-api:indicators", kwargs={"edition": "2016"}),
    ]
    for url in urls:
        link = client.get(url)["Link"]
        assert (
            link
            == '<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>; rel="license"; title="etalab-2.0"'
        ), url
