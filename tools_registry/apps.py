from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ToolsRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tools_registry"
    verbose_name = _("Registre des outils")

    def ready(self) -> None:
        from tools_registry import cache  # noqa: F401 - connects the cache invalidation signals
        from tools_registry.text import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="tools_registry_sqlite_functions")
