import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from tests.factories import ToolFactory
from tests.helpers import page_text
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


def edit_page_data(tool, **changes) -> dict:
    """What the tool's edit page posts when staff change `changes` and leave the rest as it is."""
    data = {
        "name": tool.name,
        "slug": tool.slug,
        "collectivity": tool.collectivity_id or "",
        "url": tool.url,
        "description": tool.description,
        "family": tool.family,
        "family_other": tool.family_other,
        "software": tool.software,
        "is_open_source": "unknown",
        "launch_year": tool.launch_year or "",
        "hybrid": "unknown",
        "hybrid_formats": list(tool.hybrid_formats),
        "life_status": tool.life_status,
        "launched_on": tool.launched_on or "",
        "end_year": tool.end_year or "",
        "ended_on": tool.ended_on or "",
        "replaced_by": tool.replaced_by_id or "",
        "archived_url": tool.archived_url,
        "status": tool.status,
        "source": tool.source,
        "last_verified": "",
        "moderation_reason": tool.moderation_reason,
        "submitter_name": tool.submitter_name,
        "submitter_email": tool.submitter_email,
        "objectives-TOTAL_FORMS": "0",
        "objectives-INITIAL_FORMS": "0",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "3",
    }
    return {**data, **changes}


def change_url(tool) -> str:
    return reverse("admin:tools_registry_tool_change", args=[tool.pk])


def test_publishing_on_the_edit_page_records_the_moderator_and_tells_the_contributor(
    staff_client, admin_user, run_jobs
) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    response = staff_client.post(
        change_url(tool), edit_page_data(tool, status="published", name="Nouveau nom")
    )
    assert response.status_code == 302
    run_jobs()
    tool.refresh_from_db()
    assert (tool.status, tool.name, tool.moderated_by) == (ToolStatus.PUBLISHED, "Nouveau nom", admin_user)
    assert tool.moderated_at is not None
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]


def test_rejecting_on_the_edit_page_without_a_reason_is_explained_in_words(staff_client, run_jobs) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    response = staff_client.post(
        change_url(tool), edit_page_data(tool, status="rejected", moderation_reason=" ")
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Un refus doit être motivé." in text
    assert "contrainte" not in text
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PENDING
    run_jobs()
    assert mail.outbox == []


def test_rejecting_on_the_edit_page_with_a_reason_goes_through_moderation(
    staff_client, admin_user, run_jobs
) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    staff_client.post(
        change_url(tool), edit_page_data(tool, status="rejected", moderation_reason=" Hors sujet ")
    )
    run_jobs()
    tool.refresh_from_db()
    assert (tool.status, tool.moderation_reason, tool.moderated_by) == (
        ToolStatus.REJECTED,
        "Hors sujet",
        admin_user,
    )
    assert "Hors sujet" in mail.outbox[0].body


def test_saving_without_changing_the_status_moderates_nothing(staff_client, run_jobs) -> None:
    tool = ToolFactory(status=ToolStatus.PUBLISHED, submitter_email="camille@example.org")
    staff_client.post(change_url(tool), edit_page_data(tool, description="Corrigée."))
    run_jobs()
    tool.refresh_from_db()
    assert (tool.description, tool.moderated_by) == ("Corrigée.", None)
    assert mail.outbox == []


def test_the_edit_page_shows_the_possible_duplicate_with_a_link(staff_client) -> None:
    original = ToolFactory(name="Budget participatif de Lille", url="https://budget.lille.example/")
    tool = ToolFactory(status=ToolStatus.PENDING, possible_duplicate=original)
    response = staff_client.get(change_url(tool))
    assert "Doublon possible" in page_text(response)
    assert f'<a href="{change_url(original)}">Budget participatif de Lille</a>' in response.content.decode()
    assert "https://budget.lille.example/" in page_text(response)
    assert "Doublon possible" not in page_text(staff_client.get(change_url(original)))


def test_hybrid_formats_are_checkboxes(staff_client) -> None:
    tool = ToolFactory(hybrid_formats=["formations"])
    html = staff_client.get(change_url(tool)).content.decode()
    assert re.search(r'<input type="checkbox" name="hybrid_formats" value="formations"[^>]* checked', html)
    assert '<textarea name="hybrid_formats"' not in html
    staff_client.post(change_url(tool), edit_page_data(tool, hybrid_formats=["reunions_publiques", "autre"]))
    tool.refresh_from_db()
    assert tool.hybrid_formats == ["reunions_publiques", "autre"]


def test_the_admin_is_the_barometre_s_and_its_home_counts_the_tools_to_moderate(staff_client) -> None:
    ToolFactory(status=ToolStatus.PENDING)
    home = staff_client.get(reverse("admin:index"))
    text = page_text(home)
    assert "Baromètre — administration" in text and "Django" not in text
    assert "1 outil en attente de modération" in text
    ToolFactory(status=ToolStatus.PENDING)
    ToolFactory(status=ToolStatus.PUBLISHED)
    home = staff_client.get(reverse("admin:index"))
    assert "2 outils en attente de modération" in page_text(home)
    assert f'href="{CHANGELIST}?status__exact=pending"' in home.content.decode()


def test_publishing_tools_again_tells_nobody_twice_and_a_merged_one_stays_merged(
    staff_client, admin_user, run_jobs
) -> None:
    from tools_registry.merging import merge_tools

    kept = ToolFactory(status=ToolStatus.PUBLISHED, submitter_email="anne@example.org")
    dropped = ToolFactory(status=ToolStatus.PENDING, submitter_email="bob@example.org")
    merge_tools(keep=kept, drop=dropped, moderator=admin_user)
    run_jobs()
    mail.outbox.clear()
    response = staff_client.post(
        CHANGELIST, {"action": "approve", ACTION_CHECKBOX_NAME: [kept.pk, dropped.pk]}, follow=True
    )
    text = page_text(response)
    assert "1 outil avait déjà ce statut : laissé tel quel." in text
    assert "a été fusionné dans un autre outil : sa décision ne peut plus changer." in text
    assert "publié." not in text
    dropped.refresh_from_db()
    assert (dropped.status, dropped.merged_into) == (ToolStatus.ARCHIVED, kept)
    run_jobs()
    assert mail.outbox == []
    # Its edit page no longer offers to change its status.
    page = staff_client.get(change_url(dropped)).content.decode()
    assert 'name="status"' not in page
