"""Recording checks: the review queue after N failures over M days, reset on success, nothing unpublished."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jobs.queue import LABELS
from tests.factories import ToolFactory
from tests.links.conftest import DAY0, FAILURE, SUCCESS, check, make_checker, put_in_review
from tools_registry.links.models import LinkCheck, LinkOutcome, LinkReview
from tools_registry.links.services import (
    checked_tools,
    keep_address,
    mark_tool_ended,
    run_pass,
)
from tools_registry.links.tasks import check_links
from tools_registry.models import LifeStatus, Tool, ToolStatus

pytestmark = pytest.mark.django_db


def in_queue(tool: Tool) -> bool:
    return LinkCheck.objects.to_review().filter(tool=tool).exists()


def test_a_tool_enters_the_review_queue_after_n_failures_spanning_m_days() -> None:
    tool = ToolFactory()
    # Four failures, but over six days only.
    assert [check(tool, FAILURE, day) for day in (0, 1, 2, 6)] == [False] * 4
    assert not in_queue(tool)
    assert check(tool, FAILURE, 7) is True
    assert in_queue(tool)
    link_check = LinkCheck.objects.get(tool=tool)
    assert (link_check.consecutive_failures, link_check.first_failure_at) == (5, DAY0)
    assert link_check.outcome == LinkOutcome.DNS


def test_failures_far_apart_but_too_few_do_not_queue_the_tool() -> None:
    tool = ToolFactory()
    check(tool, FAILURE, 0)
    check(tool, FAILURE, 20)
    assert not in_queue(tool)
    check(tool, FAILURE, 21)
    assert in_queue(tool)


def test_a_success_resets_the_counters_and_takes_the_tool_out_of_the_queue() -> None:
    tool = ToolFactory()
    put_in_review(tool)
    assert in_queue(tool)
    check(tool, SUCCESS, 9)
    link_check = LinkCheck.objects.get(tool=tool)
    assert (link_check.consecutive_failures, link_check.first_failure_at) == (0, None)
    assert link_check.last_ok_at == DAY0 + timedelta(days=9)
    assert not in_queue(tool)
    # A new failure starts a new streak.
    check(tool, FAILURE, 10)
    assert not in_queue(tool)
    assert LinkCheck.objects.get(tool=tool).first_failure_at == DAY0 + timedelta(days=10)


def test_checks_never_unpublish_nor_touch_the_tool() -> None:
    tool = ToolFactory()
    updated_at, history = tool.updated_at, tool.history.count()
    for day in range(0, 60, 3):
        check(tool, FAILURE, day)
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PUBLISHED
    assert tool.life_status == LifeStatus.ACTIVE
    assert (tool.updated_at, tool.history.count()) == (updated_at, history)


def test_a_new_address_leaves_the_queue_at_once_and_starts_afresh() -> None:
    tool = ToolFactory(url="https://ancien.example.org/")
    put_in_review(tool)
    tool.url = "https://nouveau.example.org/"
    tool.save()
    assert not in_queue(tool)
    check(tool, FAILURE, 9)
    assert LinkCheck.objects.get(tool=tool).consecutive_failures == 1


def test_an_address_kept_by_staff_stays_out_of_the_queue_until_it_fails_again_after_a_success(
    admin_user,
) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    keep_address(link_check=LinkCheck.objects.get(tool=tool), reviewer=admin_user)
    check(tool, FAILURE, 12)
    assert not in_queue(tool)
    assert LinkCheck.objects.get(tool=tool).review == LinkReview.KEPT
    check(tool, SUCCESS, 13)
    for day in (14, 18, 22):
        check(tool, FAILURE, day)
    assert in_queue(tool)


def test_a_tool_marked_ended_keeps_its_page_and_is_no_longer_checked(admin_user) -> None:
    tool = ToolFactory()
    put_in_review(tool)
    mark_tool_ended(link_check=LinkCheck.objects.get(tool=tool), reviewer=admin_user)
    tool.refresh_from_db()
    assert (tool.status, tool.life_status) == (ToolStatus.PUBLISHED, LifeStatus.ENDED)
    assert tool.history.first().history_via == "link-check"
    assert not in_queue(tool)
    assert tool not in checked_tools()


# --- passes over the registry, against local servers ---


def test_a_pass_checks_each_published_tool_and_sums_up(site) -> None:
    working = ToolFactory(url=site.url("/ok"))
    same_address = ToolFactory(url=site.url("/ok"))
    moved = ToolFactory(url=site.url("/chain/1"))
    gone = ToolFactory(url=site.url("/status/410"))
    unknown = ToolFactory(url="https://ancien-portail.invalid/")
    pending = ToolFactory(url=site.url("/status/500"), status=ToolStatus.PENDING)
    ended = ToolFactory(url=site.url("/status/404"), life_status=LifeStatus.ENDED, end_year=2024)

    summary = run_pass(checker=make_checker(), now=DAY0)

    assert summary.as_dict() == {
        "checked": 5,
        "reachable": 3,
        "failing": 2,
        "entered_review": 0,
        "to_review": 0,
    }
    # One address shared by two tools is fetched once.
    assert sorted(site.paths()) == ["/chain/0", "/chain/1", "/ok", "/ok", "/status/410"]
    checks = {link_check.tool_id: link_check for link_check in LinkCheck.objects.all()}
    assert set(checks) == {working.pk, same_address.pk, moved.pk, gone.pk, unknown.pk}
    assert checks[moved.pk].final_url == site.url("/ok")
    assert (checks[gone.pk].outcome, checks[gone.pk].status_code) == (LinkOutcome.HTTP_ERROR, 410)
    assert checks[unknown.pk].outcome == LinkOutcome.DNS
    assert checks[working.pk].checked_at == DAY0
    assert pending.pk not in checks and ended.pk not in checks


def test_failing_tools_reach_the_queue_over_successive_passes(site) -> None:
    ToolFactory(url=site.url("/ok"))
    gone = ToolFactory(url=site.url("/status/404"))
    summaries = [run_pass(checker=make_checker(), now=DAY0 + timedelta(days=day)) for day in (0, 4, 8)]
    assert [summary.entered_review for summary in summaries] == [0, 0, 1]
    assert summaries[-1].to_review == 1
    assert list(LinkCheck.objects.to_review().values_list("tool", flat=True)) == [gone.pk]


def test_requests_to_one_host_never_overlap(site, settings) -> None:
    settings.LINK_CHECK_CONCURRENCY = 4
    for number in range(6):
        ToolFactory(url=site.url(f"/slow?page={number}"))
    summary = run_pass(checker=make_checker())
    assert summary.reachable == 6
    assert site.most_in_flight == 1


def test_the_pass_is_a_job_of_the_queue_run_by_the_worker(site, run_jobs) -> None:
    tool = ToolFactory(url=site.url("/ok"))
    check_links.enqueue()
    assert site.seen == []  # nothing is fetched until the worker runs the job
    (ran,) = run_jobs()
    assert ran.task_path == "tools_registry.links.tasks.check_links"
    assert LinkCheck.objects.get(tool=tool).outcome == LinkOutcome.OK


def test_the_pass_job_is_labelled_for_staff() -> None:
    assert LABELS[check_links.module_path] == "Vérification des adresses des outils"


def test_a_pass_over_long_failing_tools_never_ends_nor_unpublishes_them(site) -> None:
    gone = ToolFactory(url=site.url("/status/404"))
    for day in range(0, 60, 4):
        run_pass(checker=make_checker(), now=DAY0 + timedelta(days=day))
    gone.refresh_from_db()
    assert (gone.status, gone.life_status) == (ToolStatus.PUBLISHED, LifeStatus.ACTIVE)
    assert gone.history.count() == 1  # its creation only
    assert in_queue(gone)


def test_the_command_runs_a_pass_now_and_prints_a_summary(site, capsys) -> None:
    ToolFactory(url=site.url("/ok"))
    ToolFactory(url=site.url("/status/500"))
    call_command("check_links")
    assert "Adresses vérifiées : 2 ; joignables : 1 ; en échec : 1" in capsys.readouterr().out


def test_the_command_can_put_the_pass_on_the_queue_instead(site, capsys) -> None:
    ToolFactory(url=site.url("/ok"))
    call_command("check_links", "--enqueue")
    assert "mise en file d'attente" in capsys.readouterr().out
    assert DBTaskResult.objects.get().task_path == "tools_registry.links.tasks.check_links"
    assert site.seen == [] and not LinkCheck.objects.exists()


def test_the_thresholds_are_settings(settings) -> None:
    settings.LINK_CHECK_FAILURES_BEFORE_REVIEW = 2
    settings.LINK_CHECK_DAYS_BEFORE_REVIEW = 30
    tool = ToolFactory()
    check(tool, FAILURE, 0)
    check(tool, FAILURE, 29)
    assert not in_queue(tool)
    check(tool, FAILURE, 30)
    assert in_queue(tool)


def test_a_malformed_stored_address_is_recorded_as_invalid(site) -> None:
    tool = ToolFactory()
    Tool.objects.filter(pk=tool.pk).update(url="htp//portail citoyen")  # as an old import may have left it
    ToolFactory(url=site.url("/ok"))
    summary = run_pass(checker=make_checker())
    assert (summary.checked, summary.reachable) == (2, 1)
    assert LinkCheck.objects.get(tool=tool).outcome == LinkOutcome.INVALID_ADDRESS
