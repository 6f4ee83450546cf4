"""Finding the official territory of a body named by a source: by code first, by name only as a fallback.

The whole territory reference is read once per import (a few queries, whatever the file's length), then
every row is matched in memory.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_noop

from tools_registry.models import FormerCode, Territory, TerritoryKind
from tools_registry.text import normalize

_ARTICLES = {"le", "la", "les", "l"}
# Words around an intercommunality's name that sources write in different ways (« CA du Pays de Gex »,
# « Pays de Gex agglo »): left out of the name key.
_EPCI_HEAD = {"ca", "cc", "cu", "communaute", "d", "de", "du", "des", "l", "la", "le", "les"}
_EPCI_HEAD |= {"agglomeration", "communes", "urbaine", "metropole", "et"}
_EPCI_TAIL = {"agglo", "agglomeration", "communaute", "metropole"}
NEAR_KM = 30.0


class Tier(StrEnum):
    """How a body was matched to the territory reference, as the reports count it."""

    CODE = "code"  # by SIREN or official code
    NAME = "name"  # by name (and département, or near the source's point): to be checked
    NONE = "none"  # a territorial body the reference does not know: kept apart, to be attached by hand
    BODY = "body"  # not a territorial collectivity (syndicate, tourist office…): no territory to find


@dataclass(frozen=True)
class Place:
    pk: int
    kind: str
    code: str
    name: str
    departement: str
    latitude: float | None
    longitude: float | None


def name_key(name: str, kind: str = "") -> str:
    """The form under which names are compared: normalised, without a leading article (« Le Bouscat »)."""
    words = normalize(name).split()
    if kind == TerritoryKind.EPCI:
        while words and words[0] in _EPCI_HEAD:
            words.pop(0)
        while words and words[-1] in _EPCI_TAIL:
            words.pop()
    elif words and words[0] in _ARTICLES and len(words) > 1:
        words.pop(0)
    return " ".join(words)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, good enough to tell « near » from « elsewhere »."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Match:
    place: Place | None
    tier: Tier
    note: tuple[str, dict] | None = None  # how a name match was made, a message for the report
    near: bool = False  # found by name within NEAR_KM of the source's point: the place confirms the name


class TerritoryIndex:
    """The territory reference in memory, looked up by SIREN, code and name."""

    def __init__(self) -> None:
        self.by_code: dict[tuple[str, str], Place] = {}
        self.by_siren: dict[str, Place] = {}
        self.by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_former_name: dict[str, list[Place]] = defaultdict(list)
        self.by_pk: dict[int, Place] = {}
        rows = Territory.objects.values_list(
            "pk", "kind", "code", "siren", "name", "departement__code", "latitude", "longitude"
        )
        for pk, kind, code, siren, name, departement, latitude, longitude in rows.iterator(5000):
            if kind == TerritoryKind.DEPARTEMENT:
                departement = code
            place = Place(pk, kind, code, name, departement or "", latitude, longitude)
            self.by_pk[pk] = place
            self.by_code[(kind, code)] = place
            if siren:
                self.by_siren[siren] = place
            self.by_name[(kind, name_key(name, kind))].append(place)
        for territory_id, name in FormerCode.objects.values_list("territory_id", "name").iterator(5000):
            self.by_former_name[name_key(name)].append(self.by_pk[territory_id])

    def by_siren_of(self, siren: str, kind: str) -> Match | None:
        place = self.by_siren.get(siren)
        return Match(place, Tier.CODE) if place is not None and place.kind == kind else None

    def by_official_code(self, kind: str, code: str) -> Match | None:
        place = self.by_code.get((kind, code))
        return Match(place, Tier.CODE) if place is not None else None

    def by_name_in_departement(self, name: str, kind: str, departement: str) -> Match | None:
        """The one territory of this kind and name in the département, or a former commune's successor."""
        key = name_key(name, kind)
        found = [place for place in self.by_name.get((kind, key), []) if place.departement == departement]
        if len(found) == 1:
            return Match(found[0], Tier.NAME)
        if not found and kind == TerritoryKind.COMMUNE:
            successors = {p.pk: p for p in self.by_former_name.get(key, []) if p.departement == departement}
            if len(successors) == 1:
                note = (gettext_noop("trouvée par le nom d'une ancienne commune, fusionnée depuis"), {})
                return Match(next(iter(successors.values())), Tier.NAME, note)
        return None

    def by_name_near(
        self, names: list[str], kinds: list[str], latitude: float | None, longitude: float | None
    ) -> Match | None:
        """A territory with one of these names, preferring the kinds in order: the nearest to the point
        within NEAR_KM, or else the only one of that name in France."""
        for kind in kinds:
            candidates = {
                p.pk: p for name in names for p in self.by_name.get((kind, name_key(name, kind)), [])
            }
            if not candidates:
                continue
            if latitude is not None and longitude is not None:
                located = [
                    (distance_km(latitude, longitude, p.latitude, p.longitude), p)
                    for p in candidates.values()
                    if p.latitude is not None and p.longitude is not None
                ]
                near = sorted((d, p.pk, p) for d, p in located if d <= NEAR_KM)
                if near:
                    return Match(near[0][2], Tier.NAME, near=True)
            if len(candidates) == 1:
                place = next(iter(candidates.values()))
                note = None
                if latitude is not None and longitude is not None and place.latitude is not None:
                    far = distance_km(latitude, longitude, place.latitude, place.longitude)
                    note = (
                        gettext_noop("seul territoire de ce nom, à %(km)d km du point de la source"),
                        {"km": far},
                    )
                return Match(place, Tier.NAME, note)
        return None
