"""The `Link` header of the map data, the insights and the collectivities: the licence of what each answer
holds and every public source it holds records from, with its credit, as its body says them."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ToolFactory
from tests.helpers import page_text
from tests.imports.conftest import DECIDIM_SAMPLE
from tools_registry.insights.peers import peer_group
from tools_registry.licences import LICENCES
from tools_registry.models import Collectivity, Tool
from tools_registry.provenance import DataSource, SourceRecord

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


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "url", [reverse("api:insights-software"), reverse("api:insights-coverage")], ids=["software", "coverage"]
)
def test_an_insights_answer_names_the_licence_and_each_source_of_the_tools_it_counts(
    client, imported, url
) -> None:
    response = client.get(url)
    body = response.json()
    assert (body["licence"], body["attribution"]) == ("ODbL-1.0", [OBSERVATOIRE, DECIDIM])
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire", "decidim-installations")
    assert list(credited(response["Link"])) == body["attribution"]


def test_insights_of_tools_from_one_source_name_that_source_and_its_licence(client, imported) -> None:
    response = client.get(reverse("api:insights-software"), {"software": "Decidim"})
    assert (response.json()["licence"], response.json()["attribution"]) == ("etalab-2.0", [DECIDIM])
    assert licence_link(response["Link"]) == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
    assert credited(response["Link"]) == sources("decidim-installations")


@pytest.mark.parametrize(
    "url",
    [reverse("tools_registry:software_csv"), reverse("tools_registry:coverage_csv")],
    ids=["software", "coverage"],
)
def test_an_insights_csv_names_in_its_link_header_the_sources_its_rows_credit(client, imported, url) -> None:
    response = client.get(url)
    rows = csv_rows(response)
    assert rows
    assert {(row["licence"], row["attribution"]) for row in rows} == {
        ("ODbL-1.0", f"{OBSERVATOIRE}|{DECIDIM}")
    }
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire", "decidim-installations")


def test_insights_of_tools_from_no_public_source_name_only_their_licence(client, db) -> None:
    ToolFactory(name="Outil proposé en ligne")
    answer = client.get(reverse("api:insights-software"))
    assert answer.json()["attribution"] == []
    assert answer["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
    assert client.get(reverse("tools_registry:software_csv"))["Link"] == answer["Link"]


def test_a_collectivity_s_peers_name_in_their_link_header_the_sources_their_body_credits(
    client, imported
) -> None:
    answers = [
        client.get(reverse("api:insights-peers", kwargs={"slug": collectivity.slug}))
        for collectivity in Collectivity.objects.with_published_tools()
    ]
    compared = [answer for answer in answers if answer.status_code == 200]
    assert compared
    for answer in compared:
        body = answer.json()
        assert body["attribution"]
        assert (
            licence_link(answer["Link"])
            == f'<{LICENCES[body["licence"]].url}>; rel="license"; title="{body["licence"]}"'
        )
        assert list(credited(answer["Link"])) == body["attribution"]


def collectivity_answer(client, collectivity: Collectivity):
    return client.get(reverse("api:collectivity-detail", kwargs={"slug": collectivity.slug}))


def only_own_tool(collectivity: Collectivity) -> None:
    """Leave `collectivity` one tool, proposed on the site: no source said anything of it."""
    Tool.objects.filter(collectivity=collectivity).delete()
    ToolFactory(name="Outil proposé en ligne", collectivity=collectivity)


def test_a_collectivity_in_the_api_credits_the_source_that_described_it_as_its_page_does(
    client, imported
) -> None:
    gip = Collectivity.objects.get(siren="187609110")  # a body outside the reference, from the Observatoire
    only_own_tool(gip)
    assert f"Source {OBSERVATOIRE} — ODbL 1.0" in page_text(client.get(gip.get_absolute_url()))
    response = collectivity_answer(client, gip)
    body = response.json()
    assert [tool["name"] for tool in body["tools"]] == ["Outil proposé en ligne"]
    assert (body["licence"], body["licence_url"], body["attribution"]) == ("ODbL-1.0", ODBL, [OBSERVATOIRE])
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire")


def test_a_page_of_collectivities_credits_the_sources_that_described_them(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    only_own_tool(gip)
    Tool.objects.exclude(collectivity=gip).delete()
    response = client.get(reverse("api:collectivity-list"))
    assert [collectivity["slug"] for collectivity in response.json()["results"]] == [gip.slug]
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire")


def test_a_source_that_only_named_a_collectivity_is_credited_by_neither_its_page_nor_the_api(
    client, imported
) -> None:
    clairoix = Tool.objects.get(name="participez.clairoix.fr").collectivity  # found by its name alone
    only_own_tool(clairoix)
    assert clairoix.source_records.filter(source__code="decidim-installations").exists()
    assert f"Source {DECIDIM} —" not in page_text(client.get(clairoix.get_absolute_url()))
    response = collectivity_answer(client, clairoix)
    assert (response.json()["licence"], response.json()["attribution"]) == ("etalab-2.0", [])
    assert response["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'


def test_the_records_describing_a_collectivity_are_those_that_say_something_of_it(imported) -> None:
    SourceRecord.objects.filter(pk=SourceRecord.objects.order_by("pk")[0].pk).update(values={})
    said = {record.pk for record in SourceRecord.objects.all() if record.values.get("collectivity")}
    assert said and said != set(SourceRecord.objects.values_list("pk", flat=True))
    assert set(SourceRecord.objects.describing_collectivities().values_list("pk", flat=True)) == said


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_downloads_credit_the_source_that_described_a_collectivity_they_show(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")  # described by the Observatoire (ODbL) alone
    only_own_tool(gip)  # its Observatoire tool is gone: the source still gave its name and point
    Tool.objects.exclude(collectivity=gip).delete()
    observatoire = sources("odf-observatoire")

    download = client.get(TOOLS, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(streamed(download))))
    assert [(row["name"], row["collectivity"]) for row in rows] == [("Outil proposé en ligne", gip.name)]
    # A row's provenance is its tool's records, as the tool's API answer gives them.
    assert (row := rows[0])["provenance"] == row["attribution"] == "" and row["licence"] == "etalab-2.0"
    assert licence_link(download["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(download["Link"]) == observatoire

    for response in (client.get(TOOLS, {"format": "geojson"}), client.get(reverse("opendata:tools_geojson"))):
        body = response.json() if not response.streaming else json.loads(streamed(response))
        terms = (body["license"], body["license_url"], body["attribution"])
        assert terms == ("ODbL-1.0", ODBL, [OBSERVATOIRE])
        assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
        assert credited(response["Link"]) == observatoire
    assert [feature["properties"]["collectivity"] for feature in body["features"]] == [gip.name]
    assert f"{OBSERVATOIRE}" in page_text(client.get(reverse("opendata:index")))


def test_a_page_of_the_tools_list_credits_the_source_that_described_a_collectivity_it_shows(
    client, imported
) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    only_own_tool(gip)
    Tool.objects.exclude(collectivity=gip).delete()
    response = client.get(TOOLS)
    (tool,) = response.json()["results"]
    assert (tool["collectivity"]["name"], tool["licence"], tool["provenance"]) == (gip.name, "etalab-2.0", [])
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire")
    ToolFactory(name="Forum d'ailleurs", software="Logiciel d'ailleurs")
    elsewhere = client.get(TOOLS, {"software": "Logiciel d'ailleurs"})
    assert elsewhere["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'


def tool_answer(client, tool: Tool):
    return client.get(reverse("api:tool-detail", kwargs={"slug": tool.slug}))


def test_a_tool_s_answer_and_page_credit_the_source_that_described_its_collectivity(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    (observatoire_tool,) = Tool.objects.filter(collectivity=gip)
    # Its own record described the collectivity too: credited once, as the tool's.
    assert credited(tool_answer(client, observatoire_tool)["Link"]) == sources("odf-observatoire")
    page = page_text(client.get(observatoire_tool.get_absolute_url()))
    assert page.count(OBSERVATOIRE) == 1 and "Source de la collectivité" not in page

    only_own_tool(gip)
    tool = Tool.objects.get(collectivity=gip)
    response = tool_answer(client, tool)
    body = response.json()
    assert (body["collectivity"]["name"], body["licence"], body["provenance"]) == (gip.name, "etalab-2.0", [])
    assert licence_link(response["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert credited(response["Link"]) == sources("odf-observatoire")
    assert f"Source de la collectivité {OBSERVATOIRE} — ODbL 1.0" in page_text(
        client.get(tool.get_absolute_url())
    )

    elsewhere = ToolFactory(name="Forum d'ailleurs")
    assert tool_answer(client, elsewhere)["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'
    assert "Source de la collectivité" not in page_text(client.get(elsewhere.get_absolute_url()))


def test_a_filtered_download_credits_only_the_collectivities_it_shows(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    only_own_tool(gip)
    Tool.objects.exclude(collectivity=gip).delete()
    ToolFactory(name="Forum d'ailleurs", software="Logiciel d'ailleurs")
    for response in (
        client.get(TOOLS, {"format": "csv", "software": "Logiciel d'ailleurs"}),
        client.get(TOOLS, {"format": "geojson", "software": "Logiciel d'ailleurs"}),
        client.get(reverse("opendata:tools_geojson"), {"software": "Logiciel d'ailleurs"}),
    ):
        assert response["Link"] == f'<{LICENCE_OUVERTE}>; rel="license"; title="etalab-2.0"'


def test_the_map_data_from_the_cache_still_credits_the_collectivities_sources(client, imported) -> None:
    gip = Collectivity.objects.get(siren="187609110")
    only_own_tool(gip)
    Tool.objects.exclude(collectivity=gip).delete()
    first = client.get(TOOLS, {"format": "geojson"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(TOOLS, {"format": "geojson"})
    assert again.content == first.content and again["Link"] == first["Link"]
    assert credited(again["Link"]) == sources("odf-observatoire")
    assert not [query for query in queries.captured_queries if "tools_registry_datasource" in query["sql"]]


def test_a_collectivity_s_peers_credit_the_source_that_described_it(client, imported) -> None:
    described = SourceRecord.objects.describing_collectivities().filter(source__code="odf-observatoire")
    candidates = Collectivity.objects.filter(source_records__in=described).distinct().order_by("pk")
    commune = next(c for c in candidates if peer_group(c, same_region=False) is not None)
    # No tool counted comes from the Observatoire any more: only what it said of the collectivity remains.
    Tool.objects.filter(source_records__source__code="odf-observatoire").delete()
    ToolFactory(name="Outil proposé en ligne", collectivity=commune)
    answer = client.get(reverse("api:insights-peers", kwargs={"slug": commune.slug}))
    body = answer.json()
    assert answer.status_code == 200 and any(family["has"] for family in body["families"])
    assert (body["licence"], OBSERVATOIRE in body["attribution"]) == ("ODbL-1.0", True)
    assert licence_link(answer["Link"]) == f'<{ODBL}>; rel="license"; title="ODbL-1.0"'
    assert list(credited(answer["Link"])) == body["attribution"]
    table = client.get(reverse("tools_registry:collectivity_peers_csv", kwargs={"slug": commune.slug}))
    assert table["Link"] == answer["Link"]
    page = page_text(client.get(commune.get_absolute_url()))
    assert "ODbL 1.0" in page and OBSERVATOIRE in page


def test_a_collectivity_s_peers_credit_the_sources_that_described_the_collectivities_of_their_examples(
    client, imported
) -> None:
    described = SourceRecord.objects.describing_collectivities().filter(source__code="odf-observatoire")
    candidates = Collectivity.objects.filter(source_records__in=described).distinct().order_by("pk")
    shown = next(c for c in candidates if peer_group(c, same_region=False) is not None)
    group = peer_group(shown, same_region=False)
    asking = next(
        c
        for c in Collectivity.objects.exclude(pk__in=candidates)
        .exclude(territory=shown.territory)
        .order_by("pk")
        if peer_group(c, same_region=False) == group
    )
    # No tool counted comes from the Observatoire any more, and the only poll is the described
    # collectivity's: the peers of another show it as the example of its family, by name.
    Tool.objects.filter(source_records__source__code="odf-observatoire").delete()
    Tool.objects.filter(family="sondage").delete()
    ToolFactory(name="Sondage proposé en ligne", collectivity=shown, family="sondage")
    ToolFactory(name="Outil proposé en ligne", collectivity=asking, family="forum")
    answer = client.get(reverse("api:insights-peers", kwargs={"slug": asking.slug}))
    body = answer.json()
    polls = next(family for family in body["families"] if family["code"] == "sondage")
    assert [example["collectivity"] for example in polls["examples"]] == [shown.name]
    assert OBSERVATOIRE in body["attribution"]
    assert list(credited(answer["Link"])) == body["attribution"]
    table = client.get(reverse("tools_registry:collectivity_peers_csv", kwargs={"slug": asking.slug}))
    assert table["Link"] == answer["Link"]


def test_a_download_names_its_sources_in_one_order_in_its_header_and_its_rows(client, imported) -> None:
    observatoire = DataSource.objects.get(code="odf-observatoire")
    tool = Tool.objects.filter(source_records__source__code="decidim-installations").order_by("pk")[0]
    now = timezone.now()
    SourceRecord.objects.create(
        source=observatoire, record_id="both", tool=tool, first_seen=now, last_seen=now
    )
    # By credit: "Observatoire…" before "decidim.org…" (by name or code it would be the other way round).
    order = [OBSERVATOIRE, DECIDIM]
    download = client.get(TOOLS, {"format": "csv"})
    assert list(credited(download["Link"])) == order
    row = next(row for row in csv.DictReader(io.StringIO(streamed(download))) if row["slug"] == tool.slug)
    assert row["attribution"].split("|") == order
    assert row["provenance"].split("|") == ["odf-observatoire", "decidim-installations"]
    collection = json.loads(streamed(client.get(reverse("opendata:tools_geojson"))))
    assert collection["attribution"] == order
    feature = next(feature for feature in collection["features"] if feature["id"] == tool.slug)
    assert feature["properties"]["provenance"] == ["odf-observatoire", "decidim-installations"]
    document = client.get(reverse("api:tool-detail", kwargs={"slug": tool.slug})).json()
    assert [record["credit"] for record in document["provenance"]] == order
    listed = client.get(TOOLS, {"id": tool.pk}).json()["results"][0]
    assert [record["credit"] for record in listed["provenance"]] == order


def test_sources_of_one_credit_are_named_in_one_order_by_a_page_and_a_download(client, db) -> None:
    # Two sources of one credit: ordered by their code, wherever they are named (not by their address).
    tool = ToolFactory()
    now = timezone.now()
    for code, url in (("a-premiere", "https://z.example/"), ("b-seconde", "https://a.example/")):
        source = DataSource.objects.create(
            code=code, name=code, publisher="Éditeur", url=url, licence="etalab-2.0", credit="Même mention"
        )
        SourceRecord.objects.create(source=source, record_id="1", tool=tool, first_seen=now, last_seen=now)

    def addresses(response) -> list[str]:
        return [link.split(">")[0] for link in response["Link"].split(", <")[1:]]

    order = ["https://z.example/", "https://a.example/"]
    assert addresses(client.get(TOOLS, {"format": "csv"})) == order
    assert addresses(client.get(TOOLS)) == order
    assert addresses(tool_answer(client, tool)) == order
