"""The licence of the registry told truthfully on the open-data page and in the DCAT-AP catalogue."""

import json
from pathlib import Path

import pyshacl
import pytest
from django.urls import reverse
from rdflib import Graph

from survey.models import EditionStatus
from tests.barometre.helpers import bulk_responses
from tests.factories import EditionFactory, ToolFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).resolve().parent.parent / "data" / "dcat-ap"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def registry_dataset(client) -> dict:
    catalog = client.get(reverse("opendata:catalog")).json()
    return next(d for d in catalog["dcat:dataset"] if d["dct:identifier"] == "registre-outils")


def test_the_registry_stays_under_licence_ouverte_while_no_share_alike_source_is_in_it(client) -> None:
    ToolFactory()
    text = page_text(client.get(reverse("opendata:index")))
    assert "Licence : Licence Ouverte 2.0" in text and "ODbL" not in text
    dataset = registry_dataset(client)
    assert dataset["dct:license"]["@id"] == LICENCE_OUVERTE
    assert {d["dct:license"]["@id"] for d in dataset["dcat:distribution"]} == {LICENCE_OUVERTE}


def test_with_records_from_the_observatoire_the_registry_is_under_odbl_with_its_credit(
    client, import_sample
) -> None:
    import_sample()
    text = page_text(client.get(reverse("opendata:index")))
    assert "Les résultats du baromètre sont publiés sous Licence Ouverte / Open Licence version 2.0" in text
    assert "Licence : ODbL 1.0" in text
    assert "publier sous la même licence toute base de données que vous en tirez" in text
    assert (
        "Sources publiques reprises Observatoire open data des territoires, OpenDataFrance — ODbL 1.0" in text
    )
    dataset = registry_dataset(client)
    assert dataset["dct:license"] == {
        "@id": ODBL,
        "@type": "dct:LicenseDocument",
        "dct:title": "Open Database License (ODbL) 1.0",
    }
    assert {d["dct:license"]["@id"] for d in dataset["dcat:distribution"]} == {ODBL}
    assert (
        "« Observatoire open data des territoires, OpenDataFrance » (ODbL 1.0)" in dataset["dct:description"]
    )


def test_the_catalogue_is_valid_dcat_ap_including_the_classes_of_what_it_references(
    client, import_sample
) -> None:
    import_sample()
    edition = EditionFactory(status=EditionStatus.PUBLISHED)
    bulk_responses(edition, 3)
    data = Graph().parse(data=client.get(reverse("opendata:catalog")).content, format="json-ld")
    for name in ("shapes", "range"):
        shapes = Graph().parse(SHAPES / f"dcat-ap_2.1.1_shacl_{name}.ttl", format="turtle")
        conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
        assert conforms, text


def test_a_geojson_download_of_observatoire_records_is_under_odbl_and_says_so(client, import_sample) -> None:
    import_sample()
    response = client.get(reverse("opendata:tools_geojson"))
    collection = json.loads(b"".join(response.streaming_content))
    assert response["Link"] == (
        f'<{ODBL}>; rel="license"; title="ODbL-1.0", <https://github.com/multi-coop/data-odf-observatoire>; '
        'rel="via"; title="Observatoire open data des territoires, OpenDataFrance"'
    )
    assert collection["license"] == "ODbL-1.0"
    assert collection["attribution"] == ["Observatoire open data des territoires, OpenDataFrance"]
    assert {tuple(f["properties"]["provenance"]) for f in collection["features"]} == {("odf-observatoire",)}
    assert {f["properties"]["licence"] for f in collection["features"]} == {"ODbL-1.0"}


def test_each_feature_of_the_geojson_download_gives_the_date_of_its_record_in_each_source(
    client, import_sample
) -> None:
    import_sample()
    collection = json.loads(b"".join(client.get(reverse("opendata:tools_geojson")).streaming_content))
    agen = next(f for f in collection["features"] if f["properties"]["name"] == "Data Agen")
    assert (agen["properties"]["provenance"], agen["properties"]["source_date"]) == (
        ["odf-observatoire"],
        ["2021-11-04"],
    )
    api = client.get(reverse("api:tool-detail", kwargs={"slug": agen["id"]})).json()
    assert [record["source_date"] for record in api["provenance"]] == agen["properties"]["source_date"]
