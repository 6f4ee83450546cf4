"""Personal data held by the libraries the site runs on: admin sign-in attempts, sessions, finished jobs."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus

from jobs.queue import KEPT_DAYS
from privacy.registry import DELETE, IN_TEXT, register


def _days_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


SIGN_IN = ["ip_address", "username", "user_agent"]
for model_label, label, fields in [
    (
        "axes.AccessAttempt",
        _("Tentatives de connexion à l'administration"),
        [*SIGN_IN, "get_data", "post_data"],
    ),
    ("axes.AccessFailureLog", _("Échecs de connexion à l'administration"), SIGN_IN),
    ("axes.AccessLog", _("Connexions à l'administration"), SIGN_IN),
]:
    register(
        model_label,
        label=label,
        fields=fields,
        email="username",
        erase=DELETE,
        due=lambda now: Q(attempt_time__lt=_days_before(now, settings.LOGIN_ATTEMPT_RETENTION_DAYS)),
    )


def _finished_jobs_due(now: datetime) -> Q:
    """Finished jobs after JOB_RESULT_RETENTION_DAYS; the successful rows of a job kept less, sooner."""
    due = Q(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=_days_before(now, settings.JOB_RESULT_RETENTION_DAYS),
    )
    for task_path, days in KEPT_DAYS.items():
        due |= Q(
            task_path=task_path,
            status=TaskResultStatus.SUCCESSFUL,
            finished_at__lt=_days_before(now, days),
        )
    return due


register(
    "django_tasks_database.DBTaskResult",
    label=_("Travaux terminés de la file d'attente"),
    fields=["args_kwargs", "traceback", "return_value"],
    # Arguments are ids, never addresses; an error message may still quote one (a refused recipient).
    email=f"traceback__{IN_TEXT}",
    erase=DELETE,
    due=_finished_jobs_due,
)


register(
    "sessions.Session",
    label=_("Sessions expirées"),
    fields=["session_data"],
    erase=DELETE,
    due=lambda now: Q(expire_date__lt=now),
)
