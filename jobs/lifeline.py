"""Jobs left *Running* by a worker that stopped without finishing them, found and tried again.

A worker stopped by `SIGTERM` finishes its job first; one killed (`SIGKILL`, out of memory, a crash of
its machine) leaves the row of its job *Running* for ever, and nothing would run the job again.

So each worker, for as long as its process lives, holds a PostgreSQL advisory lock named after its id,
on a connection of its own (`alive`). PostgreSQL releases the lock as soon as the process is gone (for
a machine that vanished, once the server notices that the connection is dead). A running row whose
worker holds no such lock was abandoned: `rescue_abandoned` marks it failed ("the worker stopped") and
queues its next attempt, exactly as for a job that raised (`jobs.queue`). Every worker does so when it
starts, and again at most once a minute before a job, so a worker restarted after a kill takes up the
job at once, and a worker of another machine takes it up within a minute of the loss being noticed.
Before that, a worker checks its own connection and takes its lock again if the server dropped it (a
restart of PostgreSQL); in the moment between, another worker may take its running job for abandoned.

A worker restarted under the same id (`--worker-id`) finds the job of its former process running under
its own name: this process runs none yet, so that job was abandoned too. A lock name is 31 bits of a hash
of the worker's id: two live workers may share one, which only means that one of them, once dead, is
taken for alive while the other lives (its job waits, nothing runs twice). On SQLite (the embedded
default, one worker) there is no such lock and nothing is rescued.
"""

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django_tasks.base import TaskResult, TaskResultStatus
from psycopg import DatabaseError

from jobs.models import QueuedJob

logger = logging.getLogger(__name__)

# The first key of every worker's lock (pg_locks.classid): "jobs" in ASCII.
LOCK_SPACE = 0x6A6F6273
RESCUE_INTERVAL = 60.0


class WorkerStopped(Exception):
    """The worker running this job stopped before it finished (killed, or its machine lost)."""


class _Lifeline:
    connection = None
    worker_id: str | None = None
    last_rescue = 0.0


_lifeline = _Lifeline()


def lock_key(worker_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(worker_id.encode(), digest_size=4).digest(), "big") >> 1


def _postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


@contextmanager
def alive(worker_id: str) -> Iterator[None]:
    """Hold the lock that tells other workers that `worker_id` lives, until the block ends."""
    if not _postgresql():
        yield
        return
    _take_lock(worker_id)
    try:
        yield
    finally:
        _lifeline.connection.close()
        _lifeline.connection = _lifeline.worker_id = None


def _take_lock(worker_id: str) -> None:
    database = connections["default"]
    lifeline = database.get_new_connection(database.get_connection_params())
    lifeline.autocommit = True
    (taken,) = lifeline.execute(
        "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_SPACE, lock_key(worker_id))
    ).fetchone()
    if not taken:  # the same name held by another session: this worker is taken for alive all the same
        logger.warning("The lock of worker %s is held by another session", worker_id)
    _lifeline.connection, _lifeline.worker_id = lifeline, worker_id


def _live_workers() -> set[int]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objsubid = 2 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_SPACE],
        )
        return {int(objid) for (objid,) in cursor.fetchall()}


def rescue_abandoned(*, starting: str | None = None) -> list[QueuedJob]:
    """Fail every running job whose worker is gone and queue its next attempt; return the rows failed.
    `starting`: the id of a job this process is starting, never taken for abandoned."""
    if not _postgresql():
        return []
    from jobs.queue import retry_abandoned  # the retry policy, which imports the job declarations

    rescued = []
    with transaction.atomic():
        # Locked, skipping rows another worker is rescuing: each abandoned job is retried once.
        running = list(
            QueuedJob.objects.filter(status=TaskResultStatus.RUNNING)
            .exclude(pk=starting)
            .select_for_update(skip_locked=True)
        )
        live = _live_workers() if running else set()
        for row in running:
            worker = row.worker_ids[-1] if row.worker_ids else None
            # This process runs one job, `starting`: a row of its own id is a former process's (one
            # restarted with a fixed `--worker-id`).
            if worker is not None and worker != _lifeline.worker_id and lock_key(worker) in live:
                continue
            row.set_failed(WorkerStopped(f"the worker {worker or '?'} stopped while running this job"))
            retry_abandoned(row)
            rescued.append(row)
    for row in rescued:
        logger.warning("Job %s (id %s) was abandoned by a stopped worker", row.task_path, row.pk)
    return rescued


def rescue_now_and_then(*, task_result: TaskResult, **_signal) -> None:
    """Before a job of a worker that holds its lock, at most every RESCUE_INTERVAL seconds: the workers
    lost elsewhere meanwhile have their jobs taken up. (Outside a worker, e.g. a test's jobs: nothing.)"""
    lifeline = _lifeline.connection
    if lifeline is None:
        return
    now = time.monotonic()
    if now - _lifeline.last_rescue < RESCUE_INTERVAL:
        return
    _lifeline.last_rescue = now
    # Sent before the job runs: whatever fails here must not fail the job (it would not be retried).
    try:
        try:
            lifeline.execute("SELECT 1")
        except DatabaseError:  # the server restarted, say: the lock went with the connection
            lifeline.close()
            _take_lock(_lifeline.worker_id)
        rescue_abandoned(starting=task_result.id)
    except Exception:
        logger.exception("Taking up the jobs of stopped workers failed; next try in %d s", RESCUE_INTERVAL)
