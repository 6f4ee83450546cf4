"""Where a tool comes from and under which licence, as its page, the API, the CSV and the map data say it."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ToolFactory
from tests.helpers import page_text
from tests.imports.conftest import DECIDIM_SAMPLE
from tools_registry.licences import LICENCE_OUVERTE as LICENCE_OUVERTE_INFO
from tools_registry.licences import link_header
from tools_registry.models import Collectivity, Tool
from tools_registry.provenance import DataSource

pytestmark = pytest.mark.django_db
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
TOOLS = reverse("api:tool-list")


@pytest.fixture
def imported(import_sample) -> None:
    import_sample()
    import_sample("decidim-installations", DECIDIM_SAMPLE)


def test_a_tool_page_credits_its_source_and_its_licence(client, imported) -> None:
    response = client.get(Tool.objects.get(name="Data Agen").get_absolute_url())
    text = page_text(response)
    assert "Source Observatoire open data des territoires, OpenDataFrance — ODbL 1.0" in text
    assert "donnée du 4 novembre 2021" in text
    html = response.content.decode()
    assert 'href="https://github.com/multi-coop/data-odf-observatoire"' in html
    assert f'href="{ODBL}" rel="license"' in html
    ended = page_text(client.get(Tool.objects.get(name="participez.clairoix.fr").get_absolute_url()))
    assert "Source decidim.org, liste des installations — Licence Ouverte 2.0" in ended


def test_a_body_outside_the_reference_credits_the_source_of_its_facts(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    text = page_text(client.get(gip.get_absolute_url()))
    assert "SIREN 187609110" in text
    assert "Source Observatoire open data des territoires, OpenDataFrance — ODbL 1.0" in text


def test_the_api_gives_each_tool_its_sources_and_its_licence(client, imported) -> None:
    own = ToolFactory(name="Outil proposé en ligne")
    tool = client.get(reverse("api:tool-detail", kwargs={"slug": Tool.objects.get(name="Data Agen").slug}))
    assert tool.json()["licence"] == "ODbL-1.0"
    assert tool.json()["provenance"] == [
        {
            "source": "odf-observatoire",
            "name": "Observatoire open data des territoires",
            "publisher": "OpenDataFrance",
            "credit": "Observatoire open data des territoires, OpenDataFrance",
            "url": "https://github.com/multi-coop/data-odf-observatoire",
            "licence": "ODbL-1.0",
            "licence_url": ODBL,
            "record_id": "214700015",
            "source_date": "2021-11-04",
            "missing_since": None,
        }
    ]
    assert f"<{ODBL}>" in tool["Link"] and 'rel="license"' in tool["Link"]
    mine = client.get(reverse("api:tool-detail", kwargs={"slug": own.slug})).json()
    assert (mine["licence"], mine["provenance"]) == ("etalab-2.0", [])


def test_a_list_is_under_odbl_only_when_it_holds_a_record_from_an_odbl_source(client, imported) -> None:
    assert f"<{ODBL}>" in client.get(TOOLS)["Link"]
    decidim_only = client.get(TOOLS, {"software": "Decidim"})
    assert {tool["licence"] for tool in decidim_only.json()["results"]} == {"etalab-2.0"}
    assert f"<{LICENCE_OUVERTE}>" in decidim_only["Link"]


def test_the_csv_gives_each_row_its_sources_and_its_licence_in_a_constant_number_of_queries(
    client, imported
) -> None:
    ToolFactory(name="Outil proposé en ligne")
    response = client.get(TOOLS, {"format": "csv"})
    rows = {
        row["name"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }
    assert (rows["Data Agen"]["provenance"], rows["Data Agen"]["licence"]) == ("odf-observatoire", "ODbL-1.0")
    clairoix = rows["participez.clairoix.fr"]
    assert (clairoix["provenance"], clairoix["licence"]) == ("decidim-installations", "etalab-2.0")
    assert (rows["Outil proposé en ligne"]["provenance"], rows["Outil proposé en ligne"]["licence"]) == (
        "",
        "etalab-2.0",
    )
    assert f"<{ODBL}>" in response["Link"]

    def queries(**filters: str) -> int:
        with CaptureQueriesContext(connection) as context:
            b"".join(client.get(TOOLS, {"format": "csv", **filters}).streaming_content)
        return len(context.captured_queries)

    assert queries() == queries(software="Decidim")


def test_each_csv_row_says_the_date_and_credit_of_its_sources_and_the_file_credits_them_too(
    client, imported
) -> None:
    ToolFactory(name="Outil proposé en ligne")
    response = client.get(TOOLS, {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(body))}
    agen = rows["Data Agen"]
    assert (agen["provenance"], agen["source_date"], agen["attribution"]) == (
        "odf-observatoire",
        "2021-11-04",
        "Observatoire open data des territoires, OpenDataFrance",
    )
    assert rows["participez.clairoix.fr"]["attribution"] == "decidim.org, liste des installations"
    own = rows["Outil proposé en ligne"]
    assert (own["source_date"], own["attribution"]) == ("", "")
    links = response["Link"].split(", <")
    assert links[0] == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert (
        'https://github.com/multi-coop/data-odf-observatoire>; rel="via"; '
        'title="Observatoire open data des territoires, OpenDataFrance"'
    ) in links


def test_a_credit_a_header_cannot_carry_as_it_is_is_encoded_in_the_link_header() -> None:
    source = DataSource(url="https://example.org/liste", credit='Région Île-de-France, "open data"')
    header = link_header(LICENCE_OUVERTE_INFO, [source])
    assert header.isascii()
    assert header.endswith(
        '<https://example.org/liste>; rel="via"; '
        "title*=UTF-8''R%C3%A9gion%20%C3%8Ele-de-France%2C%20%22open%20data%22"
    )


def test_the_map_data_says_its_licence_and_the_credits_of_its_sources(client, imported) -> None:
    data = client.get(TOOLS, {"format": "geojson"}).json()
    assert (data["license"], data["license_url"]) == ("ODbL-1.0", ODBL)
    assert data["attribution"] == [
        "Observatoire open data des territoires, OpenDataFrance",
        "decidim.org, liste des installations",
    ]


def test_a_collectivity_in_the_api_says_the_licence_and_credits_of_the_tools_it_lists(
    client, imported
) -> None:
    agen = Tool.objects.get(name="Data Agen").collectivity
    response = client.get(reverse("api:collectivity-detail", kwargs={"slug": agen.slug}))
    body = response.json()
    assert "Data Agen" in [tool["name"] for tool in body["tools"]]
    assert (body["licence"], body["licence_url"]) == ("ODbL-1.0", ODBL)
    assert body["attribution"] == ["Observatoire open data des territoires, OpenDataFrance"]
    assert response["Link"].startswith(f'<{ODBL}>; rel="license"; title="ODbL-1.0", ')
    assert 'title="Observatoire open data des territoires, OpenDataFrance"' in response["Link"]
    own = ToolFactory(name="Outil proposé en ligne").collectivity
    mine = client.get(reverse("api:collectivity-detail", kwargs={"slug": own.slug}))
    assert (mine.json()["licence"], mine.json()["attribution"]) == ("etalab-2.0", [])
    assert mine["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'


def test_the_credit_reads_in_english_too(client, imported) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = page_text(client.get(Tool.objects.get(name="Data Agen").get_absolute_url()))
    assert "Source Observatoire open data des territoires, OpenDataFrance — ODbL 1.0" in text
    assert "data of Nov. 4, 2021" in text


def via_links(header: str) -> set[str]:
    return {link.lstrip("<") for link in header.split(", <") if 'rel="via"' in link}


def test_a_page_of_tools_credits_in_its_link_header_the_sources_its_tools_credit(client, imported) -> None:
    ToolFactory(name="Outil proposé en ligne")
    response = client.get(TOOLS)
    assert response["Link"].startswith(f'<{ODBL}>; rel="license"; title="ODbL-1.0", ')
    credited = {
        (record["url"], record["credit"])
        for tool in response.json()["results"]
        for record in tool["provenance"]
    }
    assert via_links(response["Link"]) == {f'{url}>; rel="via"; title="{credit}"' for url, credit in credited}
    assert via_links(response["Link"]) == {
        'https://github.com/multi-coop/data-odf-observatoire>; rel="via"; '
        'title="Observatoire open data des territoires, OpenDataFrance"',
        f'{DataSource.objects.get(code="decidim-installations").url}>; rel="via"; '
        'title="decidim.org, liste des installations"',
    }
    mine = client.get(TOOLS, {"q": "Outil proposé en ligne"})
    assert [tool["name"] for tool in mine.json()["results"]] == ["Outil proposé en ligne"]
    assert mine["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'


def test_a_page_of_collectivities_names_the_licence_and_credits_of_the_tools_it_counts(
    client, imported
) -> None:
    collectivities = reverse("api:collectivity-list")
    response = client.get(collectivities, {"page_size": 100})
    assert response.status_code == 200
    assert response["Link"].startswith(f'<{ODBL}>; rel="license"; title="ODbL-1.0", ')
    assert 'title="Observatoire open data des territoires, OpenDataFrance"' in response["Link"]
    assert 'title="decidim.org, liste des installations"' in response["Link"]
    Tool.objects.exclude(name="Outil proposé en ligne").delete()
    ToolFactory(name="Outil proposé en ligne")
    mine = client.get(collectivities)
    assert mine.json()["count"] == 1
    assert mine["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
