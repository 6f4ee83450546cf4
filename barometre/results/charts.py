"""The charts of the barometer's indicators, drawn by the site's one SVG chart (tools_registry.charts)."""

from typing import Any

from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.models import Edition
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
    indicator: dict, *, chart_id: str, compared: list[dict] | None = None, **described: Any
) -> SafeString | None:
    """The chart of one indicator (with the indicators compared to it as extra bars); `described` goes to
    `bar_chart` (a title, summary, banner and notes for a chart that leaves the page)."""
    kind = indicator["kind"]
    described.setdefault("title", indicator["label"])
    if kind == "share":
        bars = [share_bar(str(indicator["population_label"]).capitalize(), indicator)]
        bars += [share_bar(str(other["population_label"]).capitalize(), other) for other in compared or []]
        return bar_chart(chart_id=chart_id, bars=bars, **described)
    if kind == "distribution":
        bars = [
            share_bar(category["label"], {**category, "base": _base_of(indicator)})
            for category in indicator["categories"]
        ]
        return bar_chart(chart_id=chart_id, bars=bars, **described)
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
        return bar_chart(chart_id=chart_id, bars=bars, scale=top, **described)
    return None


def indicator_file(
    indicator: dict,
    *,
    compared: list[dict],
    edition: Edition,
    respondents: int,
    fictitious: bool,
    source_url: str,
) -> SafeString | None:
    """The chart of one indicator as a file of its own: put in a report or a slide, away from the page,
    it still says what it shows, of which edition, on how many answers, where it comes from, and (in
    the image itself) that its data are fictitious when they are."""
    edition_title = edition.display_title()
    base = _("Base : n = %(base)s (%(population)s ayant répondu)") % {
        "base": localize(indicator["base"]),
        "population": indicator["population_label"],
    }
    if "mentions" in indicator:
        base += ngettext(" ; %(mentions)s mention", " ; %(mentions)s mentions", indicator["mentions"]) % {
            "mentions": localize(indicator["mentions"])
        }
    counted = ngettext(
        "%(edition)s (édition %(code)s) : %(n)s collectivité répondante",
        "%(edition)s (édition %(code)s) : %(n)s collectivités répondantes",
        respondents,
    ) % {"edition": edition_title, "code": edition.code, "n": localize(respondents)}
    source = _("Source : %(publisher)s, %(edition)s") % {
        "publisher": settings.SITE_PUBLISHER,
        "edition": edition_title,
    }
    banner = _("Données fictives (démonstration)") if fictitious else ""
    summary = " ".join(part + "." for part in [banner, counted, base, f"{source}, {source_url}"] if part)
    return indicator_chart(
        indicator,
        chart_id=f"graphique-{indicator['code']}",
        compared=compared,
        title=_("%(indicator)s — %(edition)s") % {"indicator": indicator["label"], "edition": edition_title},
        summary=summary,
        banner=banner,
        notes=[_short_note(base), _short_note(source), source_url],
    )


# A note longer than this would run out of the image (the description has it in full).
MAX_NOTE = 100


def _short_note(text: str) -> str:
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1].rstrip() + "…"


def _base_of(indicator: dict) -> int:
    return indicator.get("mentions", indicator["base"])


def evolution_chart(*, chart_id: str, title: str, points: list[tuple[str, dict]]) -> SafeString:
    """One bar per edition: the share (with its interval) or the count."""
    if all(item["kind"] == "count" for _code, item in points):
        top = max([item["count"] for _code, item in points] + [1])
        bars = [Bar(code, item["count"], text=localize(item["count"])) for code, item in points]
        return bar_chart(chart_id=chart_id, title=title, bars=bars, scale=top)
    return bar_chart(chart_id=chart_id, title=title, bars=[share_bar(code, item) for code, item in points])
