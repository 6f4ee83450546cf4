"""The mail server stalls or is away: requests never wait on it, nothing is lost, every email is retried."""

import logging
import socket
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from survey import invitations
from survey.models import EditionStatus, InvitationEmail
from tests.factories import ContactFactory, EditionFactory, SaintMaloFactory, TerritoryFactory
from tests.helpers import form_submission
from tools_registry.models import Tool, ToolStatus
from tools_registry.services import collectivity_for_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stalled_mail_server(settings) -> Iterator[None]:
    """A mail server that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)  # the system completes the connections; nothing ever reads or answers
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
        settings.EMAIL_TIMEOUT = 1
        yield


def make_due(jobs) -> None:
    jobs.update(run_after=timezone.now())


def test_a_submission_succeeds_while_the_mail_server_stalls_and_is_told_once_it_answers(
    client, stalled_mail_server, settings, run_jobs
) -> None:
    response = client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    assert response.status_code == 302
    assert response.url == reverse("tools_registry:tool_submit_done")
    assert Tool.objects.get().status == ToolStatus.PENDING
    assert DBTaskResult.objects.filter(task_path="tools_registry.tasks.notify_moderators").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_jobs()
    moderators = next(message for message in mail.outbox if message.to == settings.MODERATOR_EMAILS)
    assert moderators.subject == "Nouvel outil à modérer : Forum malouin"


def test_a_failed_email_is_recorded_and_tried_again_later(
    client, stalled_mail_server, settings, run_jobs, caplog
) -> None:
    client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    with caplog.at_level(logging.WARNING, logger="jobs.queue"):
        failed = run_jobs()
    assert {job.status for job in failed} == {"FAILED"}
    assert all("timed out" in job.traceback for job in failed)
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 2
    assert all(retry.args_kwargs["kwargs"]["attempt"] == 2 for retry in retries)
    assert all(retry.run_after > timezone.now() for retry in retries)
    assert "next attempt in 60 s" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_jobs() == []  # not due yet
    make_due(retries)
    assert {job.status for job in run_jobs()} == {"SUCCESSFUL"}
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "camille@example.org",
        "moderation@localhost",
    ]


def test_an_email_that_fails_every_attempt_gives_up_with_an_error_staff_can_see(
    client, admin_client, settings, run_jobs, caplog
) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "tests.test_mail_outage.BrokenBackend"
    client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    with caplog.at_level(logging.ERROR, logger="jobs.queue"):
        for _attempt in range(3):
            make_due(DBTaskResult.objects.filter(status="READY"))
            run_jobs()
    attempts = DBTaskResult.objects.filter(task_path="tools_registry.tasks.notify_moderators")
    assert [
        (job.status, job.args_kwargs["kwargs"]["attempt"]) for job in attempts.order_by("enqueued_at")
    ] == [
        ("FAILED", 1),
        ("FAILED", 2),
        ("FAILED", 3),
    ]
    assert "Job notify_moderators gave up after 3 attempts" in caplog.text

    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "2 travaux de la file d'attente ont échoué à chaque essai" in index
    given_up = admin_client.get(reverse("admin:jobs_queuedjob_changelist"), {"issue": "abandonnes"})
    assert given_up.context["cl"].result_count == 2
    assert "Courriel aux modérateurs : nouvelle proposition" in given_up.content.decode()
    assert "Courriel au contributeur : proposition reçue" in given_up.content.decode()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages: list) -> int:
        raise ConnectionRefusedError("mail server away")


def test_invitations_not_sent_during_an_outage_are_sent_once_it_ends(
    stalled_mail_server, settings, run_jobs
) -> None:
    edition = EditionFactory(status=EditionStatus.OPEN)
    collectivity = collectivity_for_territory(SaintMaloFactory())
    ContactFactory(edition=edition, collectivity=collectivity, email="camille@example.org")
    assert invitations.send_invitations(edition=edition).queued == 1
    assert [job.status for job in run_jobs()] == ["FAILED"]
    assert not InvitationEmail.objects.exists()
    # Running the command again while the retry waits adds nothing to the queue.
    assert invitations.send_invitations(edition=edition).queued == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due(DBTaskResult.objects.filter(status="READY"))
    run_jobs()
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
    assert InvitationEmail.objects.count() == 1
