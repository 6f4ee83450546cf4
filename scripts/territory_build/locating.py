"""A point for each territory: communes from GeoNames or their town hall, groups from their communes."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .geo import Grid, distance_km
from .matching import NEIGHBOURS
from .records import SOURCE_GEONAMES, SOURCE_MAIRIE, Commune, Location, Place

# A GeoNames point farther than this from the commune's town hall is taken
# for a wrong match (a namesake elsewhere): the town hall replaces it.
MAX_TOWN_HALL_KM = 20.0
# A town hall point must lie among the commune's EPCI: one of its NEIGHBOURS
# nearest confirmed points belongs to the EPCI, or it lies within this many
# times the EPCI's median member distance (at least TOWN_HALL_MIN_KM) of the
# EPCI's median point.
TOWN_HALL_EXTENT_FACTOR = 3.0
TOWN_HALL_MIN_KM = 15.0


@dataclass
class Correction:
    """A commune whose GeoNames point and town hall lie `distance` km apart."""

    commune: Commune
    place: Place
    town_hall: tuple[float, float]
    distance: float


@dataclass
class CommuneLocations:
    locations: dict[str, Location]
    corrected: list[Correction]  # GeoNames match replaced by the town hall
    kept: list[Correction]  # GeoNames match kept, the town hall being the odd one out
    rejected: list[Commune]  # no GeoNames match, town hall point implausible: not located
    checked: list[float]  # GeoNames-to-town-hall distances of the matches confirmed


def group_key(commune: Commune) -> str:
    """The commune's EPCI or, for the few island communes outside any, its département."""
    return commune.epci or f"departement {commune.departement}"


def locate_communes(
    communes: dict[str, Commune], town_halls: dict[str, tuple[float, float]]
) -> CommuneLocations:
    """GeoNames place first; the town hall when there is none or it is far off.

    The town hall points hold errors of their own (longitude sign lost,
    latitude repeated as longitude, another commune's address), so a town
    hall point is only used where it sits among the commune's EPCI: next to
    a confirmed point of the same EPCI (a commune whose GeoNames place and
    town hall agree), or within the EPCI's usual extent around its median
    point. When a GeoNames match and the town hall are more than
    MAX_TOWN_HALL_KM apart, the one nearer the EPCI's median point wins.
    """
    confirmed: dict[str, tuple[float, float]] = {}
    checked: list[float] = []
    for code, commune in communes.items():
        if commune.place is not None and code in town_halls:
            point = (commune.place.latitude, commune.place.longitude)
            distance = distance_km(point, town_halls[code])
            if distance <= MAX_TOWN_HALL_KM:
                confirmed[code] = point
                checked.append(distance)
    grid = Grid((*point, code, group_key(communes[code])) for code, point in confirmed.items())

    # Median point of each group and the median distance of its members to
    # it, over each member's best point (confirmed, else town hall, else
    # GeoNames); medians shrug off the wrong ones.
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, commune in communes.items():
        point = confirmed.get(code) or town_halls.get(code)
        if point is None and commune.place is not None:
            point = (commune.place.latitude, commune.place.longitude)
        if point is not None:
            members[group_key(commune)].append(point)
    centres: dict[str, tuple[float, float]] = {}
    extents: dict[str, float] = {}
    for key, points in members.items():
        centre = (statistics.median(lat for lat, _ in points), statistics.median(lon for _, lon in points))
        centres[key] = centre
        extents[key] = statistics.median(distance_km(centre, point) for point in points)

    def off_centre(commune: Commune, point: tuple[float, float]) -> float:
        return distance_km(centres[group_key(commune)], point)

    def plausible(commune: Commune, point: tuple[float, float]) -> bool:
        key = group_key(commune)
        if key in grid.nearest(*point, NEIGHBOURS, exclude=commune.code):
            return True
        return off_centre(commune, point) <= max(TOWN_HALL_EXTENT_FACTOR * extents[key], TOWN_HALL_MIN_KM)

    result = CommuneLocations({}, [], [], [], checked)
    for code, commune in communes.items():
        town_hall = town_halls.get(code)
        if code in confirmed:
            result.locations[code] = Location(*confirmed[code], SOURCE_GEONAMES)
        elif commune.place is not None:
            point = (commune.place.latitude, commune.place.longitude)
            if town_hall is None:
                result.locations[code] = Location(*point, SOURCE_GEONAMES)
                continue
            correction = Correction(commune, commune.place, town_hall, distance_km(point, town_hall))
            if off_centre(commune, town_hall) < off_centre(commune, point) and plausible(commune, town_hall):
                result.locations[code] = Location(*town_hall, SOURCE_MAIRIE)
                result.corrected.append(correction)
            else:
                result.locations[code] = Location(*point, SOURCE_GEONAMES)
                result.kept.append(correction)
        elif town_hall is not None:
            if plausible(commune, town_hall):
                result.locations[code] = Location(*town_hall, SOURCE_MAIRIE)
            else:
                result.rejected.append(commune)
    for corrections in (result.corrected, result.kept):
        corrections.sort(key=lambda correction: (-correction.distance, correction.commune.code))
    result.rejected.sort(key=lambda commune: (-(commune.population or 0), commune.code))
    return result


def weighted_centroid(
    members: Iterable[Commune], locations: dict[str, Location]
) -> tuple[float, float] | None:
    """Population-weighted centroid of the located members (weight 1 if unknown)."""
    total = lat_sum = lon_sum = 0.0
    for commune in members:
        location = locations.get(commune.code)
        if location is None:
            continue
        weight = float(commune.population or 1)
        total += weight
        lat_sum += weight * location.latitude
        lon_sum += weight * location.longitude
    if not total:
        return None
    return lat_sum / total, lon_sum / total


def locate_group(
    chef_lieu: str | None,
    members: list[Commune],
    locations: dict[str, Location],
) -> Location | None:
    """Chef-lieu commune if it is a located member, else centroid of members."""
    member_codes = {commune.code for commune in members}
    if chef_lieu in member_codes and chef_lieu in locations:
        location = locations[chef_lieu]
        return Location(location.latitude, location.longitude, "chef_lieu")
    centroid = weighted_centroid(members, locations)
    if centroid is None:
        return None
    return Location(centroid[0], centroid[1], "members")


def total_population(members: Iterable[Commune]) -> int | None:
    values = [commune.population for commune in members if commune.population is not None]
    return sum(values) if values else None
