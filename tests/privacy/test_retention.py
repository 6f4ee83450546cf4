"""Retention: each kind of personal data is erased by the scheduled job once its time is up, not before."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import QueuedJob
from privacy.registry import months_before
from survey import services as survey_services
from survey import tasks
from survey.models import Answer, Contact, ContactImport, EditionStatus, InvitationEmail, Response
from tests.factories import EditionFactory
from tests.privacy.conftest import NAME, PERSON, answer_and_submit, propose, publish
from tools_registry import services
from tools_registry import tasks as registry_tasks
from tools_registry.models import Tool

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def retention() -> None:
    """Put the retention job on the queue, as cron does."""
    call_command("apply_retention", "--enqueue", stdout=io.StringIO())


def run_retention(run_jobs) -> None:
    retention()
    run_jobs()


def test_months_are_calendar_months() -> None:
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2025, 1, 15, tzinfo=UTC)


def test_a_contributors_details_go_twelve_months_after_moderation(saint_malo, admin_user, run_jobs) -> None:
    with time_machine.travel(START, tick=False):
        tool = services.approve_tool(tool=propose(saint_malo), moderator=admin_user)
        run_jobs()
    with time_machine.travel(START + timedelta(days=364), tick=False):
        run_retention(run_jobs)
        tool.refresh_from_db()
        assert tool.submitter_email == PERSON
    with time_machine.travel(START + timedelta(days=366), tick=False):
        run_retention(run_jobs)
    tool.refresh_from_db()
    assert (tool.submitter_name, tool.submitter_email) == ("", "")
    assert tool.status == Tool.Status.PUBLISHED and tool.name == "Budget participatif malouin"
    # The edit history follows the tool.
    assert not tool.history.exclude(submitter_email="").exists()
    assert tool.history.count() >= 2


def test_the_language_of_a_contributors_emails_goes_with_their_address(
    saint_malo, admin_user, run_jobs
) -> None:
    with time_machine.travel(START, tick=False):
        with translation.override("en"):
            tool = propose(saint_malo)
        services.approve_tool(tool=tool, moderator=admin_user)
        run_jobs()
    tool.refresh_from_db()
    assert tool.submitter_language == "en"
    with time_machine.travel(START + timedelta(days=366), tick=False):
        run_retention(run_jobs)
    tool.refresh_from_db()
    assert (tool.submitter_email, tool.submitter_language) == ("", "fr")


def test_the_language_of_a_respondents_answers_goes_with_their_identity(saint_malo, run_jobs) -> None:
    with time_machine.travel(START, tick=False):
        edition = EditionFactory(status=EditionStatus.OPEN)
        contact = Contact.objects.create(edition=edition, collectivity=saint_malo, email=PERSON, name=NAME)
        answer_and_submit(Client(HTTP_ACCEPT_LANGUAGE="en"), contact)
        publish(edition)
    response = Response.objects.get(edition=edition)
    assert response.language == "en"
    with time_machine.travel(START + timedelta(days=732), tick=False):
        run_retention(run_jobs)
    response.refresh_from_db()
    assert (response.respondent_email, response.language) == ("", "fr")
    assert response.is_counted


def test_the_period_is_a_setting(saint_malo, admin_user, run_jobs, settings) -> None:
    settings.SUBMITTER_DATA_RETENTION_MONTHS = 1
    with time_machine.travel(START, tick=False):
        tool = services.approve_tool(tool=propose(saint_malo), moderator=admin_user)
    with time_machine.travel(START + timedelta(days=32), tick=False):
        run_retention(run_jobs)
    tool.refresh_from_db()
    assert tool.submitter_email == ""


def test_a_proposal_waiting_for_moderation_keeps_its_contributor(saint_malo, run_jobs) -> None:
    with time_machine.travel(START, tick=False):
        tool = propose(saint_malo)
    with time_machine.travel(START + timedelta(days=800), tick=False):
        run_retention(run_jobs)
    tool.refresh_from_db()
    assert tool.submitter_email == PERSON


def test_survey_contacts_go_twenty_four_months_after_the_results_are_published(
    client, saint_malo, run_jobs
) -> None:
    with time_machine.travel(START, tick=False):
        edition = EditionFactory(status=EditionStatus.OPEN)
        contact = Contact.objects.create(
            edition=edition,
            collectivity=saint_malo,
            email=PERSON.lower(),
            name=NAME,
            role="Chargée de mission",
        )
        tasks.send_invitation.enqueue(contact_id=contact.pk, round=0)
        run_jobs()
        answer_and_submit(client, contact)
        publish(edition)
    answers = Answer.objects.filter(response__edition=edition).count()
    assert InvitationEmail.objects.filter(contact=contact).exists()
    with time_machine.travel(START + timedelta(days=700), tick=False):
        run_retention(run_jobs)
        contact.refresh_from_db()
        assert contact.name == NAME
    with time_machine.travel(START + timedelta(days=732), tick=False):
        run_retention(run_jobs)
    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.erased_at is not None) == ("", "", True)
    assert PERSON.lower() not in contact.email
    response = Response.objects.get(edition=edition)
    assert (response.respondent_name, response.respondent_email, response.respondent_role) == ("", "", "")
    assert not InvitationEmail.objects.filter(contact=contact).exists()
    # The answers stay, anonymous, and are still counted.
    assert Answer.objects.filter(response__edition=edition).count() == answers
    assert Response.objects.counted().filter(edition=edition).count() == 1
    # An erased contact's old link leads nowhere.
    assert client.get(contact.get_absolute_url()).status_code == 404


def test_contacts_of_an_edition_not_yet_published_are_kept(client, saint_malo, run_jobs) -> None:
    with time_machine.travel(START, tick=False):
        edition = EditionFactory(status=EditionStatus.OPEN)
        contact = Contact.objects.create(
            edition=edition, collectivity=saint_malo, email=PERSON.lower(), name=NAME
        )
    with time_machine.travel(START + timedelta(days=1500), tick=False):
        run_retention(run_jobs)
    contact.refresh_from_db()
    assert contact.name == NAME and contact.erased_at is None


def sign_in_attempt(username: str = "camille") -> AccessAttempt:
    return AccessAttempt.objects.create(
        user_agent="Navigateur",
        ip_address="203.0.113.9",
        username=username,
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="username=camille",
        failures_since_start=1,
    )


def test_admin_sign_in_attempts_go_after_the_set_number_of_days(run_jobs, settings) -> None:
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        old = sign_in_attempt()
    with time_machine.travel(START + timedelta(days=20), tick=False):
        recent = sign_in_attempt("dominique")
    with time_machine.travel(START + timedelta(days=31), tick=False):
        run_retention(run_jobs)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["dominique"]
    assert not AccessAttempt.objects.filter(pk=old.pk).exists() and recent.pk


def test_finished_jobs_go_after_the_set_number_of_days_and_waiting_ones_stay(
    saint_malo, run_jobs, settings
) -> None:
    settings.JOB_RESULT_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        propose(saint_malo)
        run_jobs()
    finished = set(QueuedJob.objects.values_list("pk", flat=True))
    assert finished and set(QueuedJob.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
    with time_machine.travel(START + timedelta(days=31), tick=False):
        waiting = propose(saint_malo, name="Forum malouin")
        retention()
        # The retention job itself runs; the waiting emails are due too but may run later: hold them.
        QueuedJob.objects.filter(task_path__startswith="tools_registry").exclude(pk__in=finished).update(
            run_after=START + timedelta(days=60)
        )
        run_jobs()
    left = set(QueuedJob.objects.values_list("pk", flat=True))
    assert not (finished & left)
    assert QueuedJob.objects.filter(args_kwargs__args__0=waiting.pk, status=TaskResultStatus.READY).exists()


def test_a_contacts_file_left_unread_and_a_refused_one_s_report_go_after_the_jobs_days(
    admin_user, run_jobs, settings
) -> None:
    settings.JOB_RESULT_RETENTION_DAYS = 30
    edition = EditionFactory()
    with time_machine.travel(START, tick=False):
        survey_services.queue_contact_import(
            edition=edition,
            file_name="contacts.csv",
            data=f"email;name;role;collectivity_code\n{PERSON};{NAME};;\n".encode(),
            by=admin_user,
        )
        run_jobs()
        # A second file whose job never ran (the worker was down, or the job gave up).
        unread = survey_services.queue_contact_import(
            edition=edition, file_name="contacts-2.csv", data=PERSON.encode(), by=admin_user
        )
        DBTaskResult.objects.filter(status="READY").delete()
    refused = ContactImport.objects.get(file_name="contacts.csv")
    assert refused.status == ContactImport.Status.REFUSED and bytes(refused.data) == b""
    with time_machine.travel(START + timedelta(days=29), tick=False):
        run_retention(run_jobs)
    unread.refresh_from_db()
    assert bytes(unread.data) == PERSON.encode()
    with time_machine.travel(START + timedelta(days=31), tick=False):
        run_retention(run_jobs)
    assert [(bytes(upload.data), upload.report) for upload in ContactImport.objects.all()] == [
        (b"", ""),
        (b"", ""),
    ]
    assert ContactImport.objects.count() == 2  # what was uploaded, when and by whom stays


def test_the_map_s_rebuilds_leave_the_queue_after_a_day_and_the_emails_stay(
    saint_malo, run_jobs, settings
) -> None:
    settings.JOB_RESULT_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        propose(saint_malo)
        registry_tasks.refresh_cached.enqueue("map", "")
        run_jobs()
    with time_machine.travel(START + timedelta(days=2), tick=False):
        run_retention(run_jobs)
    kept = set(QueuedJob.objects.values_list("task_path", flat=True))
    assert "tools_registry.tasks.refresh_cached" not in kept
    assert {"tools_registry.tasks.notify_moderators", "tools_registry.tasks.acknowledge_submission"} <= kept


def test_expired_sessions_go(run_jobs) -> None:
    with time_machine.travel(START, tick=False):
        Session.objects.create(session_key="a" * 32, session_data="x", expire_date=START + timedelta(days=1))
        Session.objects.create(session_key="b" * 32, session_data="x", expire_date=START + timedelta(days=30))
    with time_machine.travel(START + timedelta(days=2), tick=False):
        run_retention(run_jobs)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_a_dry_run_lists_what_would_go_and_changes_nothing(saint_malo, admin_user, capsys) -> None:
    with time_machine.travel(START, tick=False):
        tool = services.approve_tool(tool=propose(saint_malo), moderator=admin_user)
        sign_in_attempt()
    with time_machine.travel(START + timedelta(days=400), tick=False):
        call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "rien n'est effacé" in out
    assert f"coordonnées du contributeur (tools_registry.Tool) : 1\n  {tool.pk}" in out
    assert "(axes.AccessAttempt) : 1" in out
    tool.refresh_from_db()
    assert tool.submitter_email == PERSON and AccessAttempt.objects.count() == 1


def test_an_edition_is_dated_when_its_results_are_first_published() -> None:
    with time_machine.travel(START, tick=False):
        edition = EditionFactory(status=EditionStatus.OPEN)
        assert edition.results_published_at is None
        publish(edition)
    with time_machine.travel(START + timedelta(days=10), tick=False):
        edition.title = "Baromètre 2016, titre corrigé"
        edition.save()
    edition.refresh_from_db()
    assert edition.results_published_at == START
