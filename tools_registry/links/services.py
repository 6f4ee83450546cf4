"""Link checks on the registry: a pass over the published tools, and staff decisions on failing ones."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tools_registry.history import recorded_as
from tools_registry.links.checker import Checker, CheckResult, check_all, host_of
from tools_registry.links.models import LinkCheck, LinkReview
from tools_registry.models import LifeStatus, Tool


@dataclass
class PassSummary:
    checked: int = 0
    reachable: int = 0
    failing: int = 0
    entered_review: int = 0
    to_review: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def checked_tools() -> QuerySet[Tool]:
    """The tools whose address is checked: published, with an address, not known to have ended."""
    return Tool.objects.published().in_service().exclude(url="")


def _tools_by_url(tool_ids: Collection[int] | None) -> dict[str, list[int]]:
    tools = checked_tools()
    if tool_ids is not None:
        tools = tools.filter(pk__in=tool_ids)
    tools_by_url: dict[str, list[int]] = defaultdict(list)
    for tool_id, url in tools.order_by("url", "pk").values_list("pk", "url").iterator():
        tools_by_url[url].append(tool_id)
    return tools_by_url


def plan_pass(*, tool_ids: Collection[int] | None = None) -> list[list[list[int]]]:
    """A pass cut into batches for the job queue, each of LINK_CHECK_CONCURRENCY addresses at most (the
    addresses checked at once): chains of batches, each batch a list of tool ids.

    The batches of a chain are run one after the other: every address of a host is in one chain, so that
    two workers never fetch from one host at once. Hosts with few addresses share a batch; a host with
    more addresses than a batch holds has a chain of its own.
    """
    size = settings.LINK_CHECK_CONCURRENCY
    urls_by_host: dict[str, list[list[int]]] = defaultdict(list)
    for url, tool_ids_of_url in _tools_by_url(tool_ids).items():
        urls_by_host[host_of(url)].append(tool_ids_of_url)
    chains: list[list[list[int]]] = []
    shared: list[list[int]] = []  # the addresses of the batch being filled
    for urls in urls_by_host.values():
        if len(urls) > size:
            chains.append([_flat(urls[start : start + size]) for start in range(0, len(urls), size)])
            continue
        if len(shared) + len(urls) > size:
            chains.append([_flat(shared)])
            shared = []
        shared.extend(urls)
    if shared:
        chains.append([_flat(shared)])
    return chains


def _flat(urls: list[list[int]]) -> list[int]:
    return [tool_id for tool_ids in urls for tool_id in tool_ids]


def run_pass(
    *, tool_ids: Collection[int] | None = None, checker: Checker | None = None, now: datetime | None = None
) -> PassSummary:
    """Check the address of every checked tool (or of those of `tool_ids`) and record what was found.

    The network work runs in a small thread pool; every database write happens here, in this thread.
    """
    tools_by_url = _tools_by_url(tool_ids)
    summary = PassSummary()
    results = check_all(
        tools_by_url, checker=checker or Checker.from_settings(), workers=settings.LINK_CHECK_CONCURRENCY
    )
    for url, result in results:
        for tool_id in tools_by_url[url]:
            entered = record_result(tool_id=tool_id, url=url, result=result, at=now)
            summary.checked += 1
            summary.reachable += result.ok
            summary.failing += not result.ok
            summary.entered_review += entered
    summary.to_review = LinkCheck.objects.to_review().count()
    return summary


@transaction.atomic
def record_result(*, tool_id: int, url: str, result: CheckResult, at: datetime | None = None) -> bool:
    """Record one check of a tool's address; whether the tool has just entered the review queue."""
    at = at or timezone.now()
    link_check = LinkCheck.objects.select_for_update().filter(tool_id=tool_id).first()
    if link_check is None:
        link_check = LinkCheck(tool_id=tool_id, url=url)
    was_to_review = link_check.review == LinkReview.TO_REVIEW
    link_check.record(result, url=url, at=at)
    # The address is the tool's own, stored as it is: a malformed one is a failure to record, not an error.
    link_check.full_clean(exclude=["tool", "url"])
    link_check.save()
    return link_check.review == LinkReview.TO_REVIEW and not was_to_review


@transaction.atomic
def keep_address(*, link_check: LinkCheck, reviewer: AbstractBaseUser) -> None:
    """Staff checked the address by hand: it leaves the queue until it fails again after a success."""
    link_check.review = LinkReview.KEPT
    link_check.reviewed_at, link_check.reviewed_by = timezone.now(), reviewer
    link_check.save(update_fields=["review", "reviewed_at", "reviewed_by"])


@transaction.atomic
def mark_tool_ended(
    *, link_check: LinkCheck, reviewer: AbstractBaseUser, end_year: int | None = None, archived_url: str = ""
) -> None:
    """Staff found the tool gone: it is marked ended (in its history), never unpublished nor deleted.

    Only a staff decision from the review queue calls this: a failing address alone never changes a tool.
    """
    tool = link_check.tool
    with recorded_as("link-check"):
        tool.life_status = LifeStatus.ENDED
        tool.end_year = end_year or tool.end_year
        tool.archived_url = archived_url or tool.archived_url
        tool.full_clean()
        tool.save(update_fields=["life_status", "end_year", "archived_url", "updated_at"])
    link_check.review = LinkReview.ENDED
    link_check.reviewed_at, link_check.reviewed_by = timezone.now(), reviewer
    link_check.save(update_fields=["review", "reviewed_at", "reviewed_by"])
