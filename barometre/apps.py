from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "barometre"
    verbose_name = _("Baromètre")

    def ready(self) -> None:
        from barometre import signals  # noqa: F401 — connects the cache invalidation receivers
