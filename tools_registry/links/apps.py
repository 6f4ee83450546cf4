from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tools_registry.links"
    label = "links"
    verbose_name = _("Adresses des outils")
