"""The queue in the admin, read-only: what each job is, its attempt, and the jobs that gave up, which
staff allowed to change jobs may relaunch."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from jobs.models import QueuedJob
from jobs.queue import LABELS, relaunch

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
    actions = ["relaunch"]

    def has_relaunch_permission(self, request: HttpRequest) -> bool:
        # The rows stay read-only (no change form); the permission to change jobs is the one to relaunch them.
        return request.user.has_perm("jobs.change_queuedjob")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        job = self.get_object(request, unquote(object_id))
        relaunchable = (
            job is not None
            and self.has_relaunch_permission(request)
            and QueuedJob.objects.given_up().filter(pk=job.pk).exists()
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "relaunchable": relaunchable}
        )

    @admin.action(description=_("Relancer les travaux abandonnés"), permissions=["relaunch"])
    def relaunch(self, request: HttpRequest, queryset: QuerySet) -> None:
        relaunched, gone = relaunch(jobs=queryset)
        if relaunched:
            count = len(relaunched)
            message = ngettext(
                "%d travail relancé : un nouvel essai est dans la file d'attente.",
                "%d travaux relancés : un nouvel essai de chacun est dans la file d'attente.",
                count,
            )
            self.message_user(request, message % count, messages.SUCCESS)
        if gone:
            count = len(gone)
            message = ngettext(
                "%d travail n'a pas été relancé : ce travail n'existe plus dans le site.",
                "%d travaux n'ont pas été relancés : ces travaux n'existent plus dans le site.",
                count,
            )
            self.message_user(request, message % count, messages.ERROR)
        refused = queryset.count() - len(relaunched) - len(gone)
        if refused:
            message = ngettext(
                "%d travail n'a pas été relancé : seuls les travaux abandonnés, et pas encore relancés, "
                "peuvent l'être.",
                "%d travaux n'ont pas été relancés : seuls les travaux abandonnés, et pas encore relancés, "
                "peuvent l'être.",
                refused,
            )
            self.message_user(request, message % refused, messages.WARNING)

    @admin.display(description=_("travail"))
    def label(self, job: QueuedJob) -> str:
        return LABELS.get(job.task_path, job.task_path)

    @admin.display(description=_("essai"))
    def attempt(self, job: QueuedJob) -> int | None:
        return job.attempt
