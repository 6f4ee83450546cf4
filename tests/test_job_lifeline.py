"""A job left running by a worker that was killed is failed and tried again, by the next worker that
starts or by a live one before its next job; a job whose worker lives is never taken from it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection
from django_tasks.base import TaskResultStatus

from jobs import lifeline
from jobs.models import QueuedJob
from tests.factories import ToolFactory
from tools_registry import tasks

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers' locks live in PostgreSQL"),
]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def retried_at_once(settings) -> None:
    settings.JOB_RETRY_DELAY = 0
    settings.MODERATOR_EMAILS = ["moderation@example.org"]


@pytest.fixture
def signals_kept():
    """`db_worker` run in the tests' process installs its signal handlers: they are put back after."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def claimed_by(worker_id: str) -> QueuedJob:
    """The moderators' email about a new tool, claimed by `worker_id` as its worker does before running it."""
    result = tasks.notify_moderators.enqueue(ToolFactory(status="pending").pk)
    row = QueuedJob.objects.get(pk=result.id)
    row.claim(worker_id)
    return row


def lock_held(worker_id: str) -> bool:
    return lifeline.lock_key(worker_id) in lifeline._live_workers()


def wait_for(condition, what: str) -> None:
    for _attempt in range(300):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"still not {what} after 30 s")


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_killed_worker_runs_again_when_a_worker_starts(retried_at_once, signals_kept) -> None:
    database = connection.settings_dict
    environment = os.environ | {
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    # A real worker, serving a queue of its own so that it leaves this test's job alone.
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--worker-id",
            "doomed",
            "--queue-name",
            "other",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: lock_held("doomed"), "alive")
        row = claimed_by("doomed")  # the worker took the job and is running it

        assert lifeline.rescue_abandoned() == []  # alive: its job is its own
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING

        worker.send_signal(signal.SIGKILL)  # killed in the middle of the job
        worker.wait(timeout=30)
        wait_for(lambda: not lock_held("doomed"), "gone")
        assert QueuedJob.objects.get(pk=row.pk).status == TaskResultStatus.RUNNING  # as the kill left it
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)

    # The worker is started again (systemd's Restart=always): it takes the job up before anything else.
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, worker_id="successor", interval=0
    )

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "jobs.lifeline.WorkerStopped"
    retry = QueuedJob.objects.exclude(pk=row.pk).get(task_path=row.task_path)
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert retry.attempt == 2 and retry.args_kwargs["args"] == row.args_kwargs["args"]
    assert [message.to for message in mail.outbox] == [["moderation@example.org"]]


def test_a_live_worker_takes_up_a_lost_job_before_its_own(retried_at_once, monkeypatch, run_jobs) -> None:
    monkeypatch.setattr(lifeline, "RESCUE_INTERVAL", 0)
    lost = claimed_by("lost-on-another-machine")
    tasks.notify_moderators.enqueue(ToolFactory(status="pending").pk)

    with lifeline.alive("test-worker"):  # the worker of `run_jobs`, now telling that it lives
        run_jobs()

    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert (
        QueuedJob.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    )  # the lost one, and its own
    assert len(mail.outbox) == 2


def test_jobs_run_outside_a_worker_take_nothing_up(retried_at_once, monkeypatch, run_jobs) -> None:
    monkeypatch.setattr(lifeline, "RESCUE_INTERVAL", 0)
    lost = claimed_by("lost")
    tasks.notify_moderators.enqueue(ToolFactory(status="pending").pk)
    run_jobs()  # no worker's lock held in this process: not a worker, it rescues nothing
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.RUNNING


def test_a_worker_restarted_under_the_same_id_takes_up_the_job_of_its_former_process(
    retried_at_once,
) -> None:
    row = claimed_by("worker-1")  # then that process was killed; systemd starts it again, same id
    with lifeline.alive("worker-1"):
        assert [rescued.pk for rescued in lifeline.rescue_abandoned()] == [row.pk]


def test_a_worker_whose_connection_dropped_tells_again_that_it_lives(monkeypatch) -> None:
    monkeypatch.setattr(lifeline, "RESCUE_INTERVAL", 0)
    with lifeline.alive("steady"):
        backend = lifeline._lifeline.connection.info.backend_pid
        with connection.cursor() as cursor:  # the server drops the worker's own connection
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        wait_for(lambda: not lock_held("steady"), "dropped")
        next_job = tasks.notify_moderators.enqueue(ToolFactory(status="pending").pk)
        lifeline.rescue_now_and_then(task_result=next_job)  # before its next job
        assert lock_held("steady")  # its jobs are its own again for the other workers


def test_a_failure_while_taking_up_lost_jobs_does_not_fail_the_job_that_starts(
    retried_at_once, monkeypatch, run_jobs
) -> None:
    monkeypatch.setattr(lifeline, "RESCUE_INTERVAL", 0)

    def unreachable(**_kwargs) -> list:
        raise DatabaseError("the server went away")

    monkeypatch.setattr(lifeline, "rescue_abandoned", unreachable)
    tasks.notify_moderators.enqueue(ToolFactory(status="pending").pk)
    with lifeline.alive("test-worker"):
        run_jobs()
    assert [message.to for message in mail.outbox] == [["moderation@example.org"]]


def test_a_job_lost_at_its_last_attempt_is_given_up(settings) -> None:
    row = claimed_by("lost")
    row.args_kwargs["kwargs"]["attempt"] = settings.JOB_MAX_ATTEMPTS
    row.save(update_fields=["args_kwargs"])

    assert [rescued.pk for rescued in lifeline.rescue_abandoned()] == [row.pk]

    assert list(QueuedJob.objects.given_up().values_list("pk", flat=True)) == [row.pk]
    assert QueuedJob.objects.count() == 1  # no further attempt
