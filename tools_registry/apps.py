from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolsRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tools_registry"
    verbose_name = _("Registre des outils")
