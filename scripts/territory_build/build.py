"""From the sources to the three files of tools_registry/data: rows, checks, output."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .locating import CommuneLocations, locate_communes, locate_group, total_population, weighted_centroid
from .matching import Matcher
from .records import Commune, Location
from .report import attribution, compute_coverage, write_unmatched
from .sources import Sources, read_communes

COLUMNS = [
    "kind",
    "code",
    "siren",
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

Groups = dict[str, list[tuple[str, Location | None, list[Commune]]]]


@dataclass
class Territories:
    """The built reference: its rows, and what the report needs to tell how they were made."""

    rows: list[dict[str, str]]
    communes: dict[str, Commune]
    located: CommuneLocations
    groups: Groups  # (code, location, member communes) of each région, département and EPCI
    notes: list[str]  # remarks on the sources, for ATTRIBUTION.md


def row(
    kind: str,
    code: str,
    name: str,
    population: int | None,
    location: Location | None,
    siren: str = "",
    departement: str = "",
    region: str = "",
    epci: str = "",
    postcodes: str = "",
    former_codes: str = "",
) -> dict[str, str]:
    return {
        "kind": kind,
        "code": code,
        "siren": siren,
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


def source_notes(sources: Sources, communes: dict[str, Commune], locations: dict[str, Location]) -> list[str]:
    """Oddities of the source worth telling: chefs-lieux outside their territory, empty territories."""
    by_code = members_by_code(communes)
    notes: dict[str, None] = {}  # ordered set: some régions are also départements
    for kind in ("regions", "departements"):
        for item in sources.decoupage[kind]:
            members = by_code[kind][item["code"]]
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
    return list(notes)


def members_by_code(communes: dict[str, Commune]) -> dict[str, dict[str, list[Commune]]]:
    """Communes of each région ("regions") and département ("departements"), by code."""
    by_code: dict[str, dict[str, list[Commune]]] = {
        "regions": defaultdict(list),
        "departements": defaultdict(list),
    }
    for commune in communes.values():
        by_code["regions"][commune.region].append(commune)
        by_code["departements"][commune.departement].append(commune)
    return by_code


def assemble(sources: Sources) -> Territories:
    """Match, locate and lay out every territory as rows, sorted by kind and code."""
    communes = read_communes(sources.decoupage["communes"], sources.decoupage["epci"])
    Matcher(communes, sources.places).match()
    located = locate_communes(communes, sources.town_halls)
    locations = located.locations
    by_code = members_by_code(communes)

    rows: list[dict[str, str]] = []
    groups: Groups = defaultdict(list)
    for item in sources.decoupage["regions"]:
        members = by_code["regions"][item["code"]]
        location = locate_group(item.get("chefLieu"), members, locations)
        groups["régions"].append((item["code"], location, members))
        rows.append(row("region", item["code"], item["nom"], total_population(members), location))
    for item in sources.decoupage["departements"]:
        members = by_code["departements"][item["code"]]
        location = locate_group(item.get("chefLieu"), members, locations)
        groups["départements"].append((item["code"], location, members))
        population = total_population(members)
        rows.append(
            row("departement", item["code"], item["nom"], population, location, region=item["region"])
        )
    for item in sources.decoupage["epci"]:
        members = [communes[member["code"]] for member in item["membres"]]
        location = locate_group(None, members, locations)
        groups["EPCI"].append((item["code"], location, members))
        main = max(members, key=lambda commune: (commune.population or 0, commune.code))
        rows.append(
            row(
                "epci",
                item["code"],
                item["nom"],
                total_population(members),
                location,
                siren=item["code"],
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
                siren=commune.siren,
                departement=commune.departement,
                region=commune.region,
                epci=commune.epci,
                postcodes=" ".join(commune.postcodes),
                former_codes="|".join(f"{code}:{name}" for code, name in sorted(commune.former.items())),
            )
        )
    rows.sort(key=lambda entry: (entry["kind"], entry["code"]))
    return Territories(rows, communes, located, groups, source_notes(sources, communes, locations))


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


def check_landmarks(rows: list[dict[str, str]]) -> Iterator[str]:
    table = {(entry["kind"], entry["code"]): entry for entry in rows}
    for kind, code, latitude, longitude in LANDMARKS:
        entry = table.get((kind, code))
        if entry is None or not entry["latitude"]:
            yield f"{kind} {code} missing or not located"
        elif (
            abs(float(entry["latitude"]) - latitude) > 0.15
            or abs(float(entry["longitude"]) - longitude) > 0.15
        ):
            yield f"{kind} {code} located at {entry['latitude']}, {entry['longitude']}"


def write(territories: Territories, output_dir: Path, min_coverage: float, geonames_version: str) -> int:
    """Write the three files, print the report; 1 when a coverage threshold or a landmark fails."""
    output_dir.mkdir(parents=True, exist_ok=True)
    csv_path = output_dir / "territories.csv.gz"
    write_csv_gz(csv_path, territories.rows)
    write_unmatched(output_dir / "unmatched.txt", territories.communes, territories.located)
    coverage = compute_coverage(territories.communes, territories.located, territories.groups, min_coverage)
    size = csv_path.stat().st_size
    text = attribution(coverage, size, len(territories.rows), territories.notes, geonames_version)
    (output_dir / "ATTRIBUTION.md").write_text(text, encoding="utf-8")

    failures = coverage.failures + list(check_landmarks(territories.rows))
    print(f"Wrote {csv_path}: {len(territories.rows):,} rows, {size:,} bytes")
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
