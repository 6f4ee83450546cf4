"""A link-check pass on the job queue: one job that cuts the pass into batches, then a job per batch.

A pass takes minutes (hours with real time-outs), and a worker runs one job at a time: as one job, a
pass would hold up every email behind it. Each batch is as long as one round of checks, and the pass's
jobs come after every other job (`PRIORITY`), so that an email queued during a pass waits for one batch
at most. A batch that fails, or whose worker was killed, is tried again like any job.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jobs.queue import enqueue_once, job
from tools_registry.links import services

logger = logging.getLogger(__name__)

# Below every other job: the emails (default priority, 0) and the survey's invitations (-10).
PRIORITY = -20


@job(label=gettext_lazy("Vérification des adresses des outils"), priority=PRIORITY)
def check_links(tool_ids: list[int] | None = None) -> None:
    """A link-check pass over every checked tool, or over `tool_ids` ("recheck now" in the admin): its
    batches are queued, and checked by the jobs `check_link_batch`."""
    chains = services.plan_pass(tool_ids=tool_ids)
    for first, *then in chains:
        check_link_batch.enqueue(first, then=then)
    logger.info("Link check pass: %d batches queued", sum(len(chain) for chain in chains))


@job(label=gettext_lazy("Vérification d'un lot d'adresses d'outils"), priority=PRIORITY, kept_days=1)
def check_link_batch(tool_ids: list[int], then: list[list[int]] | None = None) -> None:
    """Check the addresses of `tool_ids`, then queue the first batch of `then`: the next addresses of the
    same host, LINK_CHECK_HOST_DELAY seconds later, as within a batch. Once: a batch tried again, or
    queued twice, does not double the rest of its chain."""
    summary = services.run_pass(tool_ids=tool_ids)
    logger.info("Link check batch: %s", summary.as_dict())
    if then:
        following = timezone.now() + timedelta(seconds=settings.LINK_CHECK_HOST_DELAY)
        enqueue_once(check_link_batch, then[0], then=then[1:], run_after=following)
