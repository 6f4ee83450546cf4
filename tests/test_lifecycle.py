"""A tool's life (in service, ended, replaced, archived) in every public view of the registry."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import CollectivityFactory, ToolFactory
from tests.helpers import page_text
from tests.test_admin_moderation import edit_page_data
from tools_registry.models import LifeStatus, ToolStatus

pytestmark = pytest.mark.django_db
ARCHIVE = "https://web.archive.org/web/2023/https://ancien-forum.example.org/"


@pytest.fixture
def ended():
    successor = ToolFactory(name="Nouvelle plateforme de concertation")
    return ToolFactory(
        name="Ancien forum",
        life_status=LifeStatus.ENDED,
        launch_year=2015,
        end_year=2023,
        replaced_by=successor,
        archived_url=ARCHIVE,
    )


def test_the_tool_page_says_when_it_ended_what_replaced_it_and_links_its_archive(client, ended) -> None:
    response = client.get(ended.get_absolute_url())
    text = page_text(response)
    assert "Arrêté en 2023, remplacé par Nouvelle plateforme de concertation" in text
    page = response.content.decode()
    assert f'href="{ended.replaced_by.get_absolute_url()}"' in page
    assert f'href="{ARCHIVE}"' in page
    assert "Copie archivée de l'outil" in text


def test_an_unpublished_replacement_is_not_named(client, ended) -> None:
    ended.replaced_by.moderate(status=ToolStatus.ARCHIVED, moderator=None)
    text = page_text(client.get(ended.get_absolute_url()))
    assert "Arrêté en 2023" in text
    assert "Nouvelle plateforme" not in text
    api = client.get(reverse("api:tool-detail", args=[ended.slug])).json()
    assert api["replaced_by"] is None


def test_the_catalogue_lists_tools_in_service_first_and_ended_ones_on_request(client) -> None:
    ToolFactory(name="A ancien portail", life_status=LifeStatus.ENDED, end_year=2020)
    ToolFactory(name="B portail actuel")
    ToolFactory(name="C portail d'état inconnu", life_status=LifeStatus.UNKNOWN)
    response = client.get(reverse("tools_registry:tool_list"))
    names = [tool.name for tool in response.context["page"]]
    assert names == ["B portail actuel", "C portail d'état inconnu", "A ancien portail"]
    assert "Arrêté en 2020" in page_text(response)
    ended_only = client.get(reverse("tools_registry:tool_list"), {"life_status": "ended"})
    assert [tool.name for tool in ended_only.context["page"]] == ["A ancien portail"]


def test_the_filter_panel_counts_tools_by_life_status(client, ended) -> None:
    response = client.get(reverse("tools_registry:tool_list"))
    (group,) = [group for group in response.context["facets"] if group["param"] == "life_status"]
    assert {option["label"]: option["count"] for option in group["options"]} == {"En service": 1, "Arrêté": 1}


def test_the_api_gives_the_life_fields_and_filters_on_them(client, ended) -> None:
    data = client.get(reverse("api:tool-list"), {"life_status": "ended"}).json()
    (tool,) = data["results"]
    assert {key: tool[key] for key in ("life_status", "end_year", "replaced_by", "archived_url")} == {
        "life_status": "ended",
        "end_year": 2023,
        "replaced_by": ended.replaced_by.slug,
        "archived_url": ARCHIVE,
    }
    active = client.get(reverse("api:tool-list"), {"life_status": "active"}).json()
    assert [tool["name"] for tool in active["results"]] == ["Nouvelle plateforme de concertation"]
    assert client.get(reverse("api:tool-list"), {"life_status": "dead"}).status_code == 400


def test_the_csv_has_the_life_columns(client, ended) -> None:
    response = client.get(reverse("api:tool-list"), {"format": "csv"})
    rows = {
        row["name"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }
    row = rows["Ancien forum"]
    assert (row["life_status"], row["end_year"], row["replaced_by"], row["archived_url"]) == (
        "ended",
        "2023",
        ended.replaced_by.slug,
        ARCHIVE,
    )
    assert rows["Nouvelle plateforme de concertation"]["life_status"] == "active"


def test_the_geojson_download_has_the_life_properties(client, ended) -> None:
    response = client.get(reverse("opendata:tools_geojson"))
    features = json.loads(b"".join(response.streaming_content))["features"]
    properties = {feature["properties"]["name"]: feature["properties"] for feature in features}
    assert properties["Ancien forum"]["life_status"] == "ended"
    assert properties["Ancien forum"]["replaced_by"] == ended.replaced_by.slug
    assert properties["Ancien forum"]["archived_url"] == ARCHIVE


def test_the_map_data_marks_ended_tools(client, ended) -> None:
    response = client.get(reverse("api:tool-list"), {"format": "geojson"})
    tools = {tool[0]: tool for feature in response.json()["features"] for tool in feature["properties"]["t"]}
    assert len(tools[ended.pk]) == 3 and tools[ended.pk][2] == 1
    assert len(tools[ended.replaced_by.pk]) == 2


def test_the_map_legend_explains_how_ended_tools_are_drawn(client) -> None:
    ToolFactory()
    text = page_text(client.get(reverse("tools_registry:tool_map")))
    assert "outil arrêté" in text


def test_public_pages_say_when_the_record_was_last_updated(client) -> None:
    collectivity = CollectivityFactory(name="Saint-Malo")
    tool = ToolFactory(collectivity=collectivity)
    with translation.override("fr"):
        tool_date = date_format(timezone.localtime(tool.updated_at), "DATE_FORMAT")
        collectivity_date = date_format(timezone.localtime(collectivity.updated_at), "DATE_FORMAT")
    assert f"Fiche mise à jour le {tool_date}" in page_text(client.get(tool.get_absolute_url()))
    assert f"Fiche mise à jour le {collectivity_date}" in page_text(
        client.get(collectivity.get_absolute_url())
    )


def test_the_life_of_a_tool_reads_in_english_on_request(client, ended) -> None:
    client.cookies["django_language"] = "en"
    text = page_text(client.get(ended.get_absolute_url()))
    assert "Ended in 2023, replaced by Nouvelle plateforme de concertation" in text
    assert "Archived copy of the tool" in text and "Record updated on" in text


def test_the_replacing_tool_s_page_links_back_to_the_tool_it_replaced(client, ended) -> None:
    response = client.get(ended.replaced_by.get_absolute_url())
    assert "Remplace Ancien forum (arrêté en 2023)" in page_text(response)
    assert f'href="{ended.get_absolute_url()}"' in response.content.decode()


def test_staff_record_a_tool_s_end_on_its_edit_page(client, admin_user) -> None:
    successor = ToolFactory(name="Nouveau portail")
    tool = ToolFactory(name="Ancien portail", launch_year=2014)
    client.force_login(admin_user)
    data = edit_page_data(
        tool, life_status="ended", end_year="2021", replaced_by=successor.pk, archived_url=ARCHIVE
    )
    response = client.post(reverse("admin:tools_registry_tool_change", args=[tool.pk]), data)
    assert response.status_code == 302
    tool.refresh_from_db()
    assert (tool.life_status, tool.end_year, tool.replaced_by, tool.archived_url) == (
        LifeStatus.ENDED,
        2021,
        successor,
        ARCHIVE,
    )
    assert "Arrêté en 2021, remplacé par Nouveau portail" in page_text(client.get(tool.get_absolute_url()))
