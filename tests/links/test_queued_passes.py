"""A pass on the job queue: cut into small batches that wait behind every other job, so that a pass
never holds up an email, while each host is still fetched politely."""

from datetime import timedelta
from itertools import combinations
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from jobs import lifeline
from jobs.models import QueuedJob
from tests.factories import TerritoryFactory, ToolFactory
from tests.helpers import form_submission
from tests.links.conftest import PUBLIC_IP
from tools_registry.links.models import LinkCheck, LinkOutcome
from tools_registry.links.services import plan_pass
from tools_registry.links.tasks import check_link_batch, check_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_at_a_time(settings) -> None:
    """One address checked at a time: a batch of the queue holds one address."""
    settings.LINK_CHECK_CONCURRENCY = 1


def tools_on_hosts(site, network, count: int) -> list:
    tools = []
    for number in range(count):
        host = f"site-{number}.test"
        network.names[host] = [PUBLIC_IP]
        tools.append(ToolFactory(url=site.url("/ok", host=host)))
    return tools


def test_an_email_queued_during_a_pass_goes_out_before_the_rest_of_the_pass(
    client, site, network, one_at_a_time, run_jobs
) -> None:
    tools = tools_on_hosts(site, network, 5)
    check_links.enqueue()
    run_jobs(2)  # the worker has started the pass
    fetched = len(site.seen)
    assert 0 < fetched < len(tools)

    client.post(reverse("tools_registry:tool_submit"), form_submission(TerritoryFactory()))
    run_jobs(2)  # the worker's next two jobs
    assert sorted(message.to[0] for message in mail.outbox) == ["camille@example.org", "moderation@localhost"]
    assert len(site.seen) == fetched  # the pass waited

    run_jobs()
    assert len(site.seen) == len(tools)
    assert [check.outcome for check in LinkCheck.objects.all()] == [LinkOutcome.OK] * len(tools)


def test_the_addresses_of_one_host_are_fetched_one_batch_after_the_other_the_host_delay_apart(
    site, one_at_a_time, settings, run_jobs
) -> None:
    settings.LINK_CHECK_HOST_DELAY = 30
    for number in range(3):
        ToolFactory(url=site.url(f"/ok?page={number}"))
    check_links.enqueue()
    run_jobs()
    assert len(site.seen) == 1
    for fetched in (2, 3):
        run_jobs()
        assert len(site.seen) == fetched - 1  # the host's next address waits
        (following,) = QueuedJob.objects.filter(status=TaskResultStatus.READY)
        previous = QueuedJob.objects.filter(status=TaskResultStatus.SUCCESSFUL).latest("finished_at")
        assert following.run_after >= previous.started_at + timedelta(seconds=30)
        QueuedJob.objects.filter(pk=following.pk).update(run_after=timezone.now())
        run_jobs()
        assert len(site.seen) == fetched
    assert site.most_in_flight == 1
    assert LinkCheck.objects.filter(outcome=LinkOutcome.OK).count() == 3


def test_the_batches_are_labelled_for_staff(admin_client, site, run_jobs) -> None:
    ToolFactory(url=site.url("/ok"))
    check_links.enqueue()
    run_jobs()
    page = admin_client.get(reverse("admin:jobs_queuedjob_changelist")).content.decode()
    assert "Vérification des adresses des outils" in page
    assert "Vérification d&#x27;un lot d&#x27;adresses d&#x27;outils" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers' locks live in PostgreSQL")
def test_a_batch_whose_worker_was_killed_is_checked_again(
    site, network, one_at_a_time, settings, run_jobs
) -> None:
    settings.JOB_RETRY_DELAY = 0
    first, second = tools_on_hosts(site, network, 2)
    check_links.enqueue()
    run_jobs(1)  # the pass, cut into batches
    lost = QueuedJob.objects.filter(status=TaskResultStatus.READY).first()
    lost.claim("killed")  # a worker took that batch and was killed before it finished

    assert [row.pk for row in lifeline.rescue_abandoned()] == [lost.pk]
    run_jobs()

    assert {check.tool_id: check.outcome for check in LinkCheck.objects.all()} == {
        first.pk: LinkOutcome.OK,
        second.pk: LinkOutcome.OK,
    }


def test_a_pass_is_cut_into_batches_of_the_addresses_checked_at_once_each_host_in_one_chain(settings) -> None:
    settings.LINK_CHECK_CONCURRENCY = 2
    tools = [
        ToolFactory(url=url)
        for url in [
            "https://a.example.org/1",
            "https://a.example.org/2",
            "https://b.example.org/",
            "https://b.example.org/",  # one address, two tools
            "https://c.example.org/1",
            "https://c.example.org/2",
            "https://c.example.org/3",
        ]
    ]
    chains = plan_pass()
    urls = {tool.pk: tool.url for tool in tools}
    assert sorted(tool_id for chain in chains for batch in chain for tool_id in batch) == sorted(urls)
    assert all(len({urls[tool_id] for tool_id in batch}) <= 2 for chain in chains for batch in chain)
    hosts = [{urlsplit(urls[tool_id]).hostname for batch in chain for tool_id in batch} for chain in chains]
    assert all(not (one & other) for one, other in combinations(hosts, 2))
    assert [2, 1] in [[len(batch) for batch in chain] for chain in chains]  # c's three addresses


def waiting_batches() -> list[list]:
    """The batches queued and not run yet: their tool ids and the rest of their chain."""
    rows = QueuedJob.objects.filter(status=TaskResultStatus.READY, task_path=check_link_batch.module_path)
    return [[row.args_kwargs["args"][0], row.args_kwargs["kwargs"]["then"]] for row in rows]


def test_a_batch_run_twice_queues_the_rest_of_its_chain_once(site, one_at_a_time, settings, run_jobs) -> None:
    settings.LINK_CHECK_HOST_DELAY = 30
    first, second, third = (ToolFactory(url=site.url(f"/ok?page={number}")) for number in range(3))
    for _copy in range(2):  # the same batch queued twice, as a duplicated job would be
        check_link_batch.enqueue([first.pk], then=[[second.pk], [third.pk]])
    assert len(run_jobs()) == 2
    assert waiting_batches() == [[[second.pk], [[third.pk]]]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers' locks live in PostgreSQL")
def test_a_batch_tried_again_after_queuing_its_successor_does_not_queue_it_again(
    site, one_at_a_time, settings, run_jobs
) -> None:
    settings.LINK_CHECK_HOST_DELAY = 30
    settings.JOB_RETRY_DELAY = 0
    first, second = (ToolFactory(url=site.url(f"/ok?page={number}")) for number in range(2))
    check_link_batch.enqueue([first.pk], then=[[second.pk]])
    run_jobs()
    # Its worker was killed after the batch queued its successor, before the batch was marked done.
    batch = QueuedJob.objects.get(args_kwargs__args=[[first.pk]])
    QueuedJob.objects.filter(pk=batch.pk).update(status=TaskResultStatus.READY, finished_at=None)
    QueuedJob.objects.get(pk=batch.pk).claim("killed")
    lifeline.rescue_abandoned()
    run_jobs()  # the retry of the batch; its successor waits for the host delay
    assert len(site.seen) == 2  # the batch's address, checked twice
    assert waiting_batches() == [[[second.pk], []]]


def test_the_same_chain_in_a_later_pass_is_queued_again(site, one_at_a_time, run_jobs) -> None:
    first, second = (ToolFactory(url=site.url(f"/ok?page={number}")) for number in range(2))
    for _pass in range(2):
        check_link_batch.enqueue([first.pk], then=[[second.pk]])
        run_jobs()
        run_jobs()
    assert len(site.seen) == 4
    assert LinkCheck.objects.count() == 2
