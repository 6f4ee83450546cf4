import logging

from django.utils.translation import gettext_lazy

from jobs.queue import job
from tools_registry.links import services

logger = logging.getLogger(__name__)


@job(label=gettext_lazy("Vérification des adresses des outils"))
def check_links(tool_ids: list[int] | None = None) -> None:
    """A link-check pass over every checked tool, or over `tool_ids` ("recheck now" in the admin).

    A pass that fails (the database went away) is tried again later, like any job.
    """
    summary = services.run_pass(tool_ids=tool_ids)
    logger.info("Link check pass: %s", summary.as_dict())
