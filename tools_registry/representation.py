"""How every representation of the registry (the API's documents, the CSV, the GeoJSON) writes an address
of the site and a moment: one rule for each, so that a tool reads the same in all of them.

Addresses start with `SITE_URL`, the site's public address, never with the host a request named: behind
the reverse proxy that address is the only one known for sure (the `Host` and scheme the application sees
depend on how the proxy forwards them), a streamed file has the same addresses whoever asked for it, and
an answer cached publicly does not depend on the name it was reached by.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


def tool_page_address() -> Callable[[str], str]:
    """The absolute address of a tool's page from its slug: reversed once, for lists of any length."""
    page = settings.SITE_URL + reverse("tools_registry:tool_detail", kwargs={"slug": "SLUG"})
    return lambda slug: page.replace("SLUG", slug)


def iso_datetime(value: datetime | None) -> str | None:
    """A moment in ISO 8601, in the site's time zone with its offset (`Z` for UTC), as DRF's DateTimeField
    writes it, without its lookups of settings on every call: 1.5 µs instead of 10, and a page of fifty
    tools writes a hundred."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
