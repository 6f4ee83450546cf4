"""Coverage by département: the share of the communes of 3,500 inhabitants or more, and of their population,
covered by at least one tool in service of a family.

A commune is covered when it, or the intercommunality (EPCI) it belongs to, has a published tool in
service of that family (of any family when none is chosen). Tools of a département or a région do not
count: they would cover every commune of their territory at once and hide the local picture.
"""

from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils.translation import gettext as _

from tools_registry.insights import cache_key
from tools_registry.insights.france_map import OVERSEAS
from tools_registry.licences import terms_of
from tools_registry.models import Territory, TerritoryKind, Tool
from tools_registry.territories import LARGE_COMMUNE
from tools_registry.text import natural_key, percent_of

CACHE_SECONDS = 600
# The map's classes: lower bounds of the share of communes covered, in percent.
CLASSES = [0, 20, 40, 60, 80]
FILLS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]


def coverage(family: str | None) -> dict:
    """One row per département in code order, and the terms of the data (cached)."""
    key = cache_key("coverage", family or "")
    rows = cache.get(key)
    if rows is None:
        rows = _coverage(family)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _coverage(family: str | None) -> dict:
    tools = Tool.objects.published().in_service()
    if family:
        tools = tools.filter(family=family)
    # The territories with such a tool, as one hashed subquery: matching it per commune (an EXISTS with
    # an OR) took seconds on the whole reference.
    equipped = tools.order_by().values("collectivity__territory")
    covered = ExpressionWrapper(Q(pk__in=equipped) | Q(epci__in=equipped), output_field=BooleanField())
    communes = (
        Territory.objects.filter(kind=TerritoryKind.COMMUNE, population__gte=LARGE_COMMUNE)
        .annotate(covered=covered)
        .order_by()
        .values("departement")
        .annotate(
            n_communes=Count("pk"),
            n_covered=Count("pk", filter=Q(covered=True)),
            inhabitants=Sum("population"),
            covered_inhabitants=Sum("population", filter=Q(covered=True)),
        )
    )
    by_departement = {row["departement"]: row for row in communes}
    departements = Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).values_list("pk", "code", "name")
    rows = []
    for pk, code, name in departements:
        counts = by_departement.get(pk, {})
        total, done = counts.get("n_communes", 0), counts.get("n_covered", 0)
        population = counts.get("inhabitants") or 0
        covered_population = counts.get("covered_inhabitants") or 0
        rows.append(
            {
                "code": code,
                "name": name,
                "overseas": code in OVERSEAS,
                "communes": total,
                "covered_communes": done,
                "percent_communes": percent_of(done, total),
                "population": population,
                "covered_population": covered_population,
                "percent_population": percent_of(covered_population, population),
            }
        )
    rows.sort(key=lambda row: natural_key(row["code"]))
    return {"departements": rows, "terms": terms_of(tools)}


def fill(percent: float | None) -> str:
    if percent is None:
        return "#ffffff"
    index = max(i for i, low in enumerate(CLASSES) if percent >= low)
    return FILLS[index]


def legend() -> list[tuple[str, str]]:
    bounds = [*CLASSES, 100]
    items = [
        (FILLS[i], _("de %(low)s à %(high)s %%") % {"low": bounds[i], "high": bounds[i + 1]})
        for i in range(len(CLASSES))
    ]
    items.append(("#ffffff", _("aucune commune de 3 500 habitants ou plus")))
    return items
