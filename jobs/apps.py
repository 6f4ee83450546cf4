from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("File d'attente")

    def ready(self) -> None:
        # Every app's jobs are declared in its tasks.py: imported here so that the admin knows their names.
        autodiscover_modules("tasks")
