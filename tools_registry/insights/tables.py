"""The insights as pictures, tables and CSV rows: what the pages and the downloads show of the figures."""

from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tools_registry import safe_csv
from tools_registry.charts import Bar, bar_chart
from tools_registry.insights import coverage as coverage_rules
from tools_registry.insights.france_map import Area, department_map
from tools_registry.insights.software import TOP_SOFTWARE
from tools_registry.licences import terms_link
from tools_registry.text import share_text, short_share

SPLIT_COLUMNS = 5  # software named in a split table; the others are summed up


def _software_bar(label: str, count: int, base: int) -> Bar:
    return Bar(label, 100.0 * count / base, text=short_share(count, base), detail=share_text(count, base))


def software_chart(family: dict) -> SafeString:
    """The family's main software, the others summed up, and the tools whose software is not said."""
    base = family["count"]
    named = [software for software in family["software"] if software["name"]]
    bars = [_software_bar(software["label"], software["count"], base) for software in named[:TOP_SOFTWARE]]
    rest = named[TOP_SOFTWARE:]
    if rest:
        label = _("%(n)s autres logiciels") % {"n": len(rest)}
        bars.append(_software_bar(label, sum(software["count"] for software in rest), base))
    bars += [
        _software_bar(software["label"], software["count"], base)
        for software in family["software"]
        if not software["name"]
    ]
    title = _("%(family)s : logiciels des %(n)s outils en service") % {
        "family": family["label"],
        "n": number_format(family["count"]),
    }
    return bar_chart(chart_id=f"logiciels-{family['code']}", title=title, bars=bars)


def split_table(family: dict, dimension: str, heading: str) -> dict:
    """Rows: the values of `dimension` (kinds, bands, régions); columns: the family's main software."""
    named = [software for software in family["software"] if software["name"]][:SPLIT_COLUMNS]
    names = [software["name"] for software in named]
    headers = [heading, *names, _("Autres logiciels"), _("Logiciel non renseigné"), _("Total")]
    rows = []
    for group in family[f"by_{dimension}"]:
        counts = {software["name"]: software["count"] for software in group["software"]}
        other = sum(n for name, n in counts.items() if name and name not in names)
        rows.append(
            [
                group["label"],
                *(counts.get(name, 0) for name in names),
                other,
                counts.get(None, 0),
                group["count"],
            ]
        )
    return {"headers": headers, "rows": rows}


def software_rows(breakdown: dict) -> list[list]:
    rows = []
    for family in breakdown["families"]:
        for software in family["software"]:
            rows.append(
                [
                    family["code"],
                    "all",
                    "",
                    "",
                    software["name"] or "",
                    software["count"],
                    family["count"],
                    software["percent"],
                    _csv_bool(software["is_open_source"]),
                ]
            )
        for dimension in ("kind", "population", "region"):
            for group in family[f"by_{dimension}"]:
                for software in group["software"]:
                    rows.append(
                        [
                            family["code"],
                            dimension,
                            group["code"] or "",
                            group["label"],
                            software["name"] or "",
                            software["count"],
                            group["count"],
                            round(100.0 * software["count"] / group["count"], 1),
                            "",
                        ]
                    )
    return rows


SOFTWARE_COLUMNS = [
    "family",
    "split",
    "split_code",
    "split_label",
    "software",
    "count",
    "base",
    "percent",
    "is_open_source",
]


def _csv_bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def csv_response(columns: list[str], rows: list[list], filename: str, terms: dict) -> HttpResponse:
    """The rows as a CSV file, each saying the licence and the credits of the tools it counts."""
    credits = "|".join(terms["attribution"])
    body = safe_csv.text(
        [[*columns, "licence", "attribution"], *([*row, terms["licence"], credits] for row in rows)]
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = terms_link(terms)
    return response


def coverage_map(result: dict, *, family_label: str, measure: str, catalogue_url) -> SafeString:
    areas = {}
    covered = total = 0
    for row in result["departements"]:
        covered, total = covered + row["covered_communes"], total + row["communes"]
        if measure == "population":
            percent, text = (
                row["percent_population"],
                _("%(share)s de la population des communes de 3 500 habitants ou plus")
                % {"share": share_text(row["covered_population"], row["population"])},
            )
        else:
            percent, text = (
                row["percent_communes"],
                _("%(share)s des communes de 3 500 habitants ou plus")
                % {"share": share_text(row["covered_communes"], row["communes"])},
            )
        if not row["communes"]:
            text = _("aucune commune de 3 500 habitants ou plus")
        areas[row["code"]] = Area(row["name"], coverage_rules.fill(percent), text, catalogue_url(row["code"]))
    title = _("Couverture des communes de 3 500 habitants ou plus par département : %(family)s") % {
        "family": family_label
    }
    description = _(
        "En France, %(share)s des communes de 3 500 habitants ou plus sont couvertes. Chaque département "
        "est coloré selon sa part ; le tableau de données donne chaque valeur."
    ) % {"share": share_text(covered, total)}
    return department_map(
        map_id="carte-couverture",
        title=title,
        description=description,
        areas=areas,
        legend=coverage_rules.legend(),
    )


COVERAGE_COLUMNS = [
    "departement",
    "name",
    "communes_3500",
    "covered_communes",
    "percent_communes",
    "population",
    "covered_population",
    "percent_population",
    "family",
]


def coverage_rows(result: dict, family: str) -> list[list]:
    return [
        [
            row["code"],
            row["name"],
            row["communes"],
            row["covered_communes"],
            row["percent_communes"],
            row["population"],
            row["covered_population"],
            row["percent_population"],
            family,
        ]
        for row in result["departements"]
    ]
