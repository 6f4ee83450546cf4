"""Maps drawn with folium, running only scripts the site serves itself.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default: `LocalMap` replaces
Leaflet by the copy installed from the npm registry and drops the rest. The tools are not written into
the page: `ToolLayer` adds a script that fetches the GeoJSON of the filtered list from the API in the
browser, so the page weighs the same whatever the number of tools.
"""

import json
from dataclasses import dataclass
from functools import lru_cache

import folium
from branca.element import MacroElement
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import Template

from tools_registry.areas import AREAS
from tools_registry.choices import ToolFamily

# Colour of each family's markers (contrasted on light tiles, distinguishable in the legend).
FAMILY_COLOURS = {
    ToolFamily.OPEN_DATA: "#0b4f8a",
    ToolFamily.BUDGET_PARTICIPATIF: "#a3182a",
    ToolFamily.FORUM: "#5a3d99",
    ToolFamily.CARTOGRAPHIE_PARTICIPATIVE: "#1b6e3a",
    ToolFamily.SONDAGE: "#b35300",
    ToolFamily.URBANISME_PARTICIPATIF: "#00767a",
    ToolFamily.AUTRE: "#555555",
}
FRANCE_CENTRE = (46.6, 2.4)


# Django's `json_script` escapes: inside an inline script, `</script>` or `<!--` in a string would end
# or change the script element whatever JSON says.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(value: object) -> str:
    """`value` as a JavaScript literal safe to place inside an inline `<script>`."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


class LocalMap(folium.Map):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("tiles", None)
        # Leaflet's own zoom buttons are titled in English, its scale speaks miles: `Control` adds both.
        kwargs["zoom_control"] = False
        control_scale = kwargs.pop("control_scale", False)
        super().__init__(*args, **kwargs)
        self.default_js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
        self.default_css = [("leaflet_css", static("vendor/leaflet/leaflet.css"))]
        Control("zoom", {"zoomInTitle": _("Zoom avant"), "zoomOutTitle": _("Zoom arrière")}).add_to(self)
        if control_scale:
            Control("scale", {"imperial": False}).add_to(self)
        folium.TileLayer(
            tiles=settings.MAP_TILES_URL, attr=settings.MAP_TILES_ATTRIBUTION, name="tiles", max_zoom=18
        ).add_to(self)


class Control(MacroElement):
    """One of Leaflet's controls with options of ours: the zoom buttons titled in the page's language
    (their title is what a screen reader says), the scale in metres only (Leaflet adds miles and feet)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.{{ this.kind }}({{ this.options }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, options: dict) -> None:
        super().__init__()
        self._name = f"Control_{kind}"
        self.kind = kind
        self.options = script_json(options)


class ToolLayer(MacroElement):
    """Clustered markers of the tools, fetched as GeoJSON by the browser."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.barometreToolLayer({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, *, data_url: str, detail_url: str, links_leave_frame: bool = False) -> None:
        super().__init__()
        self._name = "ToolLayer"
        options = {
            "dataUrl": data_url,
            "detailUrl": detail_url,
            "colours": {str(key): value for key, value in FAMILY_COLOURS.items()},
            "familyLabels": {value: str(label) for value, label in ToolFamily.choices},
            "linkLabel": _("Voir la fiche"),
            "loadingLabel": _("Chargement…"),
            "failedLabel": _("La fiche n’a pas pu être chargée."),
            "demoLabel": _("Exemple fictif"),
            "endedLabel": _("Arrêté"),
            "areas": [{"label": str(label), "bounds": bounds} for label, bounds in AREAS],
            "areasLabel": _("Aller à"),
        }
        if links_leave_frame:
            options["newWindowLabel"] = _("nouvelle fenêtre")
        self.options = script_json(options)

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        figure.header.add_child(
            folium.JavascriptLink(static("vendor/leaflet.markercluster/leaflet.markercluster.js")),
            name="markercluster",
        )
        figure.header.add_child(
            folium.CssLink(static("vendor/leaflet.markercluster/MarkerCluster.css")), name="markercluster_css"
        )
        figure.header.add_child(
            folium.CssLink(static("vendor/leaflet.markercluster/MarkerCluster.Default.css")),
            name="markercluster_default_css",
        )
        figure.header.add_child(folium.JavascriptLink(static("js/tool-map.js")), name="tool_map")
        super().render(**kwargs)


class TextTooltip(MacroElement):
    """A tooltip showing `text` as text on its parent layer (folium's `Tooltip` would read it as markup)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.barometreTextTooltip({{ this._parent.get_name() }}, {{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "TextTooltip"
        self.text = script_json(text)

    def render(self, **kwargs) -> None:
        self.get_root().header.add_child(folium.JavascriptLink(static("js/tool-map.js")), name="tool_map")
        super().render(**kwargs)


@dataclass(frozen=True)
class RenderedMap:
    """The parts of a folium figure, to place in the site's own page."""

    header: str
    body: str
    script: str

    def with_nonce(self, nonce: str) -> "RenderedMap":
        """These parts, folium's inline scripts in the header carrying the request's CSP nonce (the map's own
        script goes in the page's script element, which carries it)."""
        header = self.header.replace("<script>", f'<script nonce="{nonce}">')
        return RenderedMap(header=header, body=self.body, script=self.script)


def render(folium_map: folium.Map, *, nonce: str) -> RenderedMap:
    """The figure's parts; folium's inline scripts carry the request's CSP nonce."""
    return _parts(folium_map).with_nonce(nonce)


def _parts(folium_map: folium.Map) -> RenderedMap:
    figure = folium_map.get_root()
    figure.render()
    return RenderedMap(
        header=figure.header.render(), body=figure.html.render(), script=figure.script.render()
    )


def tools_map(*, data_url: str, nonce: str, embedded: bool = False) -> RenderedMap:
    """The map of the tools; `embedded`, it is framed by another site and its links open a new window."""
    folium_map = LocalMap(location=FRANCE_CENTRE, zoom_start=6, control_scale=True)
    ToolLayer(data_url=data_url, detail_url=reverse("api:tool-list"), links_leave_frame=embedded).add_to(
        folium_map
    )
    return render(folium_map, nonce=nonce)


def point_map(*, latitude: float, longitude: float, label: str, nonce: str) -> RenderedMap:
    """A small map of one place named `label` (a tool's page). Drawn once per place, language, tile
    server and static files' address by each process (~4 ms of folium a page): each page gets it with
    its own nonce."""
    served = (settings.MAP_TILES_URL, settings.MAP_TILES_ATTRIBUTION, static("vendor/leaflet/leaflet.js"))
    return _point_map_parts(latitude, longitude, label, get_language(), served).with_nonce(nonce)


@lru_cache(maxsize=512)  # ~5 KB a place
def _point_map_parts(
    latitude: float, longitude: float, label: str, language: str, served: tuple[str, str, str]
) -> RenderedMap:
    # `language` and `served` are the parts' other inputs (the controls' titles; the tiles and scripts).
    folium_map = LocalMap(location=(latitude, longitude), zoom_start=10, height="18rem")
    marker = folium.CircleMarker(
        location=(latitude, longitude), radius=9, color="#0b4f8a", fill=True, fill_opacity=0.8
    ).add_to(folium_map)
    TextTooltip(label).add_to(marker)
    return _parts(folium_map)


def legend() -> list[tuple[str, str]]:
    return [(str(label), FAMILY_COLOURS[value]) for value, label in ToolFamily.choices]
