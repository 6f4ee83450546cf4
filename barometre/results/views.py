"""The published barometer: one page per edition following the report's parts, and each indicator's CSV."""

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from barometre.models import visible_editions
from barometre.results import charts, exports, figures
from barometre.results.indicators import BY_CODE, INDICATORS, SMALL_BASE, VERBATIM_QUESTIONS, Part
from survey.models import Answer, Contact, Edition, Question, Response
from tools_registry.charts import range_text
from tools_registry.insights.france_map import SHAPES_CREDIT, SHAPES_LICENCE_URL, Area, department_map
from tools_registry.text import percent_text

# Shown beside another indicator rather than on their own.
COMPARED = {code for indicator in INDICATORS for code in indicator.compared_with}


def _chronological(editions: QuerySet) -> list[Edition]:
    return sorted(editions, key=lambda e: (e.starts_on is None, e.starts_on, e.code))


def latest(request: HttpRequest) -> HttpResponse:
    editions = _chronological(visible_editions(request.user))
    if not editions:
        return render(request, "barometre/no_edition.html")
    return _page(request, editions[-1], editions)


def edition_page(request: HttpRequest, edition: str) -> HttpResponse:
    editions = _chronological(visible_editions(request.user))
    current = next((e for e in editions if e.code == edition), None)
    if current is None:
        raise Http404(_("Édition introuvable."))
    return _page(request, current, editions)


def _page(request: HttpRequest, edition: Edition, editions: list[Edition]) -> HttpResponse:
    items = figures.by_code(edition)
    history = {e.code: figures.by_code(e) if e != edition else items for e in editions}
    parts = []
    for part in Part:
        blocks = [
            _block(edition, items[indicator.code], items, editions, history)
            for indicator in INDICATORS
            if indicator.part == part and indicator.code in items and indicator.code not in COMPARED
        ]
        parts.append(
            {
                "code": part.value,
                "title": part.label,
                "blocks": blocks,
                "verbatims": _verbatims(edition, part),
            }
        )
    report = getattr(edition, "report", None)
    respondents = items.get("respondents", {}).get("count", 0)
    context = {
        "edition": edition,
        "editions": editions,
        "report": report,
        "fictitious": bool(report and report.fictitious),
        "parts": parts,
        "respondents": respondents,
        "tools": items.get("tools", {}).get("count", 0),
        "equipped": items.get("equipped_collectivities", {}).get("count", 0),
        "invitations": (report.invitations_sent if report and report.invitations_sent else None)
        or Contact.objects.filter(edition=edition).count(),
        "small_base": SMALL_BASE,
        "respondents_map": _respondents_map(edition),
        "shapes_credit": SHAPES_CREDIT,
        "shapes_licence_url": SHAPES_LICENCE_URL,
        "suppressed_under": SUPPRESSED_UNDER,
    }
    return render(request, "barometre/edition.html", context)


# A département with fewer responses than this is shown as "fewer than 5": a count of one or two
# could name the respondent.
SUPPRESSED_UNDER = 5
RESPONDENT_CLASSES = [(SUPPRESSED_UNDER, "#bdd7e7"), (10, "#6baed6"), (20, "#08519c")]
SUPPRESSED_FILL = "#eeeeee"


def _respondents_map(edition: Edition) -> dict:
    """The counted responses by département of their collectivity, small cells suppressed."""
    rows = (
        Response.objects.counted()
        .filter(edition=edition)
        .order_by()
        .values("collectivity__departement__code", "collectivity__departement__name")
        .annotate(n=Count("pk"))
    )
    areas, unknown, table = {}, 0, []
    for row in rows:
        code, n = row["collectivity__departement__code"], row["n"]
        if code is None:
            unknown += n
            continue
        if n < SUPPRESSED_UNDER:
            fill, text = SUPPRESSED_FILL, _("moins de %(n)s réponses") % {"n": SUPPRESSED_UNDER}
        else:
            fill = [colour for low, colour in RESPONDENT_CLASSES if n >= low][-1]
            text = _("%(n)s réponses") % {"n": n}
        areas[code] = Area(row["collectivity__departement__name"], fill, text)
        table.append((code, row["collectivity__departement__name"], text))
    if not table:  # a map of France with nothing on it would read as "no response anywhere"
        return {"chart": None, "unknown": unknown, "table": table}
    legend = [
        (SUPPRESSED_FILL, _("de 1 à 4 réponses (nombre non publié)")),
        ("#bdd7e7", _("de 5 à 9 réponses")),
        ("#6baed6", _("de 10 à 19 réponses")),
        ("#08519c", _("20 réponses ou plus")),
        ("#ffffff", _("aucune réponse")),
    ]
    chart = department_map(
        map_id="carte-repondants",
        title=_("Collectivités répondantes par département"),
        description=_(
            "Chaque département est coloré selon le nombre de réponses de ses collectivités ; sous 5, le "
            "nombre n'est pas publié. Réponses dont le département n'est pas connu : %(n)s."
        )
        % {"n": unknown},
        areas=areas,
        legend=legend,
    )
    return {"chart": chart, "unknown": unknown, "table": sorted(table)}


def _block(
    edition: Edition, item: dict, items: dict, editions: list[Edition], history: dict[str, dict]
) -> dict:
    indicator = BY_CODE[item["code"]]
    compared = [items[code] for code in indicator.compared_with if code in items]
    chart_id = f"graphique-{item['code']}"
    block = {
        "item": item,
        "compared": compared,
        "chart": charts.indicator_chart(item, chart_id=chart_id, compared=compared),
        "table": _table(item, compared),
        "caution": any(entry["base"] < SMALL_BASE for entry in [item, *compared] if entry["kind"] != "count"),
        "csv_url": reverse("barometre:indicator_csv", kwargs={"edition": edition.code, "code": item["code"]}),
        "svg_url": reverse("barometre:indicator_svg", kwargs={"edition": edition.code, "code": item["code"]}),
    }
    points = [(e.code, history[e.code][item["code"]]) for e in editions if item["code"] in history[e.code]]
    if len(points) > 1:
        block["evolution"] = _evolution(item, points, chart_id)
    return block


def _table(item: dict, compared: list[dict]) -> dict:
    kind = item["kind"]
    if kind == "count":
        return {
            "headers": [_("Indicateur"), _("Effectif"), _("Base")],
            "rows": [[item["label"], item["count"], item["base"]]],
        }
    if kind == "share":
        headers = [
            _("Population"),
            _("Effectif"),
            _("Base (n)"),
            _("Part"),
            _("Intervalle de confiance à 95 %"),
        ]
        rows = [
            [
                str(entry["population_label"]).capitalize(),
                entry["count"],
                entry["base"],
                percent_text(entry["percent"]),
                range_text(entry["ci_low"], entry["ci_high"]),
            ]
            for entry in [item, *compared]
        ]
        return {"headers": headers, "rows": rows}
    if kind == "ranking":
        headers = [_("Objectif"), _("Score pondéré"), _("Classé en premier"), _("Cité (outils)")]
        rows = [[c["label"], c["score"], c["first"], c["count"]] for c in item["categories"]]
        return {"headers": headers, "rows": rows}
    share = _("Part des mentions") if "mentions" in item else _("Part")
    headers = [_("Réponse"), _("Effectif"), share, _("Intervalle de confiance à 95 %")]
    rows = [
        [c["label"], c["count"], percent_text(c["percent"]), range_text(c["ci_low"], c["ci_high"])]
        for c in item["categories"]
    ]
    return {"headers": headers, "rows": rows}


def _evolution(item: dict, points: list[tuple[str, dict]], chart_id: str) -> dict:
    title = _("%(label)s : évolution par édition") % {"label": item["label"]}
    if item["kind"] in ("share", "count"):
        chart = charts.evolution_chart(chart_id=f"{chart_id}-evolution", title=title, points=points)
        headers = [_("Édition"), _("Effectif"), _("Base (n)"), _("Part"), _("Intervalle de confiance à 95 %")]
        rows = [
            [
                code,
                p["count"],
                p["base"],
                percent_text(p.get("percent")),
                range_text(p.get("ci_low"), p.get("ci_high")),
            ]
            for code, p in points
        ]
        return {"title": title, "chart": chart, "headers": headers, "rows": rows}
    # Editions differ in size: a count or a score grows with the number of respondents, a share does not.
    # A ranking's comparable figure is the share of the answering tools that cite the objective.
    if item["kind"] == "ranking":
        note = _("Part des outils ayant répondu qui citent cet objectif ; n : outils ayant répondu.")
        by_edition = [
            {c["code"]: figures.percent(c["count"], p["base"]) for c in p["categories"]}
            for _code, p in points
        ]
    else:
        note = (
            _("Part des mentions ; n : mentions des %(population)s ayant répondu.")
            if "mentions" in item
            else _("Part ; n : %(population)s ayant répondu.")
        ) % {"population": item["population_label"]}
        by_edition = [{c["code"]: c["percent"] for c in p["categories"]} for _code, p in points]
    headers = [
        _("Réponse"),
        *(
            _("%(edition)s (n = %(base)s)") % {"edition": code, "base": p.get("mentions", p["base"])}
            for code, p in points
        ),
    ]
    labels = {c["code"]: c["label"] for c in item["categories"]}
    rows = [
        [label, *(percent_text(values.get(code)) for values in by_edition)] for code, label in labels.items()
    ]
    return {"title": title, "headers": headers, "rows": rows, "note": note}


def _verbatims(edition: Edition, part: str) -> list[dict]:
    codes = VERBATIM_QUESTIONS.get(part, ())
    if not codes:
        return []
    labels = {q.code: q.display_label() for q in Question.objects.filter(edition=edition, code__in=codes)}
    verbatims = Answer.objects.counted().of_edition(edition).publishable().exclude(text="")
    groups = []
    for code in codes:
        texts = list(verbatims.for_code(code).values_list("text", flat=True))
        if texts:
            groups.append({"label": labels.get(code, code), "texts": texts})
    return groups


def indicator_csv(request: HttpRequest, edition: str, code: str) -> HttpResponse:
    found = get_object_or_404(visible_editions(request.user), code=edition)
    item = figures.by_code(found).get(code)
    if item is None:
        raise Http404(_("Indicateur introuvable."))
    report = getattr(found, "report", None)
    rows = exports.indicator_rows(found, [item], fictitious=bool(report and report.fictitious))
    return exports.csv_response(exports.INDICATOR_COLUMNS, rows, f"barometre-{found.code}-{code}.csv")


# The page's stylesheet does not travel with a downloaded chart: the file carries the styles it needs.
SVG_STYLE = (
    "<style>.chart-label,.chart-value{font:12px Arial,sans-serif;fill:#1e1e1e}.chart-value{font-weight:700}"
    ".chart-bar{fill:#0b4f8a}.chart-interval{stroke:#1e1e1e;stroke-width:1.5;fill:none}"
    ".chart-axis{stroke:#666;stroke-width:1}.chart-note{font:11px Arial,sans-serif;fill:#1e1e1e}"
    ".chart-banner{font:bold 14px Arial,sans-serif;fill:#a4000f}</style>"
)


def indicator_svg(request: HttpRequest, edition: str, code: str) -> HttpResponse:
    """One indicator's chart as an SVG file, to put in a report or a slide."""
    found = get_object_or_404(visible_editions(request.user), code=edition)
    items = figures.by_code(found)
    item = items.get(code)
    chart = None
    if item is not None:
        report = getattr(found, "report", None)
        chart = charts.indicator_file(
            item,
            compared=[items[other] for other in BY_CODE[code].compared_with if other in items],
            edition=found,
            respondents=items.get("respondents", {}).get("count", 0),
            fictitious=bool(report and report.fictitious),
            source_url=settings.SITE_URL + reverse("barometre:edition", kwargs={"edition": found.code}),
        )
    if chart is None:
        raise Http404(_("Indicateur introuvable."))
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + chart.replace("</desc>", "</desc>" + SVG_STYLE, 1)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="barometre-{found.code}-{code}.svg"'
    return response
