"""Which software, where: for each family, the software of the tools in service, split by kind of
collectivity, population band and région, and the share of free software.

One GROUP BY query (and one for the names of the régions) whatever the number of tools; the catalogue's
filters (`ToolFilterSet`) choose the tools.
"""

from collections import Counter, defaultdict

from django.core.cache import cache
from django.db.models import Case, Count, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tools_registry.choices import (
    POPULATION_BAND_BOUNDS,
    CollectivityKind,
    PopulationBand,
    ToolFamily,
    in_population_band,
)
from tools_registry.filters import ToolFilterSet, query_digest
from tools_registry.insights import cache_key
from tools_registry.licences import terms_of
from tools_registry.models import Territory, TerritoryKind, Tool
from tools_registry.text import natural_key, percent_of

CACHE_SECONDS = 600
# Beyond this rank in a family, software are summed up as "other software" in the chart and tables.
TOP_SOFTWARE = 8
UNKNOWN = ""  # the key of the tools whose software nobody said
DIMENSIONS = ("kind", "population", "region")


def in_service_tools() -> QuerySet:
    return Tool.objects.published().in_service()


def filtered(data: QueryDict | None) -> ToolFilterSet:
    return ToolFilterSet(data or None, queryset=in_service_tools())


def software_breakdown(filterset: ToolFilterSet) -> dict:
    """The families of the filtered tools with their software (cached until the registry changes)."""
    # Labels are in the reader's language: one entry per language.
    digest = query_digest(filterset.data or QueryDict())
    key = cache_key("software", get_language(), digest)
    breakdown = cache.get(key)
    if breakdown is None:
        breakdown = _breakdown(filterset.qs)
        cache.set(key, breakdown, CACHE_SECONDS)
    return breakdown


def _band() -> Case:
    return Case(
        *(
            When(in_population_band(band, "collectivity__population"), then=Value(band))
            for band in POPULATION_BAND_BOUNDS
        ),
        default=Value(""),
    )


def _breakdown(tools: QuerySet) -> dict:
    rows = list(
        tools.order_by()
        .annotate(band=_band())
        .values(
            "family", "software", "is_open_source", "collectivity__kind", "collectivity__region__code", "band"
        )
        .annotate(n=Count("pk"))
    )
    spellings: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        spellings[_key(row["software"])][row["software"].strip()] += row["n"]
    # The spelling most tools use names a software whatever the case others typed it in.
    names = {
        key: min(counts.items(), key=lambda item: (-item[1], item[0]))[0] for key, counts in spellings.items()
    }
    region_codes = {row["collectivity__region__code"] for row in rows if row["collectivity__region__code"]}
    region_names = dict(
        Territory.objects.filter(kind=TerritoryKind.REGION, code__in=region_codes).values_list("code", "name")
    )
    families = []
    for family in ToolFamily:
        family_rows = [row for row in rows if row["family"] == family.value]
        if family_rows:
            families.append(_family(family, family_rows, names, region_names))
    return {
        "count": sum(family["count"] for family in families),
        "families": families,
        "terms": terms_of(tools),
    }


def _key(software: str) -> str:
    return software.strip().casefold()


def _family(
    family: ToolFamily, rows: list[dict], names: dict[str, str], region_names: dict[str, str]
) -> dict:
    total = sum(row["n"] for row in rows)
    by_software: Counter = Counter()
    free: dict[str, Counter] = defaultdict(Counter)
    open_source = Counter()
    splits: dict[str, dict[str, Counter]] = {dimension: defaultdict(Counter) for dimension in DIMENSIONS}
    for row in rows:
        key = _key(row["software"])
        by_software[key] += row["n"]
        free[key][row["is_open_source"]] += row["n"]
        open_source[row["is_open_source"]] += row["n"]
        values = {
            "kind": row["collectivity__kind"] or "",
            "population": row["band"],
            "region": row["collectivity__region__code"] or "",
        }
        for dimension, value in values.items():
            splits[dimension][value][key] += row["n"]
    ranked = sorted(by_software, key=lambda key: (key == UNKNOWN, -by_software[key], natural_key(names[key])))
    software = [
        {
            "name": names[key] or None,
            "label": names[key] or _("Logiciel non renseigné"),
            "count": by_software[key],
            "percent": percent_of(by_software[key], total),
            "is_open_source": _majority(free[key]),
        }
        for key in ranked
    ]
    known = open_source[True] + open_source[False]
    labels = {
        "kind": dict(CollectivityKind.choices),
        "population": dict(PopulationBand.choices),
        "region": region_names,
    }
    return {
        "code": family.value,
        "label": str(family.label),
        "count": total,
        "software": software,
        "open_source": {
            "yes": open_source[True],
            "no": open_source[False],
            "unknown": open_source[None],
            "base": known,
            "percent": percent_of(open_source[True], known),
        },
        **{
            f"by_{dimension}": _split(splits[dimension], labels[dimension], names, dimension)
            for dimension in DIMENSIONS
        },
    }


def _majority(counts: Counter) -> bool | None:
    """Whether a software is free, as most of its tools say (None when none says, or as many say each)."""
    if counts[True] == counts[False]:
        return None
    return counts[True] > counts[False]


def _split(groups: dict[str, Counter], labels: dict, names: dict[str, str], dimension: str) -> list[dict]:
    if dimension == "region":
        keys = sorted((key for key in groups if key), key=lambda code: natural_key(labels.get(code, code)))
    else:
        keys = [key for key in labels if key in groups]
    if UNKNOWN in groups:
        keys.append(UNKNOWN)
    result = []
    for key in keys:
        counts = groups[key]
        result.append(
            {
                "code": key or None,
                "label": str(labels.get(key, key)) if key else _("Non renseigné"),
                "count": sum(counts.values()),
                "software": [
                    {"name": names[software] or None, "count": n}
                    for software, n in sorted(
                        counts.items(), key=lambda item: (item[0] == UNKNOWN, -item[1], item[0])
                    )
                ],
            }
        )
    return result
