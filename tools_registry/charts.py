"""Server-side SVG charts: readable without JavaScript, printable, described for screen readers.

Each chart is an `<svg role="img">` whose `<title>` names it and whose `<desc>` gives every value in
words; the page shows the same numbers in a table beside it. The barometer's indicators and the
registry's insights draw theirs here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tools_registry.text import percent_text

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
ROW = 30
BAR = 18
TOP = 8
MAX_LABEL = 34
NOTE = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # percent, or a count for a ranking score
    low: float | None = None
    high: float | None = None
    text: str = ""  # the number printed at the end of the bar
    detail: str = ""  # how it reads in the description


def range_text(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "—"
    return f"{percent_text(low)} – {percent_text(high)}"


def interval_text(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return _("IC 95 %% : %(range)s") % {"range": range_text(low, high)}


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: list[Bar],
    scale: float = 100.0,
    summary: str = "",
    banner: str = "",
    notes: Sequence[str] = (),
) -> SafeString:
    """Horizontal bars with their 95 % interval drawn as a thin line with end ticks.

    A chart that leaves the page (a downloaded file) says in its description what the page says around
    it (`summary`), and shows in the image a warning above the bars (`banner`) and lines below (`notes`).
    """
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = TOP + (ROW if banner else 0)
    bottom = top + ROW * max(1, len(bars))
    height = bottom + TOP + NOTE * len(notes)
    scale = scale or 1.0

    def x(value: float) -> float:
        return round(LABEL_WIDTH + plot * min(value, scale) / scale, 1)

    rows = []
    for index, bar in enumerate(bars):
        y = top + ROW * index
        middle = y + ROW / 2
        parts = [
            format_html(
                '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>',
                LABEL_WIDTH - 8,
                middle + 4,
                _short(bar.label),
            )
        ]
        if bar.value is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"></rect>',
                    LABEL_WIDTH,
                    middle - BAR / 2,
                    round(x(bar.value) - LABEL_WIDTH, 1),
                    BAR,
                )
            )
        if bar.low is not None and bar.high is not None:
            low, high = x(bar.low), x(bar.high)
            parts.append(
                format_html(
                    '<path d="M{} {}H{}M{} {}V{}M{} {}V{}" class="chart-interval"></path>',
                    low,
                    middle,
                    high,
                    low,
                    middle - 5,
                    middle + 5,
                    high,
                    middle - 5,
                    middle + 5,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                WIDTH - VALUE_WIDTH + 6,
                middle + 4,
                bar.text or percent_text(bar.value),
            )
        )
        rows.append(format_html('<g class="chart-row">{}</g>', SafeString("".join(parts))))
    description = _(" ; ").join(
        _("%(label)s : %(value)s")
        % {"label": bar.label, "value": bar.detail or bar.text or percent_text(bar.value)}
        for bar in bars
    )
    if summary:
        description = f"{summary} {description}"
    if banner:
        rows.insert(
            0,
            format_html(
                '<text x="{}" y="{}" class="chart-banner">{}</text>', LABEL_WIDTH, TOP + ROW / 2 + 4, banner
            ),
        )
    for index, note in enumerate(notes):
        rows.append(
            format_html(
                '<text x="{}" y="{}" class="chart-note">{}</text>', 0, bottom + TOP + NOTE * index + 12, note
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{lx}" y1="{top}" x2="{lx}" y2="{bottom}" class="chart-axis"></line>{rows}</svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        lx=LABEL_WIDTH,
        top=top,
        bottom=bottom,
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )
