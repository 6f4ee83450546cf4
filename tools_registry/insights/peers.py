"""Collectivities like a given one: the territories of the same level and population band (in the same
région, as an option), and for each family the share of them that have a tool in service of it.

Peers are read in the official territory reference, not only among the collectivities the registry
knows, so that a share says how common a tool is, not how common it is among the equipped. A body
outside the reference (a park, a syndicate) has no peers.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tools_registry.charts import Bar, bar_chart
from tools_registry.choices import (
    CollectivityKind,
    PopulationBand,
    ToolFamily,
    in_population_band,
    population_band,
)
from tools_registry.insights import cache_key
from tools_registry.licences import terms_of
from tools_registry.models import Collectivity, Territory, TerritoryKind, Tool
from tools_registry.text import PERCENT_MIN_BASE, natural, percent_of, share_text, short_share

CACHE_SECONDS = 600
# The value of the `comparables` parameter (page, CSV, API) that compares within the collectivity's
# région; without it, with all France.
SAME_REGION = "region"
EXAMPLES = 3  # peers' tools shown per family
PEER_LEVEL = {
    CollectivityKind.COMMUNE: TerritoryKind.COMMUNE,
    CollectivityKind.INTERCOMMUNALITE: TerritoryKind.EPCI,
    CollectivityKind.METROPOLE: TerritoryKind.EPCI,
    CollectivityKind.DEPARTEMENT: TerritoryKind.DEPARTEMENT,
    CollectivityKind.REGION: TerritoryKind.REGION,
}
# How the sentence names the peers: « des communes de 10 000 à 50 000 habitants ».
LEVEL_PLURAL = {
    TerritoryKind.COMMUNE: gettext_lazy("communes"),
    TerritoryKind.EPCI: gettext_lazy("intercommunalités"),
    TerritoryKind.DEPARTEMENT: gettext_lazy("départements"),
    TerritoryKind.REGION: gettext_lazy("régions"),
}


@dataclass(frozen=True)
class PeerGroup:
    level: str
    band: str
    region_id: int | None

    @property
    def cache_key(self) -> str:
        return cache_key("peers", self.level, self.band, self.region_id or "")


def peer_group(collectivity: Collectivity, *, same_region: bool) -> PeerGroup | None:
    """The peers of a collectivity, or None when it has none (no official territory or no population)."""
    level = PEER_LEVEL.get(collectivity.kind)
    territory = collectivity.territory
    if level is None or territory is None or territory.kind != level:
        return None
    band = population_band(territory.population)
    if band is None:
        return None
    if same_region and (level == TerritoryKind.REGION or collectivity.region_id is None):
        return None
    return PeerGroup(level, band, collectivity.region_id if same_region else None)


def _territories(group: PeerGroup):
    territories = Territory.objects.filter(in_population_band(group.band), kind=group.level)
    if group.region_id:
        territories = territories.filter(region_id=group.region_id)
    return territories


def _group_tools(group: PeerGroup) -> QuerySet:
    territories = _territories(group)
    return Tool.objects.published().in_service().filter(collectivity__territory__in=territories.values("pk"))


def _group_counts(group: PeerGroup) -> dict:
    territories = _territories(group)
    tools = _group_tools(group)
    equipped = {
        row["family"]: row["n"]
        for row in tools.order_by()
        .values("family")
        .annotate(n=Count("collectivity__territory", distinct=True))
    }
    # A few tools per family, one query: the first ones by name of each family.
    ranked = tools.annotate(
        place=Window(
            RowNumber(), partition_by=[F("family")], order_by=[natural("collectivity__name").asc(), "pk"]
        )
    )
    examples: dict[str, list[dict]] = {}
    for tool in ranked.filter(place__lte=EXAMPLES + 1).values(
        "family",
        "name",
        "slug",
        "collectivity_id",
        "collectivity__name",
        "collectivity__slug",
        "collectivity__territory_id",
    ):
        examples.setdefault(tool["family"], []).append(tool)
    return {"base": territories.count(), "equipped": equipped, "examples": examples}


def _terms(group: PeerGroup, collectivity: Collectivity, examples: list[dict]) -> dict:
    """The terms of the peers' answer: the group's tools are counted, and the collectivity itself (its name,
    its families) and the collectivities of the example tools (their names) are shown, so what a source said
    of them counts too."""
    shown = {collectivity.pk, *(tool["collectivity_id"] for tool in examples)}
    return terms_of(_group_tools(group), Collectivity.objects.filter(pk__in=shown))


def peers_of(collectivity: Collectivity, *, same_region: bool) -> dict | None:
    """The peers of a collectivity, compared with the families of its own tools in service."""
    own = (
        Tool.objects.published()
        .in_service()
        .filter(collectivity=collectivity)
        .values_list("family", flat=True)
    )
    return peers(collectivity, set(own), same_region=same_region)


def peers(collectivity: Collectivity, own_families: set[str], *, same_region: bool) -> dict | None:
    """Per family, how many peers have such a tool (this collectivity left out), and whether it has one."""
    group = peer_group(collectivity, same_region=same_region)
    if group is None:
        return None
    # The group's counts are shared by its members; the terms are the collectivity's own (one cache read).
    terms_key = cache_key("peers-terms", group.level, group.band, group.region_id or "", collectivity.pk)
    found = cache.get_many([group.cache_key, terms_key])
    counts, terms = found.get(group.cache_key), found.get(terms_key)
    if counts is None:
        counts = _group_counts(group)
        cache.set(group.cache_key, counts, CACHE_SECONDS)
    own = collectivity.territory_id
    base = counts["base"] - 1
    families = []
    for family in ToolFamily:
        has = family.value in own_families
        count = counts["equipped"].get(family.value, 0) - has
        others = [
            tool
            for tool in counts["examples"].get(family.value, [])
            if tool["collectivity__territory_id"] != own
        ]
        families.append(
            {
                "code": family.value,
                "label": str(family.label),
                "count": count,
                "base": base,
                "percent": percent_of(count, base),
                "has": has,
                "examples": others[:EXAMPLES],
            }
        )
    if terms is None:
        terms = _terms(group, collectivity, [tool for family in families for tool in family["examples"]])
        cache.set(terms_key, terms, CACHE_SECONDS)
    description = describe(group, collectivity)
    for family in families:
        family["sentence"] = sentence(family, description, collectivity.name)
    return {
        "level": group.level,
        "band": group.band,
        "same_region": group.region_id is not None,
        "description": description,
        "name": collectivity.name,
        "base": base,
        "families": families,
        "terms": terms,
    }


def describe(group: PeerGroup, collectivity: Collectivity) -> str:
    """« communes de 10 000 à 50 000 habitants de la région Bretagne »."""
    text = _("%(level)s de %(band)s habitants") % {
        "level": LEVEL_PLURAL[group.level],
        "band": str(PopulationBand(group.band).label).lower(),
    }
    if group.region_id and collectivity.region is not None:
        text = _("%(peers)s de la région %(region)s") % {"peers": text, "region": collectivity.region.name}
    return text


def sentence(family: dict, peers_text: str, name: str) -> str:
    """« 62 % (31 sur 50) des communes de … ont un outil « … » ; Saint-Malo en a un. »"""
    values = {"peers": peers_text, "family": family["label"], "name": name}
    if family["base"] < PERCENT_MIN_BASE:
        values.update(count=number_format(family["count"]), base=number_format(family["base"]))
        text = _("%(count)s des %(base)s %(peers)s ont un outil « %(family)s »") % values
    else:
        values["share"] = share_text(family["count"], family["base"])
        text = _("%(share)s des %(peers)s ont un outil « %(family)s »") % values
    own = _("%(name)s en a un.") if family["has"] else _("%(name)s n'en a pas.")
    return f"{text}{_(' ; ')}{own % values}"


def chart(found: dict, name: str) -> SafeString:
    bars = []
    for family in found["families"]:
        own = _("%(name)s en a un") if family["has"] else _("%(name)s n'en a pas")
        bars.append(
            Bar(
                # The mark says at a glance which families this collectivity has (the caption explains it).
                f"✓ {family['label']}" if family["has"] else family["label"],
                family["percent"],
                text=short_share(family["count"], family["base"]),
                detail=f"{share_text(family['count'], family['base'])}{_(' ; ')}{own % {'name': name}}",
            )
        )
    title = _("Part des %(peers)s qui ont un outil de chaque famille") % {"peers": found["description"]}
    return bar_chart(chart_id="comparables", title=title, bars=bars)


CSV_COLUMNS = [
    "family",
    "peers",
    "peers_with_tool",
    "percent",
    "this_collectivity_has_one",
    "peer_group",
]


def csv_rows(found: dict) -> list[list]:
    return [
        [
            family["code"],
            family["base"],
            family["count"],
            family["percent"],
            "true" if family["has"] else "false",
            found["description"],
        ]
        for family in found["families"]
    ]
