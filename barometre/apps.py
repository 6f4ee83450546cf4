from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BarometreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "barometre"
    verbose_name = _("Baromètre")

    def ready(self) -> None:
        from barometre import checks  # noqa: F401 — registers the checks of the production settings
        from barometre.results import signals  # noqa: F401 — connects the cache invalidation receivers


class BarometreAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the Baromètre's own admin site."""

    default = False
    default_site = "barometre.admin_site.BarometreAdminSite"
