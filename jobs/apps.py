from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django_tasks.signals import task_started


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("File d'attente")

    def ready(self) -> None:
        from jobs.lifeline import rescue_now_and_then

        # Every app's jobs are declared in its tasks.py: imported here so that the admin knows their names.
        autodiscover_modules("tasks")
        # A worker takes up the jobs of workers lost meanwhile before its own (jobs.lifeline).
        task_started.connect(rescue_now_and_then, dispatch_uid="jobs.lifeline")
