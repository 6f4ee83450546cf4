from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

# The key of a given-up row's arguments naming the job staff relaunched it as (`jobs.queue.relaunch`):
# beside the arguments, which the backend reads by their own keys, so that no column is added to its table.
RELAUNCHED_AS = "relaunched_as"


class QueuedJobQuerySet(DBTaskResultQuerySet):
    def waiting(self, job: Task) -> "QueuedJobQuerySet":
        """The rows of `job` not run yet, or running now (a retry planned for later included)."""
        return self.filter(
            task_path=job.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )

    def given_up(self) -> "QueuedJobQuerySet":
        """Failed attempts that were the last allowed, not relaunched by staff: nothing will try these
        jobs again."""
        return (
            self.filter(status=TaskResultStatus.FAILED)
            .filter(
                Q(args_kwargs__kwargs__attempt__gte=settings.JOB_MAX_ATTEMPTS)
                | Q(args_kwargs__kwargs__attempt__isnull=True)
            )
            .exclude(args_kwargs__has_key=RELAUNCHED_AS)
        )


class QueuedJob(DBTaskResult):
    """The rows of the database backend, as staff see them in the admin."""

    objects = QueuedJobQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("travail")
        verbose_name_plural = _("travaux")

    @property
    def relaunched_as(self) -> str | None:
        return (self.args_kwargs or {}).get(RELAUNCHED_AS)

    @property
    def attempt(self) -> int | None:
        return (self.args_kwargs or {}).get("kwargs", {}).get("attempt")
