"""The queue in the admin, read-only: what each job is, its attempt, and the jobs that gave up."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from jobs.models import QueuedJob
from jobs.queue import LABELS

GIVEN_UP = "abandonnes"


class OutcomeFilter(admin.SimpleListFilter):
    title = _("issue")
    parameter_name = "issue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(GIVEN_UP, _("Abandonnés (plus aucun essai prévu)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.given_up() if self.value() == GIVEN_UP else queryset


class JobKindFilter(admin.SimpleListFilter):
    title = _("travail")
    parameter_name = "travail"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return sorted(((path, str(label)) for path, label in LABELS.items()), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(task_path=self.value()) if self.value() else queryset


# One entry in the admin, in French: the backend's own (English) entry is replaced by this one.
admin.site.unregister(DBTaskResult)


@admin.register(QueuedJob)
class QueuedJobAdmin(DBTaskResultAdmin):
    list_display = ["label", "status", "attempt", "enqueued_at", "display_run_after", "finished_at"]
    list_filter = [OutcomeFilter, "status", JobKindFilter]
    date_hierarchy = "enqueued_at"

    @admin.display(description=_("travail"))
    def label(self, job: QueuedJob) -> str:
        return LABELS.get(job.task_path, job.task_path)

    @admin.display(description=_("essai"))
    def attempt(self, job: QueuedJob) -> int | None:
        return job.attempt
