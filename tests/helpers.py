"""Reading pages and files as a visitor would."""

import csv
import html
import io
import re
import threading
from collections.abc import Callable
from html.parser import HTMLParser

from django.db import connection
from django.test import Client


def page_text(response) -> str:
    """What a reader sees: the page without its tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Outline(HTMLParser):
    """Each element with an id, its attributes, its text and the fieldset around it."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        fieldset = next((element for element in reversed(self.open) if element["tag"] == "fieldset"), None)
        element = {"tag": tag, "attrs": dict(attrs), "text": [], "fieldset": fieldset, "legend": None}
        if tag == "legend" and fieldset is not None and fieldset["legend"] is None:
            fieldset["legend"] = element
        if element["attrs"].get("id"):
            self.by_id[element["attrs"]["id"]] = element
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index]["tag"] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element["text"].append(data)

    def text(self, element: dict | None) -> str:
        return " ".join("".join(element["text"]).split()) if element else ""

    def description(self, element: dict) -> str:
        """What a screen reader reads after the element's name: the text of the elements its
        aria-describedby names; an id that names no element adds nothing, as in a browser."""
        ids = (element["attrs"].get("aria-describedby") or "").split()
        return " ".join(filter(None, (self.text(self.by_id.get(id_)) for id_ in ids)))


def description(page: str, element_id: str) -> str:
    """The accessible description of the element with this id (its aria-describedby)."""
    outline = _Outline(page)
    return outline.description(outline.by_id[element_id])


def group(page: str, element_id: str) -> tuple[str, str]:
    """The name (legend) and description of the fieldset around the element with this id; ("", "")
    outside any fieldset."""
    outline = _Outline(page)
    fieldset = outline.by_id[element_id]["fieldset"]
    if fieldset is None:
        return "", ""
    return outline.text(fieldset["legend"]), outline.description(fieldset)


def error_summary(page: str) -> list[tuple[str, str]]:
    """The summary of errors above a refused form: (the text of each link, the id it leads to); each id
    must name an element of the page."""
    outline = _Outline(page)
    summary = re.search(r'<div[^>]* id="form-errors"[^>]*>(.*?)</div>', page, re.S)
    assert summary, "the page has no error summary"
    links = [
        (" ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()), target)
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(1), re.S)
    ]
    missing = [target for _text, target in links if target not in outline.by_id]
    assert not missing, f"the summary links to ids the page lacks: {missing}"
    return links


def page_title(response) -> str:
    return " ".join(
        html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)).split()
    )


def external_resources(page: str) -> list[str]:
    """Scripts and stylesheets a page loads from another site: any address that is not a path of ours."""
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    return [source for source in sources if not source.startswith("/")]


def formula_cells(text: str) -> list[str]:
    """The cells of a CSV file that a spreadsheet would read as a formula (a number such as -1.5 is not)."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [
        cell
        for cell in cells
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not re.fullmatch(r"-?\d+(?:[.,]\d+)?", cell)
    ]


def at_once(send: Callable[[Client, int], object], count: int = 8) -> list:
    """Run `send` in `count` threads released together, each with its own client and connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(number: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            results[number] = send(client, number)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def api_submission(**changes) -> dict:
    """A tool proposed through the API, for Saint-Malo by its code; `changes` replace fields."""
    return {
        "name": "Budget participatif",
        "url": "https://budget.example.org/",
        "description": "Les habitants votent.",
        "family": "budget_participatif",
        "objectives": ["idees"],
        "territory_query": "35288",
        "submitter_name": "Camille",
        "submitter_email": "camille@example.org",
        "consent": True,
        **changes,
    }


def form_submission(territory, **changes) -> dict:
    """A tool proposed through the form for `territory`, picked in the autocomplete."""
    return {
        "name": "Forum malouin",
        "url": "https://forum.example.org/",
        "description": "Un forum.",
        "family": "forum",
        "objectives": ["idees"],
        "territory": territory.pk,
        "submitter_name": "Camille",
        "submitter_email": "camille@example.org",
        "consent": "on",
        **changes,
    }
