"""Nothing personal leaves the site: a person with a recognisable name and address proposes a tool and
answers the survey; every public page, download and API answer, and every log line, is searched for them."""

import io
import logging
import re
import smtplib
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from barometre.logs import JSONFormatter, Redact
from survey.models import Edition, EditionStatus
from tests.factories import EditionFactory
from tests.privacy.conftest import NAME, PERSON
from tools_registry import services
from tools_registry.models import Tool
from tools_registry.ratelimit import allow

pytestmark = pytest.mark.django_db
URL_ENCODED = PERSON.replace("@", "%40")


def site_handlers() -> set[logging.Handler]:
    """The site's log handler (the one every logger goes through, redaction included)."""
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django"))
        for handler in logger.handlers
        if any(isinstance(item, Redact) for item in handler.filters)
    }
    assert handlers, "the site's log handler was not found"
    return handlers


@pytest.fixture
def site_log() -> Iterator[io.StringIO]:
    """What the site's log handler writes."""
    written = io.StringIO()
    previous = [(handler, handler.setStream(written)) for handler in site_handlers()]
    yield written
    for handler, stream in previous:
        handler.setStream(stream)


def holds_the_person(text: str) -> bool:
    lowered = text.lower()
    return any(mark.lower() in lowered for mark in (PERSON, URL_ENCODED, NAME, "Privée-Unique", "Privee"))


def public_outputs(client, start: list[str], limit: int = 400) -> dict[str, str]:
    """Every page, download and API answer reachable from `start` by its links, survey links aside."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        seen[url] = text
        for link in re.findall(r'(?:href|src)="([^"#]+)"', text):
            link = link.replace("&amp;", "&")
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(("/admin", "/static")):
                continue
            if parts.path.startswith("/enquete/") or parts.path.startswith("/i18n/"):
                continue
            queue.append(link)
    return seen


def test_a_person_appears_in_no_public_output_nor_log(
    client, admin_user, saint_malo, answered_contact, run_jobs, site_log, monkeypatch
) -> None:
    submission = {
        "name": "Budget participatif malouin",
        "url": "https://budget.saint-malo.example/",
        "description": "Les habitants proposent et votent des projets.",
        "family": "budget_participatif",
        "objectives": ["idees"],
        "territory": saint_malo.territory.pk,
        "territory_query": "Saint-Malo",
        "submitter_name": NAME,
        "submitter_email": PERSON,
        "consent": "on",
        "website": "",
    }
    posted = client.post(reverse("tools_registry:tool_submit"), submission)
    assert not holds_the_person(client.get(posted.url).content.decode())
    # The mail server refuses the address: the job's error quotes it, the logs must not.
    refused = smtplib.SMTPRecipientsRefused({PERSON: (550, b"5.1.1 <" + PERSON.encode() + b"> unknown")})
    monkeypatch.setattr("jobs.mail.EmailMessage.send", lambda *args, **kwargs: (_ for _ in ()).throw(refused))
    run_jobs()
    for tool in Tool.objects.filter(status=Tool.Status.PENDING):
        services.approve_tool(tool=tool, moderator=admin_user)
    assert Tool.objects.published().filter(submitter_email__iexact=PERSON).count() == 2
    # Someone signs up through an open link with the same address.
    sign_up = EditionFactory(code="2027", status=EditionStatus.OPEN)
    identity = {
        "territory": saint_malo.territory.pk,
        "territory_query": "Saint-Malo",
        "name": NAME,
        "role": "Chargée de mission",
        "email": PERSON,
        "consent": "on",
    }
    sent = client.post(reverse("survey:open_link", args=[sign_up.code]), identity)
    assert not holds_the_person(client.get(sent.url).content.decode())
    # An address typed in the search box, and in a path that does not exist (a logged 404).
    client.get(reverse("tools_registry:tool_list"), {"q": PERSON})
    client.get(f"/outils/{PERSON}/")

    edition = Edition.objects.get(code="2016")
    tool = Tool.objects.published().first()
    outputs = public_outputs(
        client,
        [
            reverse("home"),
            reverse("tools_registry:tool_list"),
            reverse("tools_registry:tool_map"),
            reverse("opendata:index"),
            reverse("barometre:edition", args=[edition.code]),
            "/sitemap.xml",
            "/api/v1/tools/",
            "/api/v1/tools/?format=csv",
            "/api/v1/tools/?format=geojson",
            f"/api/v1/tools/{tool.slug}/",
            "/api/v1/collectivities/",
            f"/api/v1/collectivities/{saint_malo.slug}/",
            "/api/v1/barometre/editions/",
            f"/api/v1/barometre/editions/{edition.code}/indicators/",
            f"/donnees/barometre-{edition.code}-reponses.csv",
            reverse("privacy:notice"),
        ],
    )
    assert tool.get_absolute_url() in outputs and f"/donnees/barometre-{edition.code}-reponses.csv" in outputs
    assert len(outputs) > 20
    assert [url for url, text in outputs.items() if holds_the_person(text)] == []
    log = site_log.getvalue()
    assert "[courriel]" in log, "the refused address and the 404 were expected in the log, redacted"
    assert not holds_the_person(log)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_an_address_in_an_error_and_its_traceback_is_redacted(site_log, log_format) -> None:
    handler = next(iter(site_handlers()))
    previous = handler.formatter
    if log_format == "json":
        handler.setFormatter(JSONFormatter())
    try:
        raise ValueError(f"Recipient refused: {PERSON}")
    except ValueError:
        logging.getLogger("jobs.queue").exception("Job failed for %s", PERSON)
    finally:
        handler.setFormatter(previous)
    log = site_log.getvalue()
    assert "Job failed for [courriel]" in log and "Recipient refused: [courriel]" in log
    assert not holds_the_person(log)


def test_the_rate_limit_keeps_no_address_in_the_cache() -> None:
    address = "198.51.100.23"
    assert allow(scope="submission", key=address, limit=5)
    keys = list(cache._cache)  # the local-memory cache of the tests
    assert any("ratelimit:submission" in key for key in keys)
    assert not any(address in key for key in keys)
