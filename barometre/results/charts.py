"""The charts of the barometer's indicators, drawn by the site's one SVG chart (tools_registry.charts)."""

from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tools_registry.charts import Bar, bar_chart, interval_text
from tools_registry.text import percent_text


def share_bar(label: str, indicator: dict) -> Bar:
    detail = _("%(percent)s (%(count)s sur %(base)s ; %(interval)s)") % {
        "percent": percent_text(indicator.get("percent")),
        "count": localize(indicator.get("count", 0)),
        "base": localize(indicator.get("base", 0)),
        "interval": interval_text(indicator.get("ci_low"), indicator.get("ci_high")),
    }
    return Bar(
        label, indicator.get("percent"), indicator.get("ci_low"), indicator.get("ci_high"), detail=detail
    )


def indicator_chart(
    indicator: dict, *, chart_id: str, compared: list[dict] | None = None
) -> SafeString | None:
    """The chart of one indicator (with the indicators compared to it as extra bars)."""
    kind = indicator["kind"]
    if kind == "share":
        bars = [share_bar(str(indicator["population_label"]).capitalize(), indicator)]
        bars += [share_bar(str(other["population_label"]).capitalize(), other) for other in compared or []]
        return bar_chart(chart_id=chart_id, title=indicator["label"], bars=bars)
    if kind == "distribution":
        bars = [
            share_bar(category["label"], {**category, "base": _base_of(indicator)})
            for category in indicator["categories"]
        ]
        return bar_chart(chart_id=chart_id, title=indicator["label"], bars=bars)
    if kind == "ranking":
        top = max([category["score"] for category in indicator["categories"]] + [1])
        bars = [
            Bar(
                category["label"],
                category["score"],
                text=localize(category["score"]),
                detail=ngettext(
                    "score %(score)s, cité par %(count)s outil dont %(first)s en premier",
                    "score %(score)s, cité par %(count)s outils dont %(first)s en premier",
                    category["count"],
                )
                % {
                    "score": localize(category["score"]),
                    "count": localize(category["count"]),
                    "first": localize(category["first"]),
                },
            )
            for category in indicator["categories"]
        ]
        return bar_chart(chart_id=chart_id, title=indicator["label"], bars=bars, scale=top)
    return None


def _base_of(indicator: dict) -> int:
    return indicator.get("mentions", indicator["base"])


def evolution_chart(*, chart_id: str, title: str, points: list[tuple[str, dict]]) -> SafeString:
    """One bar per edition: the share (with its interval) or the count."""
    if all(item["kind"] == "count" for _code, item in points):
        top = max([item["count"] for _code, item in points] + [1])
        bars = [Bar(code, item["count"], text=localize(item["count"])) for code, item in points]
        return bar_chart(chart_id=chart_id, title=title, bars=bars, scale=top)
    return bar_chart(chart_id=chart_id, title=title, bars=[share_bar(code, item) for code, item in points])
