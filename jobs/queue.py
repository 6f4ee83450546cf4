"""Jobs: tasks of django-tasks (database backend) that are tried again, later, when they fail.

A job is enqueued inside the transaction of the write that causes it (`notify.enqueue(tool.pk)` in a
service): the database backend inserts the job's row in that transaction, so a rolled-back write
leaves no job and a committed one always has its job. (The rebuild of a cached view slow to build,
`tools_registry.tasks.refresh_cached`, has no write: the request that found the view out of date
enqueues it.) `manage.py db_worker` runs them. Arguments are ids, or a cached view's kind and its
filters chosen from lists; never personal data nor text a visitor typed: the job reads what it needs
when it runs.

django-tasks does not retry. Here, a job that raises is recorded as failed (with its traceback) and a
new row is enqueued for the next attempt, JOB_RETRY_DELAY × 2^(n-1) seconds after the n-th failure,
until JOB_MAX_ATTEMPTS attempts have failed: then the job gives up, logs an error, and staff find it
in the admin (*File d'attente*, "abandonnés"), where they may relaunch it (`relaunch`): a new first
attempt, retried the same way. Every attempt stays visible there. A job left running by
a worker that was killed is failed and tried again the same way (`jobs.lifeline`).
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult
from django_tasks_db.models import DBTaskResult

from jobs.models import RELAUNCHED_AS, QueuedJob

logger = logging.getLogger(__name__)

# The first key of the lock taken by `enqueue_once` (pg_locks.classid): "once" in ASCII.
ONCE_LOCK_SPACE = 0x6F6E6365

# What each job does, for the admin: {task path: label}.
LABELS: dict[str, str] = {}
# Jobs whose successful rows are kept fewer days than JOB_RESULT_RETENTION_DAYS: {task path: days}.
KEPT_DAYS: dict[str, int] = {}


@dataclass(frozen=True, kw_only=True)
class Job(Task):
    """A task whose every enqueued row carries its attempt number (1 for the first)."""

    def enqueue(self, *args, **kwargs) -> TaskResult:
        return Task.enqueue(self, *args, **{"attempt": 1, **kwargs})


def job(
    *, label: str, priority: int = DEFAULT_TASK_PRIORITY, kept_days: int | None = None
) -> Callable[[Callable[..., None]], Job]:
    """Declare a job (a module-level function taking ids); `label` says what it does, for staff;
    `kept_days`: how long its successful rows stay in the admin's queue, when shorter than for every
    job (a job run so often that its rows would hide the others)."""

    def declare(function: Callable[..., None]) -> Job:
        @functools.wraps(function)
        def attempt_job(*args, attempt: int, **kwargs) -> None:
            try:
                # In the site's language, whatever ran before in this process; a job may override it.
                with translation.override(settings.LANGUAGE_CODE):
                    function(*args, **kwargs)
            except BaseException:
                # BaseException: a worker stopped in the middle of a job also gets it tried again.
                _retry_later(declared, args, kwargs, attempt)
                raise

        declared = Job(
            func=attempt_job,
            priority=priority,
            backend=DEFAULT_TASK_BACKEND_ALIAS,
            queue_name=DEFAULT_TASK_QUEUE_NAME,
            run_after=None,
            takes_context=False,
        )
        LABELS[declared.module_path] = label
        if kept_days is not None:
            KEPT_DAYS[declared.module_path] = kept_days
        return declared

    return declare


def retry_delay(attempt: int) -> timedelta:
    """How long after the failure of attempt `attempt` the next one runs."""
    return timedelta(seconds=settings.JOB_RETRY_DELAY * 2 ** (attempt - 1))


def retry_abandoned(row: DBTaskResult) -> None:
    """Queue the next attempt of a job whose worker stopped while running it (`jobs.lifeline`), as if
    that attempt had raised."""
    kwargs = dict(row.args_kwargs.get("kwargs", {}))
    attempt = kwargs.pop("attempt", settings.JOB_MAX_ATTEMPTS)
    try:
        declared = row.task
    except ImportError:  # a job no longer in the code: nothing to run again
        logger.error("Job %s (id %s) was abandoned and no longer exists", row.task_path, row.pk)
        return
    _retry_later(declared, tuple(row.args_kwargs.get("args", [])), kwargs, attempt)


@transaction.atomic
def relaunch(*, jobs: QuerySet[QueuedJob]) -> tuple[list[QueuedJob], list[QueuedJob]]:
    """Queue a new first attempt, with the same arguments, of each given-up job among `jobs` (staff fixed
    what made it fail: the mail server, say). Return the jobs relaunched, and the given-up ones that
    could not be: their job is no longer in the code. The others are left alone.

    A relaunched row names its new job and leaves the given-up list: relaunched twice, it runs once.
    """
    relaunched, gone = [], []
    for row in jobs.given_up().select_for_update().order_by("enqueued_at"):
        try:
            declared = import_string(row.task_path)
        except ImportError:
            gone.append(row)
            continue
        kwargs = dict(row.args_kwargs.get("kwargs", {}))
        kwargs.pop("attempt", None)
        new = declared.enqueue(*row.args_kwargs.get("args", []), **kwargs)
        row.args_kwargs[RELAUNCHED_AS] = str(new.id)
        row.save(update_fields=["args_kwargs"])
        relaunched.append(row)
    return relaunched, gone


def enqueue_once(declared: Job, *args, run_after: datetime | None = None, **kwargs) -> TaskResult | None:
    """Queue `declared` with these arguments, unless a row of it with the same arguments is waiting
    (queued, a retry included, or running): a job that queues its successor and is retried, or was
    queued twice, queues that successor once. Return the new row, or None."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two copies of a job may run at once on two workers: each looks, then queues, in turn.
            key = int.from_bytes(hashlib.sha256(declared.module_path.encode()).digest()[:4]) >> 1
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (ONCE_LOCK_SPACE, key))
        same_arguments = {f"args_kwargs__kwargs__{name}": value for name, value in kwargs.items()}
        waiting = QueuedJob.objects.waiting(declared).filter(args_kwargs__args=list(args), **same_arguments)
        if waiting.exists():
            return None
        return declared.using(run_after=run_after).enqueue(*args, **kwargs)


def _retry_later(declared: Job, args: tuple, kwargs: dict, attempt: int) -> None:
    if attempt >= settings.JOB_MAX_ATTEMPTS:
        logger.error(
            "Job %s gave up after %d attempts (arguments %r %r)", declared.name, attempt, args, kwargs
        )
        return
    delay = retry_delay(attempt)
    declared.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
    logger.warning(
        "Job %s failed (attempt %d of %d); next attempt in %d s",
        declared.name,
        attempt,
        settings.JOB_MAX_ATTEMPTS,
        delay.total_seconds(),
    )
