"""Reading pages as a visitor would."""

import html
import re


def page_text(response) -> str:
    """What a reader sees: the page without its tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def external_resources(page: str) -> list[str]:
    """Scripts and stylesheets a page loads from another site: any address that is not a path of ours."""
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    return [source for source in sources if not source.startswith("/")]
