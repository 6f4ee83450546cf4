"""Reading pages and files as a visitor would."""

import csv
import html
import io
import re
import threading
from collections.abc import Callable

from django.db import connection
from django.test import Client


def page_text(response) -> str:
    """What a reader sees: the page without its tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


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
