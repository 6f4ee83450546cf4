"""The retention job: erases the personal data the retention rules say is due (privacy/registry.py)."""

import logging

from django.utils.translation import gettext_lazy

from jobs.queue import job
from privacy import services

logger = logging.getLogger(__name__)


@job(label=gettext_lazy("Effacement des données personnelles arrivées à échéance"))
def apply_retention() -> None:
    for entry, count in services.apply_retention():
        if count:
            logger.info("Retention: %d row(s) erased from %s", count, entry.model_label)
