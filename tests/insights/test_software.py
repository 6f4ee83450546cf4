"""Which software, where: the page, its CSV and its API answer give the same counts of tools in service."""

import csv
import io

import pytest
from django.utils import translation

from tests.helpers import page_text
from tests.insights.conftest import more_tools
from tools_registry.text import share_text

pytestmark = pytest.mark.django_db


def _family(answer: dict, code: str) -> dict:
    return next(family for family in answer["families"] if family["code"] == code)


def test_the_api_counts_software_per_family_among_published_tools_in_service(client, registry) -> None:
    answer = client.get("/api/v1/insights/software/").json()
    assert answer["count"] == 5
    open_data = _family(answer, "open_data")
    assert open_data["count"] == 4
    assert [(s["name"], s["count"], s["percent"]) for s in open_data["software"]] == [
        ("OpenDataSoft", 2, 50.0),
        ("CKAN", 1, 25.0),
        (None, 1, 25.0),
    ]
    assert open_data["open_source"] == {"yes": 1, "no": 1, "unknown": 2, "base": 2, "percent": 50.0}
    assert _family(answer, "forum")["software"][0]["name"] == "Decidim"


def test_the_api_splits_by_kind_population_band_and_region(client, registry) -> None:
    open_data = _family(client.get("/api/v1/insights/software/").json(), "open_data")
    kinds = {group["code"]: group["count"] for group in open_data["by_kind"]}
    assert kinds == {"commune": 3, "metropole": 1}
    bands = {group["code"]: group["count"] for group in open_data["by_population"]}
    assert bands == {"pop_10000_50000": 3, "pop_gt_200000": 1}
    regions = [(group["label"], group["count"]) for group in open_data["by_region"]]
    assert regions == [("Bretagne", 3), ("Guadeloupe", 1)]


def test_the_catalogue_filters_choose_the_tools(client, registry) -> None:
    answer = client.get("/api/v1/insights/software/", {"region": "01"}).json()
    assert answer["count"] == 1
    assert _family(answer, "open_data")["software"] == [
        {
            "name": "opendatasoft",
            "label": "opendatasoft",
            "count": 1,
            "percent": 100.0,
            "is_open_source": None,
        }
    ]
    assert client.get("/api/v1/insights/software/", {"family": "nope"}).status_code == 400


def test_the_answer_says_its_licence(client, registry) -> None:
    response = client.get("/api/v1/insights/software/")
    assert response.json()["licence"] == "etalab-2.0"
    assert 'rel="license"' in response["Link"]


def test_the_page_shows_small_counts_as_counts_and_unknown_software_as_a_category(client, registry) -> None:
    text = page_text(client.get("/logiciels/"))
    assert "OpenDataSoft : 2 sur 4" in text
    assert "50,0 %" not in text  # a base of 4 never gives a bare percentage
    assert "Logiciel non renseigné" in text
    assert "Logiciel libre : 1 sur 2 des outils dont on le sait." in text
    assert "Outils comptés : les outils publiés du registre qui ne sont pas marqués arrêtés" in text


def test_the_csv_has_one_row_per_family_software_and_split(client, registry) -> None:
    response = client.get("/logiciels/logiciels.csv", {"family": "open_data"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    overall = [(row["software"], row["count"], row["base"]) for row in rows if row["split"] == "all"]
    assert overall == [("OpenDataSoft", "2", "4"), ("CKAN", "1", "4"), ("", "1", "4")]
    assert {row["licence"] for row in rows} == {"etalab-2.0"}
    assert 'rel="license"' in response["Link"]


def test_a_share_reads_in_the_page_language() -> None:
    with translation.override("en"):
        assert share_text(9, 21) == "42.9% (9 of 21)"
        assert share_text(3, 7) == "3 of 7"
    with translation.override("fr"):
        assert share_text(9, 21) == "42,9\u00a0% (9 sur 21)"


@pytest.mark.parametrize("url", ["/logiciels/", "/logiciels/logiciels.csv", "/api/v1/insights/software/"])
def test_query_count_does_not_grow_with_the_registry(queries, registry, url) -> None:
    small = queries(url)
    more_tools(40)
    assert queries(url) == small


def test_labels_follow_the_readers_language_whatever_was_cached_first(client, registry) -> None:
    client.get("/logiciels/")  # cached in French
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/logiciels/"))
    assert "Public data sharing platform (open data)" in text
    assert "Software not said" in text
