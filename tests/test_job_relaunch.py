"""Staff relaunch a job that gave up (an email never sent) once its cause is fixed: a new attempt with
the same arguments; only given-up jobs, only by staff allowed to change the queue's jobs."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from jobs.models import QueuedJob
from tests.factories import ToolFactory
from tests.helpers import page_text
from tools_registry import services
from tools_registry.models import ToolStatus

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:jobs_queuedjob_changelist")
DECISION = "tools_registry.tasks.notify_moderation"


@pytest.fixture
def given_up_decision(settings, admin_user, run_jobs) -> QueuedJob:
    """The email telling a submitter that their tool is published, given up while the mail server was away;
    the mail server is back since."""
    settings.JOB_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "tests.test_mail_outage.BrokenBackend"
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="camille@example.org")
    services.approve_tool(tool=tool, moderator=admin_user)
    run_jobs()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return QueuedJob.objects.given_up().get(task_path=DECISION)


def relaunch(client, *jobs: QueuedJob):
    return client.post(
        QUEUE, {"action": "relaunch", ACTION_CHECKBOX_NAME: [job.pk for job in jobs]}, follow=True
    )


def test_a_given_up_email_relaunched_by_staff_is_sent(admin_client, given_up_decision, run_jobs) -> None:
    assert "1 travail de la file d'attente a échoué" in page_text(admin_client.get(reverse("admin:index")))

    response = relaunch(admin_client, given_up_decision)

    assert "1 travail relancé : un nouvel essai est dans la file d'attente." in page_text(response)
    new = QueuedJob.objects.get(task_path=DECISION, status="READY")
    assert new.args_kwargs["args"] == given_up_decision.args_kwargs["args"]
    assert new.attempt == 1
    run_jobs()
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]
    assert "est désormais publié" in mail.outbox[0].body
    assert "a échoué à chaque essai" not in page_text(admin_client.get(reverse("admin:index")))


def test_a_relaunched_job_that_fails_again_is_retried_and_can_be_relaunched_again(
    admin_client, given_up_decision, settings, run_jobs
) -> None:
    relaunch(admin_client, given_up_decision)
    settings.EMAIL_BACKEND = "tests.test_mail_outage.BrokenBackend"
    run_jobs()
    again = QueuedJob.objects.given_up().get()
    assert again.pk != given_up_decision.pk
    assert "1 travail relancé" in page_text(relaunch(admin_client, again))


def test_a_job_relaunched_twice_runs_once(admin_client, given_up_decision) -> None:
    relaunch(admin_client, given_up_decision)
    response = relaunch(admin_client, given_up_decision)
    refused = (
        "1 travail n'a pas été relancé : seuls les travaux abandonnés, et pas encore relancés, "
        "peuvent l'être."
    )
    assert refused in page_text(response)
    assert QueuedJob.objects.filter(task_path=DECISION, status="READY").count() == 1


def test_jobs_still_to_be_tried_are_refused(admin_client, admin_user, given_up_decision) -> None:
    tool = ToolFactory(status=ToolStatus.PENDING, submitter_email="dominique@example.org")
    services.reject_tool(tool=tool, moderator=admin_user, reason="Doublon")
    waiting = QueuedJob.objects.get(status="READY")
    response = relaunch(admin_client, waiting, given_up_decision)
    assert "1 travail relancé" in page_text(response)
    assert "1 travail n'a pas été relancé" in page_text(response)
    assert QueuedJob.objects.filter(status="READY").count() == 2  # the waiting one, and the relaunched one


def test_the_job_s_page_offers_to_relaunch_it_only_while_it_is_given_up(
    admin_client, given_up_decision
) -> None:
    page = reverse("admin:jobs_queuedjob_change", args=[given_up_decision.pk])
    assert "Relancer ce travail" in page_text(admin_client.get(page))
    relaunch(admin_client, given_up_decision)
    assert "Relancer ce travail" not in page_text(admin_client.get(page))


def test_staff_who_may_only_read_the_queue_cannot_relaunch(
    client, django_user_model, given_up_decision
) -> None:
    staff = django_user_model.objects.create_user("moderatrice", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_queuedjob"))
    client.force_login(staff)
    page = reverse("admin:jobs_queuedjob_change", args=[given_up_decision.pk])
    assert "Relancer" not in page_text(client.get(QUEUE))
    assert "Relancer ce travail" not in page_text(client.get(page))

    relaunch(client, given_up_decision)
    assert not QueuedJob.objects.filter(status="READY").exists()

    staff.user_permissions.add(Permission.objects.get(codename="change_queuedjob"))
    assert "1 travail relancé" in page_text(relaunch(client, given_up_decision))
