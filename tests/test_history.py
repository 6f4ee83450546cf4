"""Every change to a tool or a collectivity is recorded: who or what made it, when, before and after."""

import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, ToolFactory
from tools_registry.history import recorded_as
from tools_registry.models import Tool

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
