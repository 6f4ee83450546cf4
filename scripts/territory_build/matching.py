"""Pairing communes with GeoNames places, by name, tier after tier."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import IntEnum

from .geo import Grid
from .names import match_key, name_parts, without_article
from .records import Commune, Place


class Tier(IntEnum):
    """Match tiers, best first; a GeoNames place taken in one tier is not offered to later tiers."""

    NAME = 0  # official name == GeoNames main name
    NAME_NO_ARTICLE = 1  # same, ignoring a leading article
    ALTERNATE = 2  # official name == one of the GeoNames alternate names
    CHEF_LIEU_DELEGUEE = 3  # name of the commune déléguée holding the code
    NAME_PART = 4  # "A-B" formed by merging communes: A or B
    OTHER_DELEGUEE = 5  # another commune déléguée / associée
    VILLAGE = 6  # CHEF_LIEU_VILLAGE table

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


TIER_LABELS = {
    Tier.NAME: "official name",
    Tier.NAME_NO_ARTICLE: "official name without article",
    Tier.ALTERNATE: "GeoNames alternate name",
    Tier.CHEF_LIEU_DELEGUEE: "name of the chef-lieu commune déléguée",
    Tier.NAME_PART: "part of the name of a merged commune",
    Tier.OTHER_DELEGUEE: "name of another commune déléguée/associée",
    Tier.VILLAGE: "chef-lieu village of an overseas island commune",
}

# Overseas communes that cover a whole island or archipelago: GeoNames only
# knows the village holding the town hall (chef-lieu), under its own name.
CHEF_LIEU_VILLAGE = {
    "97701": "Gustavia",
    "97801": "Marigot",
    "98412": "Port-aux-Français",
    "98612": "Leava",
    "98613": "Mata-Utu",
    "98714": "Vaitape",
    "98724": "Fare",
    "98729": "Afareaitu",
    "98740": "Avatoru",
    "98747": "Afaahiti",
    "98809": "Vao",
    "98814": "Wé",
    "98815": "Tadine",
}

# A match must fall where its département is: among the départements of the
# nearest unambiguous matches of other communes, or close to one of them.
# An unambiguous name (one commune, one place in the area) only needs to be
# within LOOSE_KM of its département, as sparse areas have few anchors.
NEIGHBOURS = 8
NEAR_KM = 10.0
LOOSE_KM = 30.0


@dataclass
class PlaceIndex:
    """The places of one area by matching key: main name, main name without article, alternate names."""

    by_name: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_name_no_article: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_alternate: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, places: list[Place]) -> PlaceIndex:
        index = cls()
        for place in places:
            key = match_key(place.name)
            index.by_name[key].append(place)
            index.by_name_no_article[without_article(key)].append(place)
            for alternate in {match_key(name) for name in place.alternates}:
                if alternate and alternate != key:
                    index.by_alternate[alternate].append(place)
        return index

    def lookup(self, tier: Tier, name: str) -> list[Place]:
        key = match_key(name)
        if tier == Tier.NAME:
            return self.by_name.get(key, [])
        if tier == Tier.NAME_NO_ARTICLE:
            return self.by_name_no_article.get(without_article(key), [])
        if tier == Tier.ALTERNATE:
            return self.by_alternate.get(key, [])
        return self.by_name.get(key, []) or self.by_name_no_article.get(without_article(key), [])


def candidate_names(commune: Commune, tier: Tier) -> list[str]:
    """The names under which `commune` is looked for in `tier`."""
    if tier in (Tier.NAME, Tier.NAME_NO_ARTICLE, Tier.ALTERNATE):
        return [commune.name]
    if tier == Tier.CHEF_LIEU_DELEGUEE:
        return [commune.chef_lieu_deleguee] if commune.chef_lieu_deleguee else []
    if tier == Tier.NAME_PART:
        return name_parts(commune.name) if commune.merged else []
    if tier == Tier.OTHER_DELEGUEE:
        return commune.other_delegues
    return [CHEF_LIEU_VILLAGE[commune.code]] if commune.code in CHEF_LIEU_VILLAGE else []


class Matcher:
    """Attaches a GeoNames place to as many communes as can be matched safely.

    `places` are grouped by area key (records.territory_of). Anchors — communes whose official name is
    theirs alone in the area and matches exactly one place — give the reference geography against which
    every other match is checked.
    """

    def __init__(self, communes: dict[str, Commune], places: dict[str, list[Place]]) -> None:
        self.communes = communes
        self.indexes = {territory: PlaceIndex.of(items) for territory, items in places.items()}
        by_territory: dict[str, list[Commune]] = defaultdict(list)
        for commune in communes.values():
            by_territory[commune.territory].append(commune)
        self.departements_per_territory = {
            territory: {commune.departement for commune in items} for territory, items in by_territory.items()
        }
        # Names of current and former (délégué, associated) communes per
        # territory: a place named after one commune is not handed to another
        # one through a weaker name.
        self.owners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.owners_no_article: dict[str, dict[str, list[Commune]]] = defaultdict(lambda: defaultdict(list))
        for commune in communes.values():
            for name in [commune.name, *filter(None, commune.former.values())]:
                key = match_key(name)
                self.owners[commune.territory][key].add(commune.code)
                self.owners_no_article[commune.territory][without_article(key)].append(commune)

        anchors: list[tuple[float, float, str, str]] = []
        for territory, items in by_territory.items():
            for commune in items:
                found = self.lookup(territory, Tier.NAME, commune.name)
                if len(found) == 1 and self.owners[territory][match_key(commune.name)] == {commune.code}:
                    place = found[0]
                    anchors.append((place.latitude, place.longitude, commune.code, commune.departement))
        self.grid = Grid(anchors)
        self.anchor_count: dict[str, int] = defaultdict(int)
        for *_, departement in anchors:
            self.anchor_count[departement] += 1

    def lookup(self, territory: str, tier: Tier, name: str) -> list[Place]:
        index = self.indexes.get(territory)
        return index.lookup(tier, name) if index else []

    def named_after_other(self, commune: Commune, place: Place) -> bool:
        """Whether `place` bears the name of another commune (current or former) of the area."""
        key = match_key(place.name)
        if self.owners[commune.territory].get(key, set()) - {commune.code}:
            return True
        return any(
            other is not commune and other.departement == commune.departement
            for other in self.owners_no_article[commune.territory].get(without_article(key), ())
        )

    def plausible(self, commune: Commune, place: Place, unambiguous: bool) -> bool:
        """Whether `place` lies where the commune's département is, judged from the anchors."""
        # Nothing to compare with in a one-département territory, or for a
        # département with a single commune (Paris).
        if (
            len(self.departements_per_territory[commune.territory]) == 1
            or self.anchor_count[commune.departement] < 2
        ):
            return True
        lat, lon, code, departement = place.latitude, place.longitude, commune.code, commune.departement
        if unambiguous:
            return self.grid.near(lat, lon, departement, exclude=code, km=LOOSE_KM)
        if departement in self.grid.nearest(lat, lon, NEIGHBOURS, exclude=code):
            return True
        return self.grid.near(lat, lon, departement, exclude=code, km=NEAR_KM)

    def match(self) -> None:
        """Sets `place` and `tier` on every commune matched."""
        taken: set[int] = set()
        for tier in Tier:
            for geonameid, (commune, place) in self._awarded(self._claims(tier, taken)).items():
                commune.place, commune.tier = place, tier
                taken.add(geonameid)

    def _claims(self, tier: Tier, taken: set[int]) -> dict[int, list[tuple[Commune, Place]]]:
        """Each unmatched commune's best place in `tier`, grouped by place."""
        claims: dict[int, list[tuple[Commune, Place]]] = defaultdict(list)
        for commune in self.communes.values():
            if commune.place is not None:
                continue
            options: dict[int, Place] = {}
            for name in candidate_names(commune, tier):
                found = self.lookup(commune.territory, tier, name)
                unambiguous = (
                    tier == Tier.NAME
                    and len(found) == 1
                    and self.owners[commune.territory][match_key(name)] == {commune.code}
                )
                for place in found:
                    if place.geonameid in taken or not self.plausible(commune, place, unambiguous):
                        continue
                    if tier != Tier.NAME and self.named_after_other(commune, place):
                        continue
                    options[place.geonameid] = place
            if options:
                best = max(options.values(), key=lambda place: (place.population, -place.geonameid))
                claims[best.geonameid].append((commune, best))
        return claims

    def _awarded(self, claims: dict[int, list[tuple[Commune, Place]]]) -> dict[int, tuple[Commune, Place]]:
        """The claim that wins each place: the only one, or the clear favourite among several."""
        awarded: dict[int, tuple[Commune, Place]] = {}
        for geonameid, claimants in claims.items():
            if len(claimants) > 1:
                # Several communes want the place: it goes to the one of the
                # département most represented around it, if that is clear.
                place = claimants[0][1]
                nearby = self.grid.nearest(place.latitude, place.longitude, NEIGHBOURS, exclude="")
                top = max(nearby.count(commune.departement) for commune, _ in claimants)
                claimants = [entry for entry in claimants if nearby.count(entry[0].departement) == top]
                if len(claimants) > 1 or top == 0:
                    continue
            awarded[geonameid] = claimants[0]
        return awarded
