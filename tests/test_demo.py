import re

import pytest
from django.core.management import call_command

from tests.helpers import page_text
from tools_registry.corrections import Correction, CorrectionStatus
from tools_registry.links.models import LinkCheck
from tools_registry.models import Collectivity, LifeStatus, Tool, ToolSource, ToolStatus

pytestmark = pytest.mark.django_db


def test_loading_the_demo_twice_changes_nothing(capsys) -> None:
    call_command("load_demo")
    first_output = capsys.readouterr().out
    snapshot = list(Tool.objects.order_by("pk").values_list("pk", "slug", "name", "status", "updated_at"))
    collectivities = Collectivity.objects.count()
    call_command("load_demo")
    second_output = capsys.readouterr().out
    assert (
        list(Tool.objects.order_by("pk").values_list("pk", "slug", "name", "status", "updated_at"))
        == snapshot
    )
    assert Collectivity.objects.count() == collectivities
    # The staff password is printed once, and never again.
    assert re.search(r"demo-staff / \S{12,}", first_output)
    assert "demo-staff /" not in second_output


def test_the_demo_shows_the_real_tools_of_the_public_sources_and_no_fictitious_one(client) -> None:
    call_command("load_demo")
    assert not Tool.objects.filter(source=ToolSource.DEMO).exists()
    imported = Tool.objects.filter(source=ToolSource.IMPORT, status=ToolStatus.PUBLISHED)
    assert imported.filter(source_records__source__code="odf-observatoire").count() == 856
    assert imported.filter(source_records__source__code="decidim-installations").count() == 43
    assert (
        imported.filter(life_status="ended", archived_url__startswith="https://web.archive.org/").count() == 8
    )
    # 18 without a point: 17 bodies the sources do not place, and one they place in the Pacific (a
    # longitude of the wrong sign), left out at import so that the API and the map agree.
    located = imported.filter(collectivity__latitude__isnull=False).count()
    assert located == imported.located().count() == 899 - 18
    page = client.get(imported.get(name="Data Agen").get_absolute_url()).content.decode()
    assert "Observatoire open data des territoires, OpenDataFrance" in page


def test_the_fictitious_tools_are_loaded_on_request_clearly_labelled(client) -> None:
    call_command("load_demo", "--fictitious-tools")
    fictitious = Tool.objects.filter(source=ToolSource.DEMO, status=ToolStatus.PUBLISHED)
    assert fictitious.count() == 55
    assert fictitious.values("collectivity").distinct().count() == 44
    assert set(fictitious.values_list("family", flat=True)) >= {
        "open_data",
        "budget_participatif",
        "forum",
        "cartographie_participative",
        "sondage",
        "urbanisme_participatif",
        "autre",
    }
    assert all(tool.name.startswith("Exemple fictif") for tool in fictitious)
    page = client.get(fictitious.first().get_absolute_url()).content.decode()
    assert "Cet outil a été inventé pour la démonstration du site" in page

    # The moderation queues hold a flagged duplicate and a correction, both of fictitious tools.
    duplicate = Tool.objects.get(source=ToolSource.DEMO, status=ToolStatus.PENDING)
    assert duplicate.name.startswith("Exemple fictif") and "fictive" in duplicate.description
    assert list(duplicate.duplicate_candidates()) == [duplicate.possible_duplicate]
    correction = Correction.objects.get(status=CorrectionStatus.PENDING)
    assert correction.tool.is_demo
    call_command("load_demo", "--fictitious-tools")
    assert Correction.objects.count() == 1
    assert Tool.objects.filter(source=ToolSource.DEMO, status=ToolStatus.PENDING).count() == 1


def test_the_reports_examples_say_only_what_the_report_says(client) -> None:
    call_command("load_demo")
    examples = Tool.objects.filter(source=ToolSource.REPORT_2016)
    assert set(examples.values_list("name", flat=True)) == {
        "Plateforme Id City ©",
        "Demain-le-lot",
        "Data de Saint Malo Agglomération",
        "Tell My City ©",
    }
    lot = examples.get(name="Demain-le-lot")
    assert lot.collectivity.territory.code == "46"
    assert lot.status == ToolStatus.PUBLISHED
    assert lot.url == "" and lot.software == "" and not lot.objectives.exists()
    assert examples.get(name="Data de Saint Malo Agglomération").collectivity.territory.code == "243500782"
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Exemple cité par le rapport du baromètre 2016" in page


def test_the_fictitious_demo_shows_an_ended_replaced_tool_and_one_in_the_link_review_queue(client) -> None:
    call_command("load_demo", "--fictitious-tools")
    ended = Tool.objects.get(source=ToolSource.DEMO, life_status=LifeStatus.ENDED)
    successor = ended.replaced_by
    assert (successor.source, successor.collectivity) == (ToolSource.DEMO, ended.collectivity)
    text = page_text(client.get(ended.get_absolute_url()))
    assert f"Arrêté en 2022, remplacé par {successor.name}" in text
    assert "Copie archivée de l'outil" in text
    assert "Exemple fictif." in text  # the page still says the tool is made up
    assert ended.archived_url.startswith("https://demo.example.org/")
    (waiting,) = LinkCheck.objects.to_review().select_related("tool")
    assert waiting.tool.source == ToolSource.DEMO and waiting.tool.name.startswith("Exemple fictif")
    assert ended.history.earliest().history_via == "demo"
