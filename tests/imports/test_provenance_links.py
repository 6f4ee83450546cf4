"""The `Link` header of the map data, the insights and the collectivities: the licence of what each answer
holds and every public source it holds records from, with its credit, as its body says them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ToolFactory
from tests.imports.conftest import DECIDIM_SAMPLE
from tools_registry.provenance import DataSource

pytestmark = pytest.mark.django_db
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
TOOLS = reverse("api:tool-list")
OBSERVATOIRE = "Observatoire open data des territoires, OpenDataFrance"
DECIDIM = "decidim.org, liste des installations"


@pytest.fixture
def imported(import_sample) -> None:
    import_sample()
    import_sample("decidim-installations", DECIDIM_SAMPLE)


def licence_link(header: str) -> str:
    return header.split(", <")[0]


def credited(header: str) -> dict[str, str]:
    """The sources a `Link` header names (rel="via"): their credit and address."""
    links = {}
    for link in header.split(", <")[1:]:
        url, rel, title = link.split("; ")
        assert rel == 'rel="via"'
        links[title.removeprefix('title="').removesuffix('"')] = url.removesuffix(">")
    return links


def sources(*codes: str) -> dict[str, str]:
    return {source.credit: source.url for source in DataSource.objects.filter(code__in=codes)}


def test_the_map_data_names_its_licence_and_each_source_it_holds_records_from(client, imported) -> None:
    response = client.get(TOOLS, {"format": "geojson"})
    body = response.json()
    assert body["license"] == "ODbL-1.0"
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire", "decidim-installations")
    assert sorted(credited(response["Link"])) == body["attribution"] == [OBSERVATOIRE, DECIDIM]
    decidim_only = client.get(TOOLS, {"format": "geojson", "software": "Decidim"})
    assert decidim_only.json()["attribution"] == [DECIDIM]
    assert licence_link(decidim_only["Link"]) == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
    assert credited(decidim_only["Link"]) == sources("decidim-installations")


def test_the_map_data_served_from_the_cache_names_the_same_sources_without_asking_the_database(
    client, imported
) -> None:
    first = client.get(TOOLS, {"format": "geojson"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(TOOLS, {"format": "geojson"})
    assert again.content == first.content
    assert again["Link"] == first["Link"]
    assert credited(again["Link"]) == sources("odf-observatoire", "decidim-installations")
    assert not [query for query in queries.captured_queries if "tools_registry_tool" in query["sql"]]


def test_the_map_data_of_tools_from_no_public_source_names_only_its_licence(client, db) -> None:
    ToolFactory(name="Outil proposé en ligne")
    response = client.get(TOOLS, {"format": "geojson"})
    assert response.json()["attribution"] == []
    assert response["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
