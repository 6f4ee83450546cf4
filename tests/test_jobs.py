"""The job queue: jobs live and die with the write that causes them, carry no personal data, are retried
with a growing delay, and staff see them (read-only) in the admin."""

import json

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.queue import job
from tests.factories import TerritoryFactory, ToolFactory
from tests.helpers import form_submission
from tools_registry import services
from tools_registry.models import Tool, ToolStatus

pytestmark = pytest.mark.django_db


@job(label="Toujours en échec")
def always_fails(number: int) -> None:
    raise RuntimeError(f"failure {number}")


def proposal(**changes) -> services.ToolProposal:
    fields = {
        "name": "Forum malouin",
        "family": "forum",
        "url": "https://forum.example.org/",
        "description": "Un forum.",
        "objectives": ["idees"],
        "submitter_name": "Camille Agent",
        "submitter_email": "camille@example.org",
    }
    return services.ToolProposal(**(fields | changes))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_job_and_a_committed_one_its_jobs() -> None:
    collectivity = services.collectivity_for_territory(TerritoryFactory())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_tool(proposal=proposal(), collectivity=collectivity)
        raise RuntimeError("the request fails after the service")
    assert not Tool.objects.exists()
    assert not DBTaskResult.objects.exists()

    services.submit_tool(proposal=proposal(), collectivity=collectivity)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "tools_registry.tasks.acknowledge_submission",
        "tools_registry.tasks.notify_moderators",
    ]


def test_jobs_carry_ids_and_never_personal_data(client, run_jobs) -> None:
    client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    payloads = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    for personal in ("camille", "Camille", "Forum", "example.org"):
        assert personal not in payloads
    run_jobs()
    assert len(mail.outbox) == 2


def test_a_tool_name_with_a_line_break_is_still_announced(run_jobs) -> None:
    collectivity = services.collectivity_for_territory(TerritoryFactory())
    services.submit_tool(
        proposal=proposal(name="Forum\r\nmalouin\nBcc: x@example.org"), collectivity=collectivity
    )
    run_jobs()
    moderators = next(message for message in mail.outbox if message.to == ["moderation@localhost"])
    assert moderators.subject == "Nouvel outil à modérer : Forum malouin Bcc: x@example.org"
    assert moderators.bcc == []


def test_the_submitter_is_answered_in_the_language_of_the_form(client, run_jobs) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    run_jobs()
    receipt = next(message for message in mail.outbox if message.to == ["camille@example.org"])
    assert receipt.subject == "Your submission “Forum malouin” has been received"


def test_a_failing_job_is_retried_with_a_doubling_delay_then_given_up(settings, run_jobs) -> None:
    settings.JOB_MAX_ATTEMPTS, settings.JOB_RETRY_DELAY = 4, 30
    always_fails.enqueue(7)
    for _attempt in range(4):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_jobs()
    attempts = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [(row.status, row.args_kwargs) for row in attempts] == [
        ("FAILED", {"args": [7], "kwargs": {"attempt": n}}) for n in (1, 2, 3, 4)
    ]
    assert all("failure 7" in row.traceback for row in attempts)


def test_a_retry_waits_longer_after_each_failure(settings, run_jobs) -> None:
    settings.JOB_RETRY_DELAY = 30
    always_fails.enqueue(1)
    delays = []
    for _attempt in range(3):
        run_jobs()
        retry = DBTaskResult.objects.get(status="READY")
        delays.append(round((retry.run_after - retry.enqueued_at).total_seconds()))
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert delays == [30, 60, 120]


def test_the_moderation_decision_reaches_the_submitter(admin_user, run_jobs) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    services.approve_tool(tool=tool, moderator=admin_user)
    run_jobs()
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
    assert "est désormais publié" in mail.outbox[0].body


def test_a_decision_replaced_before_its_email_left_sends_only_the_last(admin_user, run_jobs) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    services.approve_tool(tool=tool, moderator=admin_user)
    services.reject_tool(tool=tool, moderator=admin_user, reason="Doublon")
    run_jobs()
    assert len(mail.outbox) == 1
    assert "n'a pas été retenu" in mail.outbox[0].body


def test_staff_read_the_queue_and_cannot_change_it(admin_client, run_jobs) -> None:
    always_fails.enqueue(3)
    run_jobs()
    changelist = admin_client.get(reverse("admin:jobs_queuedjob_changelist"))
    assert changelist.status_code == 200
    assert "Toujours en échec" in changelist.content.decode()
    assert reverse("admin:jobs_queuedjob_add") not in changelist.content.decode()
    failed = DBTaskResult.objects.get(status="FAILED")
    change_url = reverse("admin:jobs_queuedjob_change", args=[failed.pk])
    page = admin_client.get(change_url).content.decode()
    assert "failure 3" in page
    assert admin_client.post(change_url, {"status": "SUCCESSFUL"}).status_code == 403
    failed.refresh_from_db()
    assert failed.status == "FAILED"
