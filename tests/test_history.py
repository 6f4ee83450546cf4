"""Every change to a tool or a collectivity is recorded: who or what made it, when, before and after."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tests.helpers import api_submission, page_text
from tests.test_submission import valid_data
from tools_registry.corrections import Correction
from tools_registry.history import recorded_as
from tools_registry.merging import merge_tools
from tools_registry.models import LifeStatus, TerritoryKind, Tool, ToolStatus
from tools_registry.services import accept_correction, approve_tool

pytestmark = pytest.mark.django_db


def test_a_change_made_by_the_site_itself_names_its_channel() -> None:
    tool = ToolFactory(software="CKAN")
    with recorded_as("import:odf-observatoire"):
        tool.software = "OpenDataSoft"
        tool.save()
    latest = tool.history.first()
    assert latest.history_via == "import:odf-observatoire"
    assert latest.history_user is None
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {"software": ("CKAN", "OpenDataSoft")}


def test_a_staff_edit_in_the_admin_records_the_staff_member(client, admin_user) -> None:
    tool = ToolFactory(name="Budget participatif")
    client.force_login(admin_user)
    page = client.get(reverse("admin:tools_registry_tool_change", args=[tool.pk]))
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "Budget participatif 2026",
            "collectivity": tool.collectivity_id,
            "hybrid_formats": [],
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
        }
    )
    response = client.post(reverse("admin:tools_registry_tool_change", args=[tool.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = Tool.history.filter(id=tool.pk).first()
    assert (latest.name, latest.history_user, latest.history_via) == (
        "Budget participatif 2026",
        admin_user,
        "admin",
    )


def test_a_collectivity_change_is_recorded_too() -> None:
    collectivity = CollectivityFactory(name="Saint-Malo")
    collectivity.website = "https://www.saint-malo.fr/"
    collectivity.save()
    assert [r.history_type for r in collectivity.history.all()] == ["~", "+"]


def test_a_public_submission_is_recorded_as_such_with_the_collectivity_it_adds(client) -> None:
    saint_malo = TerritoryFactory(kind=TerritoryKind.COMMUNE, code="35288", name="Saint-Malo")
    response = client.post(reverse("tools_registry:tool_submit"), valid_data(saint_malo))
    assert response.status_code == 302
    tool = Tool.objects.get()
    assert (tool.history.get().history_via, tool.history.get().history_user) == ("submission", None)
    assert tool.collectivity.history.get().history_via == "submission"


def test_a_submission_through_the_api_is_recorded_as_a_public_submission() -> None:
    TerritoryFactory(code="35288", name="Saint-Malo")
    response = APIClient().post(reverse("api:submission"), api_submission(), format="json")
    assert response.status_code == 201
    assert Tool.objects.get().history.get().history_via == "submission"


def test_a_staff_edit_through_the_api_records_the_token_s_owner(admin_user) -> None:
    tool = ToolFactory(software="CKAN")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    response = api.patch(
        reverse("api:staff-tool-detail", args=[tool.slug]),
        {"life_status": "ended", "end_year": 2024},
        format="json",
    )
    assert response.status_code == 200, response.content
    latest = tool.history.first()
    assert (latest.history_via, latest.history_user) == ("api", admin_user)
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {"life_status": ("active", "ended"), "end_year": (None, 2024)}


# --- the history as staff read it in the admin ---


def history_page(client, admin_user, obj, **headers) -> str:
    client.force_login(admin_user)
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def test_staff_read_who_changed_which_field_from_what_to_what(client, admin_user) -> None:
    tool = ToolFactory(name="Forum de Rennes")
    with recorded_as("import:odf-observatoire#7"):
        tool.life_status = LifeStatus.ENDED
        tool.end_year = 2023
        tool.save()
    text = page_text(history_page(client, admin_user, tool))
    assert "Import « odf-observatoire » n° 7" in text
    assert "État : En service → Arrêté" in text
    assert "Année d'arrêt : — → 2023" in text
    assert "Création" in text


def test_the_history_shows_the_staff_member_and_hostile_names_as_text(client, admin_user) -> None:
    collectivity = CollectivityFactory(name="Saint-Malo")
    client.force_login(admin_user)
    hostile = '<img src=x onerror="alert(1)">'
    with recorded_as("admin"):
        collectivity.name = hostile
        collectivity._history_user = admin_user  # as the admin's save does
        collectivity.save()
    response = history_page(client, admin_user, collectivity)
    page = response.content.decode()
    assert hostile not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    text = page_text(response)
    assert admin_user.get_username() in text and "Équipe, dans l'administration" in text


MODERATED_AT = datetime.datetime(2026, 12, 7, 4, 9, 10, 372377, tzinfo=datetime.UTC)


@pytest.fixture
def moderated_merged_tool(django_user_model) -> tuple[Tool, Tool, Correction]:
    """A proposal approved, corrected, then merged into another tool, all by « demo-staff »."""
    moderator = django_user_model.objects.create_user("demo-staff", is_staff=True)
    tool = ToolFactory(status=ToolStatus.PENDING, url="https://ancienne.example/")
    keep = ToolFactory(name="Budget participatif de Rennes")
    with time_machine.travel(MODERATED_AT, tick=False):
        approve_tool(tool=tool, moderator=moderator)
    correction = Correction.objects.create(tool=tool, kind="url", proposed_value="https://nouvelle.example/")
    accept_correction(correction=correction, moderator=moderator)
    merge_tools(keep=keep, drop=tool, moderator=moderator)
    return tool, keep, correction


def test_a_moderation_a_correction_and_a_merge_read_as_staff_say_them(
    client, admin_user, moderated_merged_tool
) -> None:
    tool, keep, correction = moderated_merged_tool
    text = page_text(history_page(client, admin_user, tool))
    assert "Modéré par : — → demo-staff" in text
    assert "Modéré le : — → 7 décembre 2026 05:09" in text  # Paris time, to the minute
    assert f"Fusionné dans : — → {keep}" in text
    assert f"Correction n° {correction.pk}" in text
    assert f"Fusion de n° {tool.pk} dans n° {keep.pk}" in text
    assert "Deleted" not in text and "pk=None" not in text and "+00:00" not in text


def test_the_history_reads_in_english_for_staff_who_read_english(
    client, admin_user, moderated_merged_tool
) -> None:
    tool, keep, correction = moderated_merged_tool
    text = page_text(history_page(client, admin_user, tool, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Dec. 7, 2026, 5:09 a.m." in text
    assert f"Correction no. {correction.pk}" in text
    assert f"Merge of no. {tool.pk} into no. {keep.pk}" in text


def test_a_related_object_deleted_since_is_named_by_its_number(client, admin_user) -> None:
    replacement = ToolFactory(name="Nouvelle plateforme")
    tool = ToolFactory(replaced_by=replacement)
    number = replacement.pk
    replacement.delete()
    tool.refresh_from_db()
    tool.software = "Decidim"
    tool.save()
    text = page_text(history_page(client, admin_user, tool))
    assert f"Remplacé par : (supprimé, n° {number}) → —" in text


def test_the_history_cannot_revert_a_tool_behind_the_moderation_s_back(client, admin_user) -> None:
    tool = ToolFactory()
    tool.name = "Nouveau nom"
    tool.save()
    record = tool.history.last()
    client.force_login(admin_user)
    url = reverse("admin:tools_registry_tool_simple_history", args=[tool.pk, record.history_id])
    client.post(url, {"name": "Ancien nom"})
    tool.refresh_from_db()
    assert tool.name == "Nouveau nom"


def test_the_history_page_costs_the_same_queries_however_long_the_history(client, admin_user) -> None:
    tool = ToolFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            history_page(client, admin_user, tool)
        return len(context.captured_queries)

    tool.save()
    count()  # signs in and fills Django's caches (content types)
    short = count()
    for number in range(20):
        tool.software = f"Logiciel {number}"
        tool.save()
    assert count() == short
