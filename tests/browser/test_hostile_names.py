"""Names typed by the public read as typed on every page: never run as script, never read as markup."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.factories import CollectivityFactory, TerritoryFactory, ToolFactory
from tools_registry.choices import ToolFamily
from tools_registry.models import Tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_NAMES = {
    "template-literal": "Parc ${alert(document.domain)} des Deux Rives",
    "backtick": "Ville `-alert(1)-` sur Mer",
    "script-end": "Bourg </script><script>alert(1)</script><!-- <img src=x onerror=alert(1)>",
    "markup-and-quotes": 'Saint-Jean "d\'Angély" & <b id=injected>Cie</b>',
}
FORUM = str(ToolFamily.FORUM.label)


@pytest.fixture(params=HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def tool(request) -> Tool:
    # A commune of the reference, so that its page compares it with its peers.
    collectivity = CollectivityFactory(
        name=request.param, latitude=48.11, longitude=-1.68, territory=TerritoryFactory(population=12000)
    )
    return ToolFactory(
        name=f"Outil {request.param}",
        family=ToolFamily.FORUM,
        collectivity=collectivity,
        software=request.param,
    )


@pytest.fixture
def dialogs(web) -> list[str]:
    opened: list[str] = []

    def record(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    web.page.on("dialog", record)
    return opened


def assert_nothing_ran_or_was_injected(web, dialogs: list[str]) -> None:
    assert dialogs == []
    injected = "img[src=x], #injected, script:not([src]):not([nonce])"
    assert web.page.locator(injected).count() == 0


def test_maps_show_hostile_names_as_typed(web, dialogs, tool) -> None:
    page, name = web.page, tool.collectivity.name

    web.goto(tool.get_absolute_url())
    page.locator(".small-map path.leaflet-interactive").hover(force=True)
    assert page.locator(".leaflet-tooltip").text_content() == name
    assert_nothing_ran_or_was_injected(web, dialogs)

    for path in ("/carte/", "/carte/embed/"):
        web.goto(path)
        page.wait_for_selector("body[data-map-ready='1']")
        marker = page.locator("path.leaflet-interactive")
        marker.hover(force=True)
        assert page.locator(".leaflet-tooltip").text_content() == f"{name} — {FORUM}"
        marker.click(force=True)
        popup = page.locator(".leaflet-popup-content .map-popup")
        popup.wait_for()
        assert popup.locator("strong").text_content() == tool.name
        assert popup.locator("div").first.text_content() == name
        assert_nothing_ran_or_was_injected(web, dialogs)


PAGES: dict[str, tuple[Callable[[Tool], str], Callable[[Tool], dict[str, str]]]] = {
    "catalogue": (
        lambda tool: "/outils/",
        lambda tool: {".card-title": tool.name, ".card-meta": f"{FORUM} · {tool.collectivity.name}"},
    ),
    "home": (
        lambda tool: "/",
        lambda tool: {".card-title": tool.name, ".card-meta": f"{FORUM} · {tool.collectivity.name}"},
    ),
    "tool": (
        lambda tool: tool.get_absolute_url(),
        lambda tool: {
            "h1": tool.name,
            f".facts a[href='{tool.collectivity.get_absolute_url()}']": tool.collectivity.name,
        },
    ),
    "ended tool replaced by it": (
        lambda tool: ToolFactory(life_status="ended", end_year=2023, replaced_by=tool).get_absolute_url(),
        lambda tool: {".life-ended a[href^='/outils/']": tool.name},
    ),
    "collectivity": (
        lambda tool: tool.collectivity.get_absolute_url(),
        lambda tool: {"h1": tool.collectivity.name, ".card-title": tool.name},
    ),
    "correction form": (
        lambda tool: reverse("tools_registry:tool_correct", args=[tool.slug]),
        lambda tool: {".corrected-tool .tool-name": tool.name},
    ),
    "correction sent": (
        lambda tool: reverse("tools_registry:tool_correct_done", args=[tool.slug]),
        lambda tool: {"a.tool-name": tool.name},
    ),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_pages_show_hostile_names_as_typed(web, dialogs, tool, page_name) -> None:
    path, expected = PAGES[page_name]
    web.goto(path(tool))
    for selector, text in expected(tool).items():
        assert web.page.locator(selector).text_content().strip() == text
    assert_nothing_ran_or_was_injected(web, dialogs)


def _peer(tool: Tool) -> Tool:
    """A commune of the same population band, whose page gives the hostile tool as an example."""
    peer = CollectivityFactory(name="Commune voisine", territory=TerritoryFactory(population=15000))
    return ToolFactory(name="Forum voisin", family=ToolFamily.FORUM, collectivity=peer)


INSIGHT_PAGES: dict[str, tuple[Callable[[Tool], str], Callable[[Tool], dict[str, str]]]] = {
    "software": (
        lambda tool: "/logiciels/",
        lambda tool: {
            "#famille-forum table.data tbody th": tool.software,
            "#famille-forum svg .chart-label": tool.software[:33].rstrip() + "…"
            if len(tool.software) > 34
            else tool.software,
        },
    ),
    "peers": (
        lambda tool: _peer(tool).collectivity.get_absolute_url(),
        lambda tool: {
            f"#comparables a[href='{tool.get_absolute_url()}']": tool.name,
        },
    ),
    "compare": (
        lambda tool: f"/collectivites/comparer/?c={tool.collectivity.slug}",
        lambda tool: {
            f"table.compare thead a[href='{tool.collectivity.get_absolute_url()}']": tool.collectivity.name,
            f"table.compare tbody a[href='{tool.get_absolute_url()}']": tool.name,
        },
    ),
}


@pytest.mark.parametrize("page_name", INSIGHT_PAGES)
def test_insight_pages_show_hostile_names_as_typed(web, dialogs, tool, page_name) -> None:
    path, expected = INSIGHT_PAGES[page_name]
    web.goto(path(tool))
    for selector, text in expected(tool).items():
        assert web.page.locator(selector).first.text_content().strip() == text
    assert_nothing_ran_or_was_injected(web, dialogs)


def test_the_peers_sentence_names_a_hostile_collectivity_as_typed(web, dialogs, tool) -> None:
    _peer(tool)
    web.goto(tool.collectivity.get_absolute_url())
    sentences = web.page.locator("#comparables .peer-sentences li").all_text_contents()
    assert any(f"; {tool.collectivity.name} en a un." in sentence for sentence in sentences)
    assert_nothing_ran_or_was_injected(web, dialogs)
