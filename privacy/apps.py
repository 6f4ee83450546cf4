from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Données personnelles")

    def ready(self) -> None:
        # Each app declares the personal data its models hold in its personal_data.py (privacy/registry.py).
        autodiscover_modules("personal_data")
