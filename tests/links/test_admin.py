"""The staff review queue ("à vérifier") in the admin, and what staff can do from it."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.factories import ToolFactory
from tests.helpers import page_text
from tests.links.conftest import DAY0, FAILURE, check, make_checker, put_in_review
from tools_registry.links.models import LinkCheck, LinkReview
from tools_registry.links.services import run_pass
from tools_registry.models import LifeStatus, Tool, ToolStatus

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:links_linktoreview_changelist")


def act(client, action: str, tool: Tool):
    return client.post(QUEUE, {"action": action, ACTION_CHECKBOX_NAME: [tool.pk]}, follow=True)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_queue_lists_each_failing_tool_with_its_failure_and_since_when(staff_client) -> None:
    failing = ToolFactory(name="Forum de Saint-Malo")
    put_in_review(failing)
    recent = ToolFactory(name="Carte participative de Dinan")
    check(recent, FAILURE, 0)  # one failure: not yet to review
    response = staff_client.get(QUEUE)
    text = page_text(response)
    assert "Forum de Saint-Malo" in text
    assert "Carte participative de Dinan" not in text
    assert "Nom de domaine introuvable" in text
    assert "1 mars 2027" in text
    assert reverse("admin:tools_registry_tool_change", args=[failing.pk]) in response.content.decode()


def test_the_queue_shows_the_final_address_and_the_http_status(staff_client, site) -> None:
    gone = site.url("/status/410")
    ToolFactory(url=site.url(f"/redirect?to={gone}"))
    for day in (0, 4, 8):
        run_pass(checker=make_checker(), now=DAY0 + timedelta(days=day))
    text = page_text(staff_client.get(QUEUE))
    assert "Erreur HTTP (410)" in text
    assert gone in text


def test_keeping_an_address_takes_it_out_of_the_queue(staff_client, admin_user) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    response = act(staff_client, "keep", tool)
    assert "1 adresse conservée" in page_text(response)
    link_check = LinkCheck.objects.get(tool=tool)
    assert (link_check.review, link_check.reviewed_by) == (LinkReview.KEPT, admin_user)
    assert tool.name not in page_text(staff_client.get(QUEUE))


def mark_ended(client, tool: Tool, **fields: str):
    data = {"action": "mark_ended", "confirm": "1", ACTION_CHECKBOX_NAME: [tool.pk]}
    data.update({f"tool-{tool.pk}-{name}": value for name, value in fields.items()})
    return client.post(QUEUE, data, follow=True)


def test_marking_a_tool_ended_first_asks_its_end_year_and_archived_copy(staff_client) -> None:
    tool = ToolFactory(name="Forum de Dinan", url="https://forum.dinan.example/")
    put_in_review(tool)
    response = act(staff_client, "mark_ended", tool)
    text = page_text(response)
    assert "Forum de Dinan" in text and "Année d'arrêt" in text and "Adresse archivée" in text
    assert (
        'href="https://web.archive.org/web/*/https%3A%2F%2Fforum.dinan.example%2F"'
        in response.content.decode()
    )
    assert Tool.objects.get(pk=tool.pk).life_status == LifeStatus.ACTIVE  # nothing changed yet


def test_marking_a_tool_ended_records_it_in_its_history_and_keeps_it_published(
    staff_client, admin_user
) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    archive = "https://web.archive.org/web/2026/https://outil.example.org/"
    response = mark_ended(staff_client, tool, end_year="2026", archived_url=archive)
    assert "1 outil marqué arrêté" in page_text(response)
    tool = Tool.objects.get(pk=tool.pk)
    assert (tool.status, tool.life_status) == (ToolStatus.PUBLISHED, LifeStatus.ENDED)
    assert (tool.end_year, tool.archived_url) == (2026, archive)
    latest = tool.history.first()
    assert (latest.history_via, latest.history_user) == ("link-check", admin_user)
    assert tool.name not in page_text(staff_client.get(QUEUE))


def test_a_wrong_archived_address_is_shown_again_with_its_error_and_nothing_changes(staff_client) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    response = mark_ended(staff_client, tool, end_year="2026", archived_url="pas une adresse")
    text = page_text(response)
    assert "Saisissez une URL valide" in text
    assert 'value="pas une adresse"' in response.content.decode()
    assert Tool.objects.get(pk=tool.pk).life_status == LifeStatus.ACTIVE


def test_an_end_year_before_the_launch_is_refused_with_the_tool_s_name(staff_client) -> None:
    tool = ToolFactory(name="Carte de Vitré", launch_year=2020)
    put_in_review(tool)
    response = mark_ended(staff_client, tool, end_year="2018")
    assert "Carte de Vitré n'a pas été modifié" in page_text(response)
    assert Tool.objects.get(pk=tool.pk).life_status == LifeStatus.ACTIVE


def test_rechecking_now_goes_through_the_job_queue(staff_client, site, run_jobs) -> None:
    tool = ToolFactory(url=site.url("/ok"))
    put_in_review(tool)  # the site has come back since
    response = act(staff_client, "recheck", tool)
    assert "Nouvelle vérification demandée pour 1 adresse" in page_text(response)
    assert site.paths() == []  # the request only queued the check
    run_jobs()
    assert site.paths() == ["/ok"]
    assert LinkCheck.objects.get(tool=tool).review == LinkReview.NONE
    assert tool.name not in page_text(staff_client.get(QUEUE))


def test_link_checks_cannot_be_added_or_deleted_by_hand(staff_client) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    assert staff_client.get(reverse("admin:links_linkcheck_add")).status_code == 403
    assert staff_client.get(reverse("admin:links_linkcheck_delete", args=[tool.pk])).status_code == 403


def test_a_checked_tool_can_still_be_deleted_and_its_check_goes_with_it(staff_client) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    delete = reverse("admin:tools_registry_tool_delete", args=[tool.pk])
    confirmation = page_text(staff_client.get(delete))
    assert "permission" not in confirmation
    staff_client.post(delete, {"post": "yes"})
    assert not Tool.objects.filter(pk=tool.pk).exists()
    assert not LinkCheck.objects.filter(tool_id=tool.pk).exists()
    # Alone, a check is still never deleted: its failures bring the tool to review.
    other = ToolFactory()
    put_in_review(other)
    change = staff_client.get(reverse("admin:links_linkcheck_change", args=[other.pk]))
    assert reverse("admin:links_linkcheck_delete", args=[other.pk]) not in change.content.decode()
