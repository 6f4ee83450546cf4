import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.factories import ToolFactory
from tools_registry.models import ToolStatus

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:tools_registry_tool_changelist")


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_approving_publishes_and_records_the_moderator(staff_client, admin_user) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    response = staff_client.post(
        CHANGELIST, {"action": "approve", ACTION_CHECKBOX_NAME: [tool.pk]}, follow=True
    )
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PUBLISHED
    assert tool.moderated_by == admin_user
    assert tool.moderated_at is not None
    assert "1 outil publié" in response.content.decode()


def test_rejecting_asks_for_a_reason_first(staff_client) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    response = staff_client.post(CHANGELIST, {"action": "reject", ACTION_CHECKBOX_NAME: [tool.pk]})
    assert "Motif du refus" in response.content.decode()
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PENDING


def test_rejecting_with_a_reason_records_it(staff_client, admin_user) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    staff_client.post(
        CHANGELIST,
        {
            "action": "reject",
            "confirm": "1",
            "reason": "Outil déjà référencé",
            ACTION_CHECKBOX_NAME: [tool.pk],
        },
    )
    tool.refresh_from_db()
    assert tool.status == ToolStatus.REJECTED
    assert tool.moderation_reason == "Outil déjà référencé"
    assert tool.moderated_by == admin_user


def test_rejecting_with_a_blank_reason_changes_nothing(staff_client) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING)
    response = staff_client.post(
        CHANGELIST, {"action": "reject", "confirm": "1", "reason": "  ", ACTION_CHECKBOX_NAME: [tool.pk]}
    )
    assert "Ce champ est obligatoire" in response.content.decode()
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PENDING


def test_archiving_records_the_moderator(staff_client, admin_user) -> None:
    tool = ToolFactory(status=ToolStatus.PUBLISHED)
    staff_client.post(CHANGELIST, {"action": "archive", ACTION_CHECKBOX_NAME: [tool.pk]})
    tool.refresh_from_db()
    assert tool.status == ToolStatus.ARCHIVED
    assert tool.moderated_by == admin_user


def test_collectivity_picker_is_an_autocomplete(staff_client) -> None:
    response = staff_client.get(reverse("admin:tools_registry_tool_add"))
    html = response.content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in html
