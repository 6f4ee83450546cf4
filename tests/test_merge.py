"""The moderators' side-by-side page of a pending tool and its candidates, and merging two tools."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CollectivityFactory, ToolFactory, ToolObjectiveFactory
from tests.helpers import page_text
from tools_registry.corrections import Correction
from tools_registry.links.models import LinkCheck, LinkOutcome
from tools_registry.merging import merge_tools
from tools_registry.models import Tool, ToolStatus
from tools_registry.provenance import DataSource, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def compare_url(tool: Tool) -> str:
    return reverse("admin:tools_registry_tool_duplicates", args=[tool.pk])


def record(tool: Tool, number: int) -> SourceRecord:
    source, _created = DataSource.objects.get_or_create(
        code="odf", defaults={"name": "Observatoire open data", "licence": "ODbL-1.0"}
    )
    now = timezone.now()
    return SourceRecord.objects.create(
        source=source, record_id=f"r{number}", tool=tool, first_seen=now, last_seen=now
    )


def test_a_pending_tool_is_shown_beside_its_candidates_field_by_field(staff_client) -> None:
    town = CollectivityFactory(name="Saint-Malo")
    published = ToolFactory(
        name="Budget participatif", url="https://budget.example/", collectivity=town, software="Decidim"
    )
    pending = ToolFactory(
        name="Budget participatif malouin",
        url="http://www.budget.example",
        collectivity=town,
        software="CONSUL",
        status=ToolStatus.PENDING,
        possible_duplicate=published,
    )
    ToolFactory(name="Sans rapport", url="https://autre.example/", collectivity=town)
    change = staff_client.get(reverse("admin:tools_registry_tool_change", args=[pending.pk]))
    assert compare_url(pending) in change.content.decode()

    response = staff_client.get(compare_url(pending))
    text = page_text(response)
    assert response.status_code == 200
    assert "Outil examiné Candidat 1 " in text and "Candidat 2" not in text
    assert "Sans rapport" not in text
    assert "Logiciel CONSUL Decidim" in text
    assert "Collectivité Saint-Malo = Saint-Malo" in text
    assert 'value="Garder ce candidat, y fusionner l’outil examiné"' in response.content.decode()


def test_a_tool_without_candidates_says_so(staff_client) -> None:
    pending = ToolFactory(status=ToolStatus.PENDING)
    text = page_text(staff_client.get(compare_url(pending)))
    assert "Aucun outil déjà référencé n'a la même adresse" in text


def test_the_side_by_side_page_costs_the_same_queries_with_more_candidates(staff_client) -> None:
    def count(candidates: int) -> int:
        town = CollectivityFactory()
        address = f"https://same-{candidates}.example/"
        pending = ToolFactory(url=address, collectivity=town, status=ToolStatus.PENDING)
        for number in range(candidates):
            tool = ToolFactory(url=f"{address}?utm_source={number}", collectivity=town)
            ToolObjectiveFactory(tool=tool)
            record(tool, number * 10 + candidates)
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(compare_url(pending))
        assert response.status_code == 200
        assert page_text(response).count("Candidat ") == candidates
        return len(context.captured_queries)

    assert count(1) == count(4)


@pytest.fixture
def pair(admin_user) -> tuple[Tool, Tool]:
    keep = ToolFactory(name="Budget participatif", url="https://budget.example/", software="")
    drop = ToolFactory(
        name="Budget participatif bis",
        url="https://www.budget.example",
        collectivity=keep.collectivity,
        software="Decidim",
        status=ToolStatus.PENDING,
    )
    ToolObjectiveFactory(tool=keep, objective="informer", rank=1)
    ToolObjectiveFactory(tool=drop, objective="informer", rank=1)
    ToolObjectiveFactory(tool=drop, objective="idees", rank=2)
    record(drop, 1)
    LinkCheck.objects.create(
        tool=drop, url=drop.url, checked_at=timezone.now(), outcome=LinkOutcome.OK, last_ok_at=timezone.now()
    )
    Correction.objects.create(tool=drop, kind="name", proposed_value="Budget participatif 2025")
    return keep, drop


def test_merging_keeps_objectives_sources_link_check_corrections_and_history(pair, admin_user) -> None:
    keep, drop = pair
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert [o.objective for o in keep.ranked_objectives()] == ["informer", "idees"]
    assert keep.software == "Decidim"  # an empty field takes the other's value
    assert keep.source_records.get().record_id == "r1"
    assert LinkCheck.objects.get(tool=keep).outcome == LinkOutcome.OK
    assert keep.corrections.get().proposed_value == "Budget participatif 2025"
    assert (drop.status, drop.merged_into) == (ToolStatus.ARCHIVED, keep)
    assert "Fusionné avec « Budget participatif »" in drop.moderation_reason
    for tool in (keep, drop):
        latest = tool.history.first()
        assert latest.history_user == admin_user
        assert latest.history_via == f"merge:{drop.pk}->{keep.pk}"
    assert drop.history.count() == 2  # its creation is still there


def test_the_merged_tools_address_redirects_permanently_to_the_kept_one(client, pair, admin_user) -> None:
    keep, drop = pair
    old_url = reverse("tools_registry:tool_detail", args=[drop.slug])
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()
    assert client.get(reverse("tools_registry:tool_detail", args=["nulle-part"])).status_code == 404


def test_the_merged_tools_api_address_redirects_too(client, pair, admin_user) -> None:
    keep, drop = pair
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    response = client.get(reverse("api:tool-detail", args=[drop.slug]))
    assert response.status_code == 301
    assert response["Location"] == reverse("api:tool-detail", args=[keep.slug])
    assert client.get(reverse("api:tool-detail", args=["nulle-part"])).status_code == 404


def test_a_later_merge_carries_the_earlier_redirects_along(client, pair, admin_user) -> None:
    keep, drop = pair
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    final = ToolFactory(url="https://budget.example/", collectivity=keep.collectivity)
    merge_tools(keep=final, drop=keep, moderator=admin_user)
    response = client.get(reverse("tools_registry:tool_detail", args=[drop.slug]))
    assert response["Location"] == final.get_absolute_url()


def test_a_tool_merged_into_an_unpublished_one_is_not_found(client, pair, admin_user) -> None:
    keep, drop = pair
    merge_tools(keep=drop, drop=keep, moderator=admin_user)  # the pending one kept
    assert client.get(reverse("tools_registry:tool_detail", args=[keep.slug])).status_code == 404


def test_a_tool_cannot_be_merged_with_itself_or_twice(pair, admin_user) -> None:
    keep, drop = pair
    with pytest.raises(ValidationError):
        merge_tools(keep=keep, drop=keep, moderator=admin_user)
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    with pytest.raises(ValidationError):
        merge_tools(keep=keep, drop=drop, moderator=admin_user)


def test_staff_merge_from_the_side_by_side_page(staff_client, pair) -> None:
    keep, drop = pair
    response = staff_client.post(compare_url(drop), {"keep": keep.pk, "drop": drop.pk}, follow=True)
    assert "« Budget participatif bis » a été fusionné dans « Budget participatif »" in page_text(response)
    assert Tool.objects.get(pk=drop.pk).merged_into == keep


def test_the_merge_form_refuses_a_tool_that_is_not_compared(staff_client, pair) -> None:
    _keep, drop = pair
    stranger = ToolFactory()
    response = staff_client.post(compare_url(drop), {"keep": stranger.pk, "drop": drop.pk}, follow=True)
    assert "Choisissez deux des outils comparés." in page_text(response)
    assert Tool.objects.get(pk=drop.pk).merged_into is None


def test_the_side_by_side_page_is_for_staff_only(client, pair) -> None:
    _keep, drop = pair
    response = client.get(compare_url(drop))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_side_by_side_page_shows_hostile_names_escaped(staff_client) -> None:
    name = "Outil </script><script>alert(1)</script><b id=injected>"
    town = CollectivityFactory(name='Saint-Jean "d\'Angély" & <i>Cie</i>')
    published = ToolFactory(name=name, url="https://x.example/", collectivity=town)
    pending = ToolFactory(name=name, url="https://x.example/", collectivity=town, status=ToolStatus.PENDING)
    body = staff_client.get(compare_url(pending)).content.decode()
    assert "<script>alert(1)" not in body and "<b id=injected>" not in body and "<i>Cie</i>" not in body
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert published.name in page_text(staff_client.get(compare_url(pending)))


def test_merging_keeps_a_newer_check_of_the_kept_tool(pair, admin_user) -> None:
    keep, drop = pair
    earlier = timezone.now() - datetime.timedelta(days=3)
    LinkCheck.objects.create(
        tool=keep,
        url=keep.url,
        checked_at=earlier,
        outcome=LinkOutcome.DNS,
        first_failure_at=earlier,
        consecutive_failures=1,
    )
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    assert LinkCheck.objects.get(tool=keep).outcome == LinkOutcome.DNS


def test_the_submitter_of_a_proposal_merged_away_is_told_with_the_kept_tool_s_address(
    pair, admin_user, run_jobs, mailoutbox
) -> None:
    keep, drop = pair
    drop.submitter_email = "bob@example.org"
    drop.save()
    merge_tools(keep=keep, drop=drop, moderator=admin_user)
    run_jobs()
    (email,) = [message for message in mailoutbox if message.to == ["bob@example.org"]]
    assert "figurait déjà au registre, ou y avait déjà été proposé" in email.body
    assert keep.get_absolute_url() in email.body
