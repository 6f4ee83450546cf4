"""Shared fixtures.

Browser pages are driven in Debian's Chromium through Playwright, against the live test server. Every
request a page makes is recorded: tests assert that nothing leaves the test server. Map tiles are the
one exception by design: they are answered here with a blank image, never fetched.
"""

import base64
import copy
import math
import os
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import SaintMaloFactory
from tools_registry.models import Territory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL is not a PostgreSQL server)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts from an empty cache: no rate-limit count, cached page, map data or result of an
    earlier test leaks into it."""
    cache.clear()


@pytest.fixture(autouse=True)
def site_language_after_each_test() -> Iterator[None]:
    """A request in English leaves English active in the test's thread (the locale middleware activates a
    language and nothing deactivates it): the next test starts in the site's language, whatever ran
    before, even one that calls a command or a service without a request."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def rebuilt_by_the_request(monkeypatch) -> None:
    """After a change, what a test reads from the cache is rebuilt by the next request, never by a job,
    however long its build took on a busy machine; the tests of the rebuild by a job
    (test_registry_cache.py) lower SLOW_BUILD_SECONDS themselves."""
    monkeypatch.setattr("tools_registry.cache.SLOW_BUILD_SECONDS", math.inf)


@pytest.fixture
def saint_malo(db) -> Territory:
    """Saint-Malo in the territory reference."""
    return SaintMaloFactory()


@pytest.fixture
def queries(client) -> Callable[..., int]:
    """The number of queries a GET of `url` (with `params`) costs from an empty cache; the page must
    answer 200. Tests compare it for few and many rows: a page's cost must not grow with the data."""

    def count(url: str, params: dict | None = None) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, params or {})
        assert response.status_code == 200
        return len(context.captured_queries)

    return count


# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
TILE_HOST = "tiles.test.invalid"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Page:
    """A browser page on the live server, with the list of every request it made."""

    def __init__(self, page, base_url: str) -> None:
        self.page, self.base_url = page, base_url
        self.requests: list[str] = []
        # Sites of the test's own making (a page that frames the embeddable map), served on this machine.
        self.other_sites: set[str] = set()
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console", lambda message: message.type == "error" and self.console_errors.append(message.text)
        )
        page.route(
            f"https://{TILE_HOST}/**", lambda route: route.fulfill(body=BLANK_PNG, content_type="image/png")
        )

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def outside_requests(self) -> list[str]:
        server = urlparse(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlparse(url).netloc not in {server, TILE_HOST, *self.other_sites}
            and not url.startswith("data:")
        ]


def open_page(browser, live_server, settings, **context_options) -> Iterator[Page]:
    # The site's public address is the test server's: the map and the downloads write their links from it.
    settings.SITE_URL = live_server.url
    settings.MAP_TILES_URL = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:", f"https://{TILE_HOST}"]
    settings.CONTENT_SECURITY_POLICY = policy
    context = browser.new_context(locale="fr-FR", **context_options)
    page = Page(context.new_page(), live_server.url)
    page.page.set_default_timeout(15000)
    yield page
    context.close()
    assert page.outside_requests() == [], "the page reached outside the test server"
    blocked = [error for error in page.console_errors if "Content Security Policy" in error]
    assert blocked == [], "the Content-Security-Policy blocked part of the page"


@pytest.fixture
def web(browser, live_server, settings) -> Iterator[Page]:
    yield from open_page(browser, live_server, settings)


PHONE = {"width": 375, "height": 667}


@pytest.fixture
def phone(browser, live_server, settings) -> Iterator[Page]:
    """A page on a phone's screen, 375 by 667 CSS pixels, touched rather than clicked."""
    yield from open_page(browser, live_server, settings, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def run_jobs(monkeypatch) -> Callable[..., list]:
    """Run every job that is due, as `manage.py db_worker` does; return the rows of those that were due.
    `run_jobs(count)` stops after `count` jobs, as a worker would be found in the middle of its queue.

    The worker's own loop runs them (claim, run, record success or failure, enqueue the retry);
    only its closing of database connections is left out, since the test's transaction must survive.
    A retry planned for later is not due: tests that want it move its `run_after`.
    """
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run(count: int | None = None) -> list:
        due = list(DBTaskResult.objects.ready().values_list("pk", flat=True))
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=count,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        return list(DBTaskResult.objects.filter(pk__in=due).order_by("finished_at"))

    return run


@pytest.fixture
def staff_api(admin_user) -> APIClient:
    """The API as a staff member signed in with a token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    return client
